import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { BODY_LINES, BodyCache, bodyDisplay, bodyText, charsetOf, PREVIEW_CHARS } from '../../../src/tui/conversation/bodyLines.js';
import { messageLines } from '../../../src/tui/conversation/messageLines.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import { ConversationPane } from '../../../src/tui/conversationPane.js';
import { paletteFor } from '../../../src/tui/color.js';
import { useDemo } from '../../support/demo.js';

const demo = useDemo();
const reader = (id: number) => (dir: 'c2s' | 's2c', offset: number, length: number) => demo.store.read(id, dir, offset, length);

/** Flow 1 fed by hand as a live source feeds it: `send` appends bytes to a side at time `ts` and returns that side's new length. */
function liveFlow(serverPort: number, connecting = false) {
  const live = new FlowStore();
  const table = new MessageTable();
  const apply = (event: Parameters<FlowStore['apply']>[0]) => {
    live.apply(event);
    table.apply(event);
  };
  const key = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: serverPort } };
  apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'proxy', sawHandshake: true, ...(connecting ? { connecting } : {}) });
  const sent = { c2s: 0, s2c: 0 };
  const send = (dir: 'c2s' | 's2c', text: string | Uint8Array, ts = 2): number => {
    const b = typeof text === 'string' ? Buffer.from(text) : text;
    apply({ type: 'data', flowId: 1, dir, offset: sent[dir], bytes: b, length: b.length, ts, fileOffset: -1 });
    return (sent[dir] += b.length);
  };
  return { live, table, send, apply };
}

describe('message lines', () => {
  it('an HTTP flow: a timing line per exchange, start lines, headers, bodies, sides', () => {
    const lines = messageLines(demo.messages.get(1)!, reader(1), new Set());
    const texts = lines.map((l) => l.text);
    expect(texts[0]).toMatch(/^#1 GET \/ → 200 OK, 279 B \/ 1,122 B, send .*, wait 25 ms/);
    expect(lines[1]).toEqual({ side: 'client', kind: 'data', text: 'GET / HTTP/1.1', exchange: 0, role: 'request', ts: demo.messages.get(1)!.http!.exchanges[0].request!.firstTs, at: { dir: 'c2s', offset: 0 } });
    expect(texts).toContain('HTTP/1.1 200 OK');
    expect(lines[0].role).toBeUndefined();
    expect(lines.find((l) => l.text === 'body: 227 bytes')).toMatchObject({ role: 'response', of: 'server' });
    expect(lines.find((l) => l.text === 'HTTP/1.1 200 OK')!.side).toBe('server');
    expect(texts.filter((t) => t.startsWith('#'))).toHaveLength(2);
    expect(texts).toContain('body: 227 bytes');
  });

  it('a request still waiting on an open connection has no response yet; at the end, none', () => {
    const { live, table, send } = liveFlow(80);
    send('c2s', 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    const first = () => messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set())[0].text;
    expect(first()).toMatch(/^#1 GET \/slow → no response yet, /);
    table.apply({ type: 'flow-end', flowId: 1, ts: 3, reason: 'fin', detail: undefined });
    expect(first()).toMatch(/^#1 GET \/slow → no response, /);
    live.dispose();
  });

  it('a request waiting for the proxy to reach its upstream says so, then waits for its response', () => {
    const { live, table, send, apply } = liveFlow(8080, true);
    send('c2s', 'GET /data.json HTTP/1.1\r\nHost: x\r\n\r\n');
    const units = () => messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set());
    expect(units()[0].text).toMatch(/^#1 GET \/data\.json → upstream connecting, /);
    apply({ type: 'connected', flowId: 1, ts: 3, server: { addr: '10.0.0.2', port: 8080 } });
    expect(units()[0].text).toMatch(/^#1 GET \/data\.json → no response yet, /);
    live.dispose();
  });

  it('a request the proxy could not send on (its upstream not reached) names that, not the capture', () => {
    const { live, table, send } = liveFlow(8080);
    send('c2s', 'GET /data.json HTTP/1.1\r\nHost: x\r\n\r\n');
    table.apply({ type: 'flow-end', flowId: 1, ts: 3, reason: 'rst', detail: 'upstream nohost.invalid:80 not resolved: ENOTFOUND' });
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    expect(texts[0]).toMatch(/^#1 GET \/data\.json → upstream not resolved, /);
    expect(texts[1]).toBe('! no response: upstream nohost.invalid:80 not resolved: ENOTFOUND (flowspy reset the client)');
    expect(table.get(1)!.summary()).toBe('! upstream nohost.invalid:80 not resolved (GET /data.json)');
    live.dispose();
  });

  it('a 100 Continue that came before the request body shows between its head and body, as it happened', () => {
    const { live, table, send } = liveFlow(80);
    send('c2s', 'POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n', 10);
    send('s2c', 'HTTP/1.1 100 Continue\r\n\r\n', 20);
    send('c2s', 'hello', 30);
    send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 40);
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    const lines = messageLines(table.get(1)!, read, new Set());
    const at = (text: string) => lines.findIndex((l) => l.text === text);
    expect(at('POST /up HTTP/1.1')).toBeLessThan(at('HTTP/1.1 100 Continue'));
    expect(at('HTTP/1.1 100 Continue')).toBeLessThan(at('hello'));
    expect(at('hello')).toBeLessThan(at('HTTP/1.1 200 OK'));
    expect(lines[at('hello')]).toMatchObject({ side: 'client', role: 'request' });
    expect(lines[at('HTTP/1.1 100 Continue')].role).toBeUndefined();
    // The blank line that ends the request's head comes before the 100 Continue, as it was sent.
    expect(lines[at('HTTP/1.1 100 Continue') - 1]).toMatchObject({ side: 'client', text: '' });
    expect(lines.filter((l) => l.side === 'client' && l.text === '')).toHaveLength(1);
    // A 100 Continue after the whole request stays after it.
    const late = liveFlow(80);
    late.send('c2s', 'POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello', 10);
    late.send('s2c', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 20);
    const lateLines = messageLines(late.table.get(1)!, (dir, offset, length) => late.live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    expect(lateLines.indexOf('hello')).toBeLessThan(lateLines.indexOf('HTTP/1.1 100 Continue'));
  });

  it('a gzip body says its size and what it decoded to, once', () => {
    const { live, table, send } = liveFlow(80);
    const body = gzipSync(Buffer.from('hello, '.repeat(40)));
    send('c2s', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    expect(texts).toContain(`body: ${body.length} bytes, gzip decoded to 280`);
    live.dispose();
  });

  it('a DATA body cut by a capture gap shows its lines up to the gap and says the rest is not shown', () => {
    const live = new FlowStore();
    const table = new MessageTable();
    const apply = (event: Parameters<FlowStore['apply']>[0]) => {
      live.apply(event);
      table.apply(event);
    };
    apply({ type: 'flow-start', flowId: 1, key: { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: 25 } }, ts: 1, origin: 'proxy', sawHandshake: true });
    const at = { c2s: 0, s2c: 0 };
    const send = (dir: 'c2s' | 's2c', text: string) => {
      const bytes = Buffer.from(text);
      apply({ type: 'data', flowId: 1, dir, offset: at[dir], bytes, length: bytes.length, ts: 2, fileOffset: -1 });
      at[dir] += bytes.length;
    };
    send('s2c', '220 mx ESMTP\r\n');
    send('c2s', 'EHLO me\r\n');
    send('s2c', '250 mx\r\n');
    send('c2s', 'DATA\r\n');
    send('s2c', '354 go\r\n');
    send('c2s', 'Subject: hi\r\n\r\nfirst\r\n');
    apply({ type: 'gap', flowId: 1, dir: 'c2s', offset: at.c2s, length: 10, ts: 3 });
    at.c2s += 10;
    send('c2s', 'last\r\n.\r\n');
    send('s2c', '250 queued\r\n');
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set(['b3'])).map((l) => l.text);
    const at0 = texts.findIndex((t) => t.startsWith('DATA body: '));
    expect(texts.slice(at0 + 1, at0 + 5)).toEqual(['Subject: hi', '', 'first', '19 bytes from a capture gap on not shown: m shows the raw bytes']);
    live.dispose();
  });

  it('a DATA block cut after a line\'s dot shows no such dot: it is stuffing or the final line, as its size and `b` count it', () => {
    const { live, table, send } = liveFlow(25);
    send('s2c', '220 mx ESMTP\r\n');
    send('c2s', 'DATA\r\n');
    send('s2c', '354 go\r\n');
    send('c2s', 'first\r\n..second\r\n.');
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    const at = texts.findIndex((t) => t.startsWith('DATA body: '));
    expect(texts.slice(at)).toEqual(['DATA body: 16 bytes (unfinished)', 'first', '.second']);
    live.dispose();
  });

  it('SMTP AUTH LOGIN: the prompts and the user name decoded beside the base64, the password only by its size', () => {
    const { live, table, send } = liveFlow(25);
    for (const [dir, line] of [['s2c', '220 mx ESMTP'], ['c2s', 'AUTH LOGIN'], ['s2c', '334 VXNlcm5hbWU6'], ['c2s', 'dXNlcg=='], ['s2c', '334 UGFzc3dvcmQ6'], ['c2s', 'cGFzc3dvcmQ='], ['s2c', '235 2.7.0 ok']] as const) send(dir, `${line}\r\n`);
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    expect(texts).toEqual(['220 mx ESMTP', 'AUTH LOGIN', '334 VXNlcm5hbWU6  (Username:)', 'dXNlcg==  (user)', '334 UGFzc3dvcmQ6  (Password:)', '(password: 8 bytes)', '235 2.7.0 ok']);
    live.dispose();
  });

  it('AUTH PLAIN, POP3 PASS and IMAP LOGIN show the user and the password\'s size; decoded bytes are escaped as captured text is', () => {
    const { live, table, send } = liveFlow(25);
    const hostile = Buffer.from('\x1b[31mroot\u202e\x9b31m').toString('base64');
    for (const [dir, line] of [['c2s', `AUTH PLAIN ${Buffer.from('\0bob\0hunter2').toString('base64')}`], ['s2c', '535 no'], ['c2s', 'AUTH CRAM-MD5'], ['s2c', `334 ${hostile}`], ['c2s', '*'], ['s2c', '501 cancelled'], ['c2s', 'PASS hunter2'], ['c2s', 'a1 LOGIN bob "pw"']] as const) send(dir, `${line}\r\n`);
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    expect(texts).toEqual([
      'AUTH PLAIN (user: bob, password: 7 bytes)', '535 no', 'AUTH CRAM-MD5', `334 ${hostile}  (\\x1b[31mroot\\u{202e}\\u{9b}31m)`, '*', '501 cancelled',
      'PASS (password: 7 bytes)', 'a1 LOGIN bob (password: 2 bytes)',
    ]);
    live.dispose();
  });

  it('a binary body\'s hex dump keeps a copy of the bytes it shows (what was read may be reused)', () => {
    const read = Buffer.from(Array.from({ length: 40 }, (_, i) => i));
    const shown = bodyDisplay(read, 'application/octet-stream');
    read.fill(0xff);
    expect(shown.hex!.firstLine).toBe(1);
    expect([...shown.hex!.bytes]).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('a text body\'s tabs are expanded to spaces (tab stops of 8); other controls stay escaped', () => {
    expect(bodyText(Buffer.from('a\tb\n\tboundary="x"\r\nno tab\x1b\n'), 'text/plain')).toEqual(['a       b', '        boundary="x"', 'no tab\\x1b']);
  });

  it('one rule for tabs in every decoded line: expanded to the next tab stop by columns shown, other controls escaped', () => {
    // A character of two bytes is one column; an escape is as wide as it shows.
    expect(bodyText(Buffer.from('é\tx\n\x01\ty\n'), 'text/plain')).toEqual(['é       x', '\\x01    y']);
    const { live, table, send } = liveFlow(143);
    send('s2c', '* OK ready\r\n');
    send('c2s', 'a1 SELECT\tme\tpw\r\n');
    send('s2c', Buffer.from('a1 NO \xff\tx\r\n', 'latin1'));
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    const texts = messageLines(table.get(1)!, read, new Set()).filter((l) => l.kind === 'data').map((l) => l.text);
    expect(texts).toEqual(['* OK ready', 'a1 SELECT       me      pw', 'a1 NO \\xff      x']);
    const http = liveFlow(80);
    http.send('c2s', 'GET / HTTP/1.1\r\nX-A: a\tb\r\n\r\n');
    const httpRead = (dir: 'c2s' | 's2c', offset: number, length: number) => http.live.read(1, dir, offset, length);
    expect(messageLines(http.table.get(1)!, httpRead, new Set()).map((l) => l.text)).toContain('X-A: a  b');
  });

  it('a cut message says where it was cut after its body, not between its headers and its body', () => {
    const texts = messageLines(demo.messages.get(5)!, reader(5), new Set()).map((l) => l.text);
    const cut = texts.findIndex((t) => t.startsWith('message cut at 142: stream ended'));
    expect(texts.indexOf('region,quarter,revenue,units')).toBeLessThan(cut);
    expect(texts[cut - 1]).toMatch(/^body: /);
  });

  it('the request sent after the server closed is one alert line', () => {
    const lines = messageLines(demo.messages.get(3)!, reader(3), new Set());
    const alerts = lines.filter((l) => l.kind === 'alert');
    expect(alerts.map((l) => l.text)).toEqual(['! sent after the server closed or said it would (Connection: close): no answer']);
  });

  it('an SMTP flow: commands and replies as lines, the DATA body as its size and its lines', () => {
    const lines = messageLines(demo.messages.get(2)!, reader(2), new Set());
    expect(lines[0]).toMatchObject({ side: 'server', text: expect.stringMatching(/^220 mail\.example\.org ESMTP/) });
    expect(lines).toContainEqual({ side: 'client', kind: 'data', text: 'EHLO laptop.example.com', item: 1, ts: demo.messages.get(2)!.lines!.items[1].firstTs });
    const texts = lines.map((l) => l.text);
    const at = texts.findIndex((t) => /^DATA body: [\d,]+ bytes$/.test(t));
    expect(at).toBeGreaterThan(texts.indexOf('DATA'));
    expect(texts.slice(at + 1, at + 4)).toEqual(['From: Alice <alice@example.com>', 'To: Bob <bob@example.org>', 'Subject: Lunch on Friday?']);
    // The mail's hostile line is escaped; the final "." line is not shown; the reply follows.
    expect(texts).toContain('\\x1b[2J\\x1b]0;you have been pwned\\x07\\x1b[1;31mThis line tries to clear your screen and retitle your terminal.\\x1b[0m');
    expect(texts.slice(texts.indexOf('Alice'), texts.indexOf('Alice') + 2)).toEqual(['Alice', '250 2.0.0 Ok: queued as 4F2A81C0D3']);
  });

  it('a text protocol line that is not UTF-8 shows those bytes as \\xNN, as the text mode does; UTF-8 stays text', () => {
    const { live, table, send } = liveFlow(6379);
    send('c2s', Buffer.from('G\xffT \x9b x\r\n', 'latin1'));
    send('s2c', Buffer.from('caf\xc3\xa9 \\ ok\r\n', 'latin1'));
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    const texts = messageLines(table.get(1)!, read, new Set()).filter((l) => l.kind === 'data').map((l) => l.text);
    expect(texts).toEqual(['G\\xffT \\x9b x', 'café \\ ok']);
  });

  it('a long DATA body: its first lines with dot-stuffing undone, the rest on Enter', () => {
    const { live, table, send } = liveFlow(25);
    send('s2c', '220 mx ESMTP\r\n');
    send('c2s', 'EHLO me\r\n');
    send('s2c', '250 mx\r\n');
    send('c2s', 'DATA\r\n');
    send('s2c', '354 go ahead\r\n');
    const body = Array.from({ length: BODY_LINES + 10 }, (_, i) => (i === 1 ? '..a line that began with a dot' : `line ${i}`));
    send('c2s', `${body.join('\r\n')}\r\n.\r\n`);
    send('s2c', '250 queued\r\n');
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    const cut = messageLines(table.get(1)!, read, new Set()).map((l) => l.text);
    // The mail's size: without the final "." line and the stuffed dot.
    const size = Buffer.byteLength(`${body.join('\r\n')}\r\n`) - 1;
    const at = cut.indexOf(`DATA body: ${size} bytes`);
    expect(cut.slice(at + 1, at + 3)).toEqual(['line 0', '.a line that began with a dot']);
    expect(cut[at + BODY_LINES]).toBe(`line ${BODY_LINES - 1}`);
    const more = messageLines(table.get(1)!, read, new Set()).find((l) => l.expand !== undefined)!;
    expect(more.text).toBe('... 10 more lines (Enter shows them)');
    const whole = messageLines(table.get(1)!, read, new Set([more.expand!])).map((l) => l.text);
    expect(whole.slice(at + BODY_LINES + 1, at + BODY_LINES + 12)).toEqual([...body.slice(BODY_LINES), '250 queued']);
    // In the view, Enter on the "more lines" row shows the rest.
    const view = new MessageView(1, table.get(1)!, read);
    view.update(80, 10, 'a');
    expect(view.find('more lines (Enter shows them)', false)).toBe(true);
    expect(view.expandInWindow()).toBe(true);
    view.update(80, 10, 'a');
    expect(view.find(`line ${BODY_LINES + 9}`, false)).toBe(true);
    expect(view.lines().map((l) => l.text)).toContain('< 250 queued');
    live.dispose();
  });

  it('bodies: JSON pretty-printed, charset followed, binary as a hex excerpt, hostile text escaped', () => {
    expect(bodyText(Buffer.from('{"a":[1,2],"b":"x"}'), 'application/json')).toEqual(['{', '  "a": [', '    1,', '    2', '  ],', '  "b": "x"', '}']);
    expect(charsetOf('text/html; charset=ISO-8859-1')).toBe('latin1');
    expect(charsetOf('text/plain; charset="windows-1252"')).toBe('cp1252');
    expect(charsetOf('text/plain')).toBe('utf-8');
    expect(bodyText(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x6f, 0x6b]), 'text/plain; charset=iso-8859-1')).toEqual(['café', 'ok']);
    expect(bodyText(Buffer.from('h\0i\0\n\0', 'latin1'), 'text/plain; charset=utf-16le')).toEqual(['hi']);
    const binary = bodyText(gzipSync(Buffer.alloc(1000, 7)), 'application/octet-stream');
    expect(binary[0]).toMatch(/^\[binary, \d+ bytes\]$/);
    expect(binary[1]).toMatch(/^00000000  1f 8b/);
    expect(bodyText(Buffer.from('a\x1b]0;pwned\x07b'), 'text/plain')).toEqual(['a\\x1b]0;pwned\\x07b']);
  });
});

describe('the timing line', () => {
  it('says a second or more in seconds, as the list does: wait 1.50 s, receive 2,500 s', () => {
    const { table, send } = liveFlow(80);
    send('c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 1_000_000);
    send('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', 2_500_000);
    send('s2c', 'ok', 2_502_500_000);
    const timing = messageLines(table.get(1)!, () => new Uint8Array(0), new Set())[0].text;
    expect(timing).toMatch(/, send 0\.0 ms, wait 1\.50 s, receive 2,500 s$/);
  });
});

describe('a binary body', () => {
  it('shows its first hex rows, and on Enter a hex dump of up to 64 KiB with a line saying what is left', () => {
    const { live, table, send } = liveFlow(80);
    send('c2s', 'GET /blob HTTP/1.1\r\nHost: a\r\n\r\n');
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    const cut = messageLines(table.get(1)!, read, new Set());
    const more = cut.find((l) => l.expand !== undefined)!;
    expect(more.text).toBe(`... ${(4096 + 2 - BODY_LINES).toLocaleString('en-US')} more lines (Enter shows them)`);
    const whole = messageLines(table.get(1)!, read, new Set([more.expand!])).map((l) => l.text);
    const hex = whole.filter((t) => /^[0-9a-f]{8}  /.test(t));
    expect(hex).toHaveLength(4096);
    expect(hex.at(-1)).toMatch(/^0000fff0 /);
    expect(whole).toContain(`... ${(70_000 - 65_536).toLocaleString('en-US')} more bytes not shown: m shows all bytes`);
    expect(whole.some((t) => t.includes('more lines'))).toBe(false);
    live.dispose();
  });

  it('its preview makes only the hex rows it shows and counts the others', () => {
    const bytes = Buffer.alloc(200_000, 0x01);
    const preview = bodyDisplay(bytes, 'application/octet-stream', BODY_LINES);
    expect(preview.lines).toHaveLength(BODY_LINES);
    const all = bodyDisplay(bytes, 'application/octet-stream');
    expect(all.unmade).toBe(0);
    expect(preview.lines.length + preview.unmade).toBe(all.lines.length);
    expect(all.lines.at(-1)).toBe(`... ${(200_000 - 65_536).toLocaleString('en-US')} more bytes not shown: m shows all bytes`);
  });
});

describe('a long text body (a CSV or JSON download)', () => {
  const rows = Array.from({ length: 8000 }, (_, i) => `${i},name${i},${i * 7}`);

  it('its preview makes only the lines it shows and counts the others', () => {
    for (const [bytes, type] of [[Buffer.from(rows.join('\n')), 'text/csv'], [Buffer.from(JSON.stringify(rows)), 'application/json']] as const) {
      const preview = bodyDisplay(bytes, type, BODY_LINES);
      expect(preview.lines).toHaveLength(BODY_LINES);
      const all = bodyDisplay(bytes, type);
      expect(all.unmade).toBe(0);
      expect(preview.lines).toEqual(all.lines.slice(0, BODY_LINES));
      expect(preview.lines.length + preview.unmade).toBe(all.lines.length);
    }
  });

  it('a line is decoded looking only at its own bytes, not at the rest of the body', () => {
    let scanned = 0;
    /** Counts the bytes `indexOf` may look at. */
    class CountedBytes extends Uint8Array {
      override indexOf(value: number, from = 0): number {
        scanned += this.length - from;
        return super.indexOf(value, from);
      }
    }
    const bytes = new CountedBytes(Buffer.from(rows.join('\n') + '\n\tlast'));
    const lines = bodyDisplay(bytes, 'text/plain');
    expect(lines.lines.at(-1)).toBe('        last');
    expect(lines.lines).toHaveLength(rows.length + 1);
    expect(scanned).toBeLessThanOrEqual(2 * bytes.length);
  });
});

describe('a body that grows (a live download)', () => {
  it('is kept once per message, read again only while more of it can be read, its size current', () => {
    const { live, table, send } = liveFlow(80);
    send('c2s', 'GET /big HTTP/1.1\r\nHost: a\r\n\r\n', 2);
    const total = (1 << 20) + 300_000;
    let at = send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${total}\r\n\r\n`, 3);
    const bodyStart = at;
    const cache = new BodyCache();
    let reads = 0;
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => {
      reads++;
      return live.read(1, dir, offset, length);
    };
    const aboutLine = () => messageLines(table.get(1)!, read, new Set(), cache).find((l) => l.text.startsWith('body: '))!.text;
    const chunk = Buffer.alloc(100_000, 'abcdefghi\n');
    const seen: string[] = [];
    for (let step = 0; at - bodyStart < total; step++) {
      at = send('s2c', chunk.subarray(0, Math.min(chunk.length, total - (at - bodyStart))), 10 + step);
      seen.push(aboutLine());
      seen.push(aboutLine());
    }
    expect(cache.size).toBe(1);
    // While it arrives its newest lines show: read once per step (its end only past 256 KiB); the
    // step that completes it reads its first 256 KiB, once. The two heads are read once each.
    expect(reads).toBe(Math.ceil(total / chunk.length) + 2);
    // While it arrives, its size so far (not "cut").
    expect(seen[0]).toBe('body: 100,000 bytes so far');
    expect(seen[6]).toBe('body: 400,000 bytes so far');
    // Not all of it read for the preview: said so, with no word of loss (nothing was lost).
    expect(seen.at(-1)).toBe(`body: ${total.toLocaleString('en-US')} bytes (not all shown: Enter reads more)`);
    // Only the lines shown are kept; the rest are counted: 262,144 bytes of 10-byte lines make
    // 26,215 lines, and more exist past what was read ("+").
    const lines = messageLines(table.get(1)!, read, new Set(), cache).map((l) => l.text);
    expect(lines).toContain(`... ${(26_215 - BODY_LINES).toLocaleString('en-US')}+ more lines (Enter shows them)`);
    // Shown in full, the body stops at 1 MiB and says how to have the rest.
    const whole = messageLines(table.get(1)!, read, new Set(['0r']), cache).map((l) => l.text);
    expect(whole.find((t) => t.startsWith('body: '))).toBe(`body: ${total.toLocaleString('en-US')} bytes (only the first 1,048,576 of ${total.toLocaleString('en-US')} wire bytes shown: b saves them all)`);
    live.dispose();
  });
});

describe('message view', () => {
  it('d keeps one side: the client lines or the server lines, with the event lines', () => {
    const view = new MessageView(1, demo.messages.get(1)!, reader(1));
    const markers = (filter: 'both' | 'c2s' | 's2c') => {
      view.update(80, 500, 'a', [], [], { mode: 'off', startTs: 0, filter });
      return new Set(view.lines().map((line) => line.text[0]));
    };
    expect(markers('c2s')).toEqual(new Set(['=', '>', ' ']));
    expect(markers('s2c')).toEqual(new Set(['=', '<', ' ']));
    expect(markers('both')).toEqual(new Set(['=', '>', '<', ' ']));
    expect(view.lines().map((line) => line.text)).toContain('> GET / HTTP/1.1');
    // A body's size line goes with its message.
    view.update(80, 500, 'a', [], [], { mode: 'off', startTs: 0, filter: 'c2s' });
    expect(view.lines().map((line) => line.text)).not.toContain('= body: 936 bytes');
    view.update(80, 500, 'a', [], [], { mode: 'off', startTs: 0, filter: 's2c' });
    expect(view.lines().map((line) => line.text)).toContain('= body: 936 bytes');
  });

  it('Enter shows the body being read whole when its "more lines" row is below the window, not only in it', () => {
    const view = new MessageView(1, demo.messages.get(1)!, reader(1));
    view.update(80, 10, 'a');
    // The window shows #1's request and response head; its body's cut comes 20 lines below.
    expect(view.lines().map((l) => l.text)).not.toContain('= ... 7 more lines (Enter shows them)');
    expect(view.expandInWindow()).toBe(true);
    view.update(80, 500, 'a');
    expect(view.lines().map((l) => l.text)).toContain('< </html>');
    // Not the body of an exchange the window does not show (only the flow's first line in view).
    const other = new MessageView(1, demo.messages.get(1)!, reader(1));
    other.update(80, 1, 'a', [{ side: 'event', kind: 'event', text: 'connected' }]);
    expect(other.lines().map((l) => l.text)).toEqual(['= connected']);
    expect(other.expandInWindow()).toBe(false);
  });

  it('a cut body says how many lines are left and Enter shows them; find moves to a line', () => {
    const long = Array.from({ length: BODY_LINES + 5 }, (_, i) => `line ${i}`).join('\n');
    expect(bodyText(Buffer.from(long), 'text/plain')).toHaveLength(BODY_LINES + 5);
    const view = new MessageView(1, demo.messages.get(1)!, reader(1));
    view.update(80, 10, 'a');
    expect(view.lines()[0].text).toMatch(/^= #1 GET \//);
    // The first response's HTML body (27 lines) is cut after BODY_LINES.
    expect(view.find('more lines (Enter shows them)', false)).toBe(true);
    expect(view.lines()[0].text).toBe('= ... 7 more lines (Enter shows them)');
    expect(view.expandInWindow()).toBe(true);
    view.update(80, 10, 'a');
    const rows = view.lines().map((l) => l.text);
    expect(rows.some((t) => t.includes('more lines'))).toBe(false);
    expect(rows).toContain('< </html>');
    expect(view.expandInWindow()).toBe(false);
    view.home();
    expect(view.find('text/css', false)).toBe(true);
    expect(view.lines()[0].text).toBe('< Content-Type: text/css');
    expect(view.lines()[0].matches).toEqual([[16, 24]]);
    expect(view.find('no such text', false)).toBe(false);
    view.end();
    expect(view.lines().at(-1)!.text).toBe('= body: 227 bytes');
  });

  it('a text protocol line wraps after spaces (a word wider than the pane is cut where the row ends); search finds across the wrap', () => {
    const { live, table, send } = liveFlow(143);
    send('s2c', '* OK IMAP4rev1 server ready\r\n');
    send('c2s', 'a4 FETCH 1:13 (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM)])\r\n');
    send('s2c', `* 1 FETCH ${'x'.repeat(50)}\r\n`);
    const view = new MessageView(1, table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length));
    view.update(40, 100, 'a');
    const texts = view.lines().map((line) => line.text);
    expect(texts).toEqual([
      '< * OK IMAP4rev1 server ready',
      '> a4 FETCH 1:13 (FLAGS INTERNALDATE ',
      '  RFC822.SIZE BODY.PEEK[HEADER.FIELDS ',
      '  (DATE FROM)])',
      // A word wider than a row is cut where the row ends, not moved to a row of its own.
      '< * 1 FETCH ' + 'x'.repeat(28),
      '  ' + 'x'.repeat(22),
    ]);
    expect(view.find('INTERNALDATE RFC822', false)).toBe(true);
    const marked = view.lines().flatMap((line) => line.matches.map(([from, to]) => line.text.slice(from, to)));
    expect(marked).toEqual(['INTERNALDATE ', 'RFC822']);
  });

  it('the pane shows messages by default for a recognised flow; m and x go to the raw modes and back', () => {
    const pane = new ConversationPane(demo.store, (id) => demo.messages.get(id));
    pane.show(1, 80, 10);
    expect(pane.displayLabel).toBe('messages');
    pane.cycleMode();
    pane.show(1, 80, 10);
    expect(pane.displayLabel).toBe('text UTF-8');
    pane.show(4, 80, 10);
    expect(pane.displayLabel).toBe('text UTF-8');
    pane.cycleMode(); // hex
    pane.cycleMode(); // escaped
    pane.cycleMode(); // messages again (flow 4 has none: text)
    pane.show(4, 80, 10);
    expect(pane.displayLabel).toBe('text UTF-8');
    pane.show(1, 80, 10);
    pane.cycleMode();
    pane.cycleMode();
    pane.cycleMode();
    pane.show(1, 80, 10);
    expect(pane.displayLabel).toBe('messages');
    pane.toggleHex();
    pane.show(1, 80, 10);
    expect(pane.displayLabel).toBe('hex');
    expect(pane.paint(paletteFor({ NO_COLOR: '1' }))).toContain('00000000  47 45 54 20');
  });
});

describe('backslashes in the messages mode', () => {
  it('a decoded body shows a backslash as sent (JSON escapes read as JSON); controls stay escaped', () => {
    const json = bodyText(Buffer.from('{"q":"say \\"hi\\"","win":"C:\\\\temp"}'), 'application/json');
    expect(json).toEqual(['{', '  "q": "say \\"hi\\"",', '  "win": "C:\\\\temp"', '}']);
    expect(bodyText(Buffer.from('a\\b\x1bc'), 'text/plain')).toEqual(['a\\b\\x1bc']);
  });
});

describe('a cut body says what is true of it', () => {
  it('a 1 MB body of one line: the line is not shown in full (not "0+ more lines"); a few long lines: the body goes on', () => {
    const { live, table, send } = liveFlow(80);
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    send('c2s', 'GET /big.txt HTTP/1.1\r\nHost: a\r\n\r\n');
    const big = Buffer.alloc(1 << 20, 0x78);
    send('s2c', Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${big.length}\r\n\r\n`), big]));
    const more = messageLines(table.get(1)!, read, new Set()).find((l) => l.expand !== undefined)!;
    expect(more.text).toBe('... the line above is not shown in full (Enter shows more)');
    // Enter reads the first MiB: all of it here, so nothing is left to say.
    expect(messageLines(table.get(1)!, read, new Set([more.expand!])).some((l) => l.expand !== undefined)).toBe(false);
    live.dispose();
    // Ten lines of 128 KiB, the read stopping right after a line end: the first line is shortened to the preview's characters, more follow.
    const lines = liveFlow(80);
    const line = `${'y'.repeat((128 << 10) - 1)}\n`;
    lines.send('c2s', 'GET /lines.txt HTTP/1.1\r\nHost: a\r\n\r\n');
    lines.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${line.length * 10}\r\n\r\n${line.repeat(10)}`);
    const rest = messageLines(lines.table.get(1)!, (dir, offset, length) => lines.live.read(1, dir, offset, length), new Set()).find((l) => l.expand !== undefined)!;
    expect(rest.text).toBe('... the line above is not shown in full, 1+ more lines (Enter shows them)');
    lines.live.dispose();
  });

  it('a cut body shows at most PREVIEW_CHARS characters: a minified line is shortened, not thousands of rows', () => {
    const { live, table, send } = liveFlow(80);
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    send('c2s', 'GET /app.min.js HTTP/1.1\r\nHost: a\r\n\r\n');
    // One line of 300 kB (no line end), as minified JavaScript is; an escape at the budget's edge.
    const js = `${'x'.repeat(PREVIEW_CHARS - 2)}\x1b${'function f(a){return a};'.repeat(12000)}`;
    send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\nContent-Length: ${js.length}\r\n\r\n${js}`);
    const cut = messageLines(table.get(1)!, read, new Set());
    const body = cut.filter((l) => l.side === 'server' && l.kind === 'data' && l.bodyLine !== undefined);
    expect(body).toHaveLength(1);
    // Not cut inside `\x1b`: the escape goes whole to the rest.
    expect(body[0].text).toBe('x'.repeat(PREVIEW_CHARS - 2));
    const more = cut.find((l) => l.expand !== undefined)!;
    expect(more.text).toBe('... the line above is not shown in full (Enter shows more)');
    const whole = messageLines(table.get(1)!, read, new Set([more.expand!]));
    expect(whole.find((l) => l.bodyLine === 0)!.text.length).toBe(js.length + 3);
    // Twenty short lines and a long one after them: the short ones whole, the long one shortened.
    const lines = liveFlow(80);
    const text = `${'short line\n'.repeat(19)}${'y'.repeat(10_000)}\n`;
    lines.send('c2s', 'GET /t.txt HTTP/1.1\r\nHost: a\r\n\r\n');
    lines.send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
    const shown = messageLines(lines.table.get(1)!, (dir, offset, length) => lines.live.read(1, dir, offset, length), new Set());
    const texts = shown.filter((l) => l.bodyLine !== undefined).map((l) => l.text);
    expect(texts.slice(0, 19)).toEqual(Array(19).fill('short line'));
    expect(texts[19]).toBe('y'.repeat(PREVIEW_CHARS - 19 * 'short line'.length));
    live.dispose();
    lines.live.dispose();
  });

  it('a chunked body\'s trailer fields show after the body, as its header fields do', () => {
    const { live, table, send } = liveFlow(80);
    send('c2s', 'GET /sum HTTP/1.1\r\nHost: a\r\n\r\n');
    send('s2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 42\r\nX-Bad: \x1b[31m\r\n\r\n');
    const lines = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set());
    const texts = lines.map((l) => l.text);
    const body = texts.indexOf('hello');
    expect(texts.slice(body, body + 4)).toEqual(['hello', 'body: 5 bytes', 'X-Sum: 42', 'X-Bad: \\x1b[31m']);
    expect(lines[body + 2]).toMatchObject({ side: 'server', kind: 'data', role: 'response' });
    live.dispose();
  });

  it('a trailer field with a tab is shown as the same header field is: the tab expanded', () => {
    const { live, table, send } = liveFlow(80);
    send('c2s', 'GET /sum HTTP/1.1\r\nHost: a\r\n\r\n');
    send('s2c', 'HTTP/1.1 200 OK\r\nX-Tab: a\tb\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Tab: a\tb\r\n\r\n');
    const texts = messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set()).map((l) => l.text);
    const tabbed = texts.filter((text) => text.startsWith('X-Tab: a'));
    expect(tabbed).toHaveLength(2);
    expect(tabbed[1]).toBe(tabbed[0]);
    expect(tabbed[0]).toBe('X-Tab: a        b');
    live.dispose();
  });

  it('a binary body read only in part for the preview: labelled with its real size, "not all shown", never "cut"', () => {
    const { live, table, send } = liveFlow(80);
    const read = (dir: 'c2s' | 's2c', offset: number, length: number) => live.read(1, dir, offset, length);
    const size = 625_146;
    const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7919) >>> 3);
    send('c2s', 'GET /0.bin HTTP/1.1\r\nHost: a\r\n\r\n');
    send('s2c', `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`);
    send('s2c', payload);
    const texts = (expanded: string[]) => messageLines(table.get(1)!, read, new Set(expanded)).map((l) => l.text);
    const preview = texts([]);
    expect(preview).toContain('[binary, 625,146 bytes]');
    expect(preview).toContain('body: 625,146 bytes (not all shown: Enter reads the rest)');
    expect(preview.join('\n')).not.toMatch(/\bcut\b/);
    const whole = texts(['0r']);
    expect(whole).toContain('[binary, 625,146 bytes]');
    expect(whole).toContain(`... ${(size - 65_536).toLocaleString('en-US')} more bytes not shown: m shows all bytes`);
    expect(whole).toContain('body: 625,146 bytes');
    // Content coded and decoded only up to the preview's budget: its size is not known.
    const { live: live2, table: table2, send: send2 } = liveFlow(80);
    const gzipped = gzipSync(Buffer.concat([payload, payload]));
    send2('c2s', 'GET /1.bin HTTP/1.1\r\nHost: a\r\n\r\n');
    send2('s2c', `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n\r\n`);
    send2('s2c', gzipped);
    const coded = messageLines(table2.get(1)!, (dir, offset, length) => live2.read(1, dir, offset, length), new Set()).map((l) => l.text);
    expect(coded.find((t) => t.startsWith('[binary'))).toMatch(/^\[binary, more than 26\d,\d{3} bytes\]$/);
    expect(coded.find((t) => t.startsWith('body: '))).toMatch(/^body: [\d,]+ bytes, gzip decoded to 26\d,\d{3} \(not all shown: Enter reads the rest\)$/);
    expect(coded.join('\n')).not.toMatch(/\bcut\b/);
    live.dispose();
    live2.dispose();
  });

  it('a chunked body still arriving is its size "so far", not "cut"; cut once the stream ends inside it', () => {
    const { live, table, send } = liveFlow(80);
    const about = () => messageLines(table.get(1)!, (dir, offset, length) => live.read(1, dir, offset, length), new Set(), bodies).find((l) => l.text.startsWith('body: '))!.text;
    const bodies = new BodyCache();
    send('c2s', 'GET /stream HTTP/1.1\r\nHost: a\r\n\r\n');
    send('s2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    send('s2c', '2a\r\n' + 'tick 1 of a stream that is still coming.\r\n\r\n');
    send('s2c', '2a\r\n' + 'tick 2 of a stream that is still coming.\r\n\r\n');
    expect(about()).toBe('body: 84 bytes so far');
    table.apply({ type: 'flow-end', flowId: 1, ts: 3, reason: 'fin', detail: undefined });
    expect(about()).toBe('body: 84 bytes, cut');
    live.dispose();
  });
});
