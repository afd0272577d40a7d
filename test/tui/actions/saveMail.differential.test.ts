/**
 * `b`'s mails against tshark 4.0 on zeek__smtp.pcap (two SMTP flows, one mail each). tshark's
 * `--export-objects imf` writes what its SMTP dissector reassembled from the DATA packets, up to
 * and without the `\r\n.\r\n` terminator: the mail's last line end is left out, and dot-stuffing
 * is kept. flowspy writes the mail as RFC 5321 4.5.2 defines it (last line end kept, stuffing
 * undone). So the expected mail is taken from tshark's own TCP reassembly (`-z follow,tcp,raw`):
 * the client's bytes after `DATA\r\n` up to the `.` line, unstuffed. Against the IMF export:
 * - the Apple Mail reply (no stuffed line): the export plus `\r\n`, byte for byte;
 * - the Outlook mail: the export is 15,156 bytes, garbled: its DATA segments came
 *   out of order and retransmitted (frames 27, 32-36), which the SMTP dissector's own reassembly
 *   puts in twice in the wrong places, while tshark's TCP follow gives the 14,705 client bytes
 *   flowspy has; the mail in them is 14,546 wire bytes, 14,545 with its one stuffed dot undone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/core/types.js';
import { runCapture } from '../../../src/engine/captureRun.js';
import { mailLength } from '../../../src/messages/lineItem.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { saveMail } from '../../../src/tui/actions/saveMail.js';
import { mailInView } from '../../../src/tui/conversation/bodyInView.js';
import { corpusMissingReason, corpusPath } from '../../support/corpus.js';
import { cannotRun, missingTool } from '../../support/requirements.js';
import { lazyTempDir } from '../../support/tempDir.js';

const work = lazyTempDir('flowspy-mail-diff-');
const CAPTURE = 'zeek__smtp.pcap';

/** The bytes `client` sent to `server` as tshark's TCP reassembly has them. */
function tsharkClientBytes(capture: string, client: Endpoint, server: Endpoint): Buffer {
  const out = execFileSync('tshark', ['-r', capture, '-q', '-z', `follow,tcp,raw,${client.addr}:${client.port},${server.addr}:${server.port}`], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] });
  const hex = out.split('\n').filter((line) => /^[0-9a-f]+$/.test(line)); // node 0 (the client); node 1's lines start with a tab
  return Buffer.from(hex.join(''), 'hex');
}

/** The mail in a client's bytes: after `DATA\r\n`, to the `.` line, dot-stuffing undone (RFC 5321 4.5.2). */
function mailIn(stream: Buffer): string {
  const text = stream.toString('latin1');
  const start = text.indexOf('DATA\r\n') + 6;
  return text.slice(start, text.indexOf('\r\n.\r\n', start) + 2).replace(/(^|\n)\./g, '$1');
}

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tshark'), 'mail differential'))('b on a mail against tshark', () => {
  it(CAPTURE, async () => {
    const capture = corpusPath(CAPTURE);
    const store = new FlowStore({ sourceFile: capture });
    const table = new MessageTable();
    await runCapture({ source: capture, sinks: [(e) => store.apply(e), (e) => table.apply(e)] });
    const ours = join(work(), 'flowspy');
    const theirs = join(work(), 'tshark');
    mkdirSync(ours);
    execFileSync('tshark', ['-r', capture, '--export-objects', `imf,${theirs}`, '-q'], { stdio: 'ignore' });
    const saved = new Map<string, string>();
    for (const flow of store.flows()) {
      const items = table.get(flow.id)?.lines?.items ?? [];
      const target = mailInView(items, items.map((_, item) => ({ item })));
      if (target === undefined) continue;
      const file = await saveMail(store, flow.id, target, ours);
      const mail = readFileSync(file.path, 'latin1');
      expect(mail).toBe(mailIn(tsharkClientBytes(capture, flow.key.client, flow.key.server)));
      expect(file).toMatchObject({ bytes: mailLength(target.block), incomplete: undefined });
      saved.set(/^Subject: (.*)\r$/m.exec(mail)![1], mail);
    }
    expect([...saved.keys()]).toEqual(['SMTP', 'Re: Bro SMTP CC Header']);
    expect(readFileSync(join(theirs, 'Re%3a Bro SMTP CC Header.eml'), 'latin1') + '\r\n').toBe(saved.get('Re: Bro SMTP CC Header'));
    expect(saved.get('SMTP')!.length).toBe(14_545);
    expect(readFileSync(join(theirs, 'SMTP.eml')).length).toBe(15_156);
    store.dispose();
  });
});
