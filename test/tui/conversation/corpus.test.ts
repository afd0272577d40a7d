/**
 * The messages mode on a real capture of ../shared/corpus (read in place): the parser's notes
 * about a response lost in a capture gap are shown where it happened, not after the last of a
 * thousand exchanges; the bytes a parser gave up on are shown after its note.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCapture } from '../../../src/engine/captureRun.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { ConversationPane } from '../../../src/tui/conversationPane.js';
import { paletteFor } from '../../../src/tui/color.js';
import type { FlowEvent } from '../../../src/core/types.js';
import type { Direction } from '../../../src/core/types.js';
import { corpusMissingReason, corpusPath } from '../../support/corpus.js';
import { cannotRun } from '../../support/requirements.js';

/** The capture `file`'s flows in a store and a message table, as the TUI has them; the store is disposed when the test finishes. */
async function loaded(file: string): Promise<{ store: FlowStore; table: MessageTable }> {
  const store = new FlowStore();
  onTestFinished(() => store.dispose());
  const table = new MessageTable();
  await runCapture({ source: file, sinks: [(e) => store.apply(e), (e) => table.apply(e)] });
  return { store, table };
}

describe.skipIf(cannotRun(corpusMissingReason, 'messages mode corpus tests'))('messages mode on the public corpus', () => {
  it('zeek http_1000-requests-one-dropped-response: exchange #1 says its response head was lost and shows the body that came', async () => {
    const { store, table } = await loaded(corpusPath('zeek__http_1000-requests-one-dropped-response.pcap'));
    const messages = table.get(1)!;
    expect(messages.http!.exchanges).toHaveLength(1000);
    const chunks = { chunk: (index: number) => store.getChunk(1, index), chunkAt: (dir: Direction, offset: number) => store.chunkAt(1, dir, offset) };
    const view = new MessageView(1, messages, (dir, offset, length) => store.read(1, dir, offset, length), chunks);
    view.update(80, 100_000, 'end');
    const texts = view.lines().map((line) => line.text);
    const first = texts.findIndex((t) => t.startsWith('= #1 GET / → '));
    expect(texts[first]).toMatch(/^= #1 GET \/ → head lost, 615 B of the response received, 144 B \/ -/);
    expect(texts[first + 1]).toBe('= ! response head lost in a capture gap: the bytes that came of it are shown');
    // The gap worded as the text mode words it (once), then the bytes that came after it.
    const gap = texts.indexOf('= gap of 238 bytes (server): looking for the next message start', first);
    expect(texts[gap + 1]).toBe('< <!DOCTYPE html>');
    const second = texts.findIndex((t) => t.startsWith('= #2 GET / → 200 OK'));
    expect(gap).toBeLessThan(second);
    // Cut as a body is: 20 rows, Enter shows the rest.
    expect(texts.slice(gap, second).filter((t) => t.startsWith('< '))).toHaveLength(20);
    expect(texts.slice(gap, second).some((t) => /^= \.\.\. \d+ more lines \(Enter shows them\)$/.test(t))).toBe(true);
    const response = texts.indexOf('< HTTP/1.1 200 OK', second);
    expect(texts[response - 1]).toBe('= note (server, at byte 853): resumed at this message start');
  });

  it.each([
    ['zeek__tcp_reassembly.pcap', '= raw bytes after the parser stopped (c2s from 0)', /^> SEARCH \/AAAA/],
    ['zeek__http_get-to-ssh-server.pcap', '= raw bytes after the parser stopped (s2c from 0)', /^< SSH-2\.0-OpenSSH_8\.7$/],
  ])('%s: the raw bytes after the parser stopped', async (file, head, first) => {
    const { store, table } = await loaded(corpusPath(file));
    const chunks = { chunk: (index: number) => store.getChunk(1, index), chunkAt: (dir: Direction, offset: number) => store.chunkAt(1, dir, offset) };
    const view = new MessageView(1, table.get(1)!, (dir, offset, length) => store.read(1, dir, offset, length), chunks);
    view.update(80, 100_000, 'end');
    const texts = view.lines().map((line) => line.text);
    const at = texts.indexOf(head);
    expect(at).toBeGreaterThan(0);
    expect(texts[at + 1]).toMatch(first);
  });

  it('zeek__http_connect-with-header.pcap: the TLS in the CONNECT tunnel is its hellos and a byte count, as after STARTTLS, not ciphertext', async () => {
    const { store, table } = await loaded(corpusPath('zeek__http_connect-with-header.pcap'));
    const pane = new ConversationPane(store, (id) => table.get(id));
    pane.show(1, 80, 200);
    const texts = pane.paint(paletteFor({ NO_COLOR: '1' })).split('\n').map((t) => t.trimEnd());
    const hello = texts.findIndex((t) => t.startsWith('> TLS ClientHello  SNI secure.newegg.com'));
    expect(hello).toBeGreaterThan(0);
    expect(texts.join('\n')).toContain('= TLS in the CONNECT tunnel: 3,423 bytes from the client and 55,425 from the\n  server (x: hex, m: text)');
    expect(texts.some((t) => t.includes('raw bytes after the parser stopped') || t.includes('\\x16\\x03'))).toBe(false);
    // That line says where the tunnel went TLS: no note per side says it again.
    expect(texts.some((t) => t.includes('tunnel after CONNECT'))).toBe(false);
  });

  it.each([
    ['zeek__smtp.pcap', 'AUTH LOGIN', ['< 334 VXNlcm5hbWU6  (Username:)', '> Z3VycGFydGFwQHBhdHJpb3RzLmlu  (gurpartap@patriots.in)', '< 334 UGFzc3dvcmQ6  (Password:)', '> (password: 10 bytes)', '< 235 Authentication succeeded']],
    ['zeek__pop3.pcap', 'AUTH PLAIN', ['< +', '> (user: digitalinvestigator@networksims.com, password: 6 bytes)', '< -ERR authentication failed']],
  ])('%s: %s decoded, the password by its size', async (file, command, after) => {
    const { store, table } = await loaded(corpusPath(file));
    const flowId = [...store.flows()].map((flow) => flow.id).find((id) => table.get(id)?.lines?.items.some((item) => item.text === command))!;
    const view = new MessageView(flowId, table.get(flowId)!, (dir, offset, length) => store.read(flowId, dir, offset, length));
    view.update(80, 100_000, 'end');
    const texts = view.lines().map((line) => line.text.trimEnd());
    const at = texts.indexOf(`> ${command}`);
    expect(texts.slice(at + 1, at + 1 + after.length)).toEqual(after);
  });

  it('zeek__pop3.pcap: each RETR is answered by a mail of the size LIST gave, shown as a block', async () => {
    const { store, table } = await loaded(corpusPath('zeek__pop3.pcap'));
    const flowId = [...store.flows()].map((flow) => flow.id).find((id) => table.get(id)?.lines?.items.some((item) => item.text === 'RETR 1'))!;
    const view = new MessageView(flowId, table.get(flowId)!, (dir, offset, length) => store.read(flowId, dir, offset, length));
    view.update(80, 100_000, 'end');
    const texts = view.lines().map((line) => line.text.trimEnd());
    // LIST said: 1 5565, 2 8412, 3 5214.
    for (const [retr, size] of [['RETR 1', '5,565'], ['RETR 2', '8,412'], ['RETR 3', '5,214']]) {
      const at = texts.indexOf(`> ${retr}`);
      expect(texts.slice(at + 1, at + 4), retr).toEqual(['< +OK', `= mail: ${size} bytes`, expect.stringMatching(/^< Return-Path: </)]);
    }
    expect(texts.filter((t) => /^= \.\.\. \d+ more lines \(Enter shows them\)$/.test(t))).toHaveLength(3);
  });

  it('suricata imap-detection: each FETCH literal is one block of the size it announced', async () => {
    const { store, table } = await loaded(corpusPath('suricata-verify__imap-detection.pcap'));
    const view = new MessageView(1, table.get(1)!, (dir, offset, length) => store.read(1, dir, offset, length));
    view.update(80, 100_000, 'end');
    const texts = view.lines().map((line) => line.text.trimEnd());
    const literals = texts.filter((t) => t.startsWith('= literal: '));
    // FETCH 1:13 headers, FETCH 12 RFC822 (a whole mail), FETCH 1:12 headers again: 26 literals announced.
    expect(literals).toHaveLength(26);
    expect(literals[0]).toBe('= literal: 303 bytes');
    const at = texts.indexOf('= literal: 303 bytes');
    expect(texts[at + 1]).toBe('< Date: Thu, 11 Nov 1999 08:36:54 -0600');
  });

  it('zeek ftp_bigtransfer: each announcement on the control connection names the data connection it opened', async () => {
    const { store, table } = await loaded(corpusPath('zeek__ftp_bigtransfer.pcap'));
    const view = new MessageView(1, table.get(1)!, (dir, offset, length) => store.read(1, dir, offset, length));
    view.update(80, 100_000, 'end');
    const texts = view.lines().map((line) => line.text);
    const epsv = texts.indexOf('< 229 Extended Passive mode OK (|||63988|)');
    expect(texts[epsv + 1]).toBe('= data connection: #2');
    expect(texts.filter((t) => t.startsWith('= data connection: #'))).toEqual(['= data connection: #2', '= data connection: #3']);
  });

  it('zeek ftp_bigtransfer, parsed flow after flow (the TUI with a file): the control connection shown first gets its links when the data flows are parsed', async () => {
    const store = new FlowStore();
    const events: FlowEvent[] = [];
    try {
      await runCapture({ source: corpusPath('zeek__ftp_bigtransfer.pcap'), sinks: [(e) => store.apply(e), (e) => events.push(e.type === 'data' ? { ...e, bytes: e.bytes.slice() } : e)] });
      const table = new MessageTable();
      const pane = new ConversationPane(store, (id) => table.get(id));
      const text = (): string[] => (pane.show(1, 80, 200), pane.paint(paletteFor({ NO_COLOR: '1' })).split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trimEnd()));
      for (const e of events) if (e.flowId === 1) table.apply(e);
      expect(text()).not.toContain('= data connection: #2');
      for (const e of events) if (e.flowId !== 1) table.apply(e);
      expect(text()).toContain('= data connection: #2');
    } finally {
      store.dispose();
    }
  });
});
