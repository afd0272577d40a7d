import { describe, expect, test } from 'vitest';
import { CAPTURE_ENDED, REFUSED } from '../../../src/core/types.js';
import { ConversationView, type DisplayLine } from '../../../src/tui/conversation/view.js';
import type { ConversationSettings } from '../../../src/tui/conversation/settings.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';
import { hexLineColumns } from '../../../src/render/hex.js';

const KEY = { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 80 } };

function view(source: FakeSource, settings: Partial<ConversationSettings> = {}, width = 80, height = 50): ConversationView {
  const v = new ConversationView(source, FLOW_ID, undefined, width, height);
  v.setSettings(settings);
  return v;
}

const texts = (lines: DisplayLine[]) => lines.map((l) => l.text);
const dataRows = (lines: DisplayLine[]) => lines.filter((l) => l.kind === 'data');

/** Nothing a terminal would act on: no C0 (but none at all), DEL, C1, bidi controls. */
function assertSafe(lines: DisplayLine[]): void {
  for (const l of lines) expect(l.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe('text mode', () => {
  test('joins a line split over chunks of one direction, shown where it ends', () => {
    const s = new FakeSource(KEY).data('c2s', 'GET / HT').data('c2s', 'TP/1.1\r\nHost: x\r\n').data('s2c', 'HTTP/1.1 200 OK\r\n');
    expect(texts(view(s).lines())).toEqual([
      '= 10.0.0.1:5000 → 10.0.0.2:80 connected (handshake seen)',
      '> GET / HTTP/1.1',
      '> Host: x',
      '< HTTP/1.1 200 OK',
    ]);
  });

  test('a line ends where the other side spoke (a turn): the order on the wire; one side shown, it is joined', () => {
    // A keep-alive response body with no line end, the next request, the next response.
    const s = new FakeSource(KEY)
      .data('c2s', 'GET /two HTTP/1.1\r\n\r\n')
      .data('s2c', 'HTTP/1.1 200 OK\r\n\r\n{"path":"/two"}')
      .data('c2s', 'GET /three HTTP/1.1\r\n\r\n')
      .data('s2c', 'HTTP/1.1 200 OK\r\n');
    expect(texts(view(s).lines()).slice(1)).toEqual([
      '> GET /two HTTP/1.1', '> ', '< HTTP/1.1 200 OK', '< ', '< {"path":"/two"}', '> GET /three HTTP/1.1', '> ', '< HTTP/1.1 200 OK',
    ]);
    expect(texts(view(s, { filter: 's2c' }).lines()).slice(1)).toEqual(['< HTTP/1.1 200 OK', '< ', '< {"path":"/two"}HTTP/1.1 200 OK']);
  });

  test('the partial last line shows, and stays where it was said when the other side speaks', () => {
    const s = new FakeSource().data('c2s', 'EHLO exa');
    const v = view(s);
    expect(texts(v.lines()).slice(1)).toEqual(['> EHLO exa']);
    s.data('c2s', 'mple');
    expect(texts(v.lines()).slice(1)).toEqual(['> EHLO example']);
    s.data('s2c', '250 ok\r\n').data('c2s', '\r\nQUIT\r\n');
    expect(texts(v.lines()).slice(1)).toEqual(['> EHLO example', '< 250 ok', '> ', '> QUIT']);
  });

  test('hostile bytes become visible escapes', () => {
    const hostile = Buffer.concat([
      Buffer.from('a\x1b]0;pwned\x07b\x1b[31mred\x7f '),
      Buffer.from('\u009b31m \u202eevil {bold}{|}{/escape} ', 'utf8'),
      Buffer.from([0xc0, 0xaf, 0xff, 0x9b, 0x0a]),
    ]);
    const s = new FakeSource().data('s2c', new Uint8Array(hostile));
    const lines = view(s, {}, 200).lines();
    assertSafe(lines);
    // More binary bytes than characters: the line is shown as bytes (the C1 CSI and the bidi override too).
    expect(lines[1].text).toBe('< a\\x1b]0;pwned\\x07b\\x1b[31mred\\x7f \\xc2\\x9b31m \\xe2\\x80\\xaeevil {bold}{|}{/escape} \\xc0\\xaf\\xff\\x9b');
  });

  test('bytes the snap length cut off are said not captured, not a gap', () => {
    const s = new FakeSource().data('c2s', 'abc').notCaptured('c2s', 1316).data('c2s', 'def\n');
    expect(texts(view(s).lines()).slice(1)).toEqual(['> abc', '= 1,316 bytes not captured (client, snap length)', '> def']);
  });

  test('a gap ends a line and shows as an event; notes by time; closes and end at the end', () => {
    const s = new FakeSource().data('c2s', 'abc').gap('c2s', 1448).data('c2s', 'def\n');
    s.note('c2s sent 4+ bytes after the server closed (FIN at 00:00:00.000000)').note('conflicting retransmission');
    s.data('s2c', 'bye\n').close('c2s').close('s2c').finish('fin');
    const lines = view(s).lines();
    expect(texts(lines).slice(1)).toEqual([
      '> abc',
      '= gap of 1,448 bytes (client)',
      '> def',
      '= note: c2s sent 4+ bytes after the server closed (FIN at 00:00:00.000000)',
      '= note: conflicting retransmission',
      '< bye',
      '= client closed its side (FIN)',
      '= server closed its side (FIN)',
      '= end: connection closed',
    ]);
    expect(lines.map((l) => l.kind)).toEqual(['event', 'data', 'gap', 'data', 'alert', 'note', 'data', 'event', 'event', 'event']);
    expect(lines.filter((l) => l.highlight).map((l) => l.kind)).toEqual(['alert']);
    expect(lines[1].side).toBe('client');
    expect(lines[6].side).toBe('server');
  });

  test('a timed FIN shows where it happened; a note about data after it comes before that data', () => {
    const s = new FakeSource().data('c2s', 'GET / HTTP/1.1\n').data('s2c', 'HTTP/1.1 200 OK\n').close('s2c', true);
    s.note('c2s sent 15+ bytes after the server closed', 10_000_000).data('c2s', 'GET /2 HTTP/1.1\n', 10_000_000).finish('rst');
    expect(texts(view(s).lines()).slice(1)).toEqual([
      '> GET / HTTP/1.1',
      '< HTTP/1.1 200 OK',
      '= server closed its side (FIN)',
      '= note: c2s sent 15+ bytes after the server closed',
      '> GET /2 HTTP/1.1',
      '= end: connection reset (RST)',
    ]);
  });

  test('long lines wrap to the width, continuation rows indented (a soft wrap is no line break)', () => {
    const s = new FakeSource().data('c2s', 'x'.repeat(25) + '\n');
    const lines = dataRows(view(s, {}, 12).lines());
    expect(texts(lines)).toEqual(['> xxxxxxxxxx', '  xxxxxxxxxx', '  xxxxx']);
    expect(lines.map((l) => l.continued)).toEqual([false, true, true]);
    for (const l of lines) expect(l.text.length).toBeLessThanOrEqual(12);
  });

  test("flowspy's own lines wrap at spaces, the bytes at the edge", () => {
    const s = new FakeSource(KEY).data('c2s', 'GET /a-long-path HTTP/1.1\r\n');
    expect(texts(view(s, {}, 30).lines())).toEqual([
      '= 10.0.0.1:5000 → ',
      '  10.0.0.2:80 connected ',
      '  (handshake seen)',
      '> GET /a-long-path HTTP/1.1',
    ]);
    expect(texts(view(s, {}, 20).lines()).slice(-2)).toEqual(['> GET /a-long-path H', '  TTP/1.1']);
  });

  test('wide characters never straddle the edge', () => {
    const s = new FakeSource().data('s2c', new Uint8Array(Buffer.from('漢字漢字漢\n', 'utf8')));
    expect(texts(dataRows(view(s, {}, 7).lines()))).toEqual(['< 漢字', '  漢字', '  漢']);
  });

  test('a line longer than the cap is cut at a multiple of 4096 and marked', () => {
    const s = new FakeSource().data('c2s', 'ab\n' + 'y'.repeat(9000) + '\n');
    const lines = view(s, {}, 10000).lines().slice(1);
    expect(lines.map((l) => l.text.length)).toEqual([4, 2 + 8192 - 3 + 2, 2 + 9000 - (8192 - 3)]);
    expect(lines[1].text.endsWith('\\+')).toBe(true);
  });

  test('direction filter shows one side, events stay', () => {
    const s = new FakeSource().data('c2s', 'req\n').data('s2c', 'resp\n').data('c2s', 'req2\n').finish('rst');
    expect(texts(view(s, { filter: 's2c' }).lines())).toEqual(['= connected (handshake seen)', '< resp', '= end: connection reset (RST)']);
    expect(texts(view(s, { filter: 'c2s' }).lines()).slice(1, 3)).toEqual(['> req', '> req2']);
  });

  test('timestamps: absolute, relative, off', () => {
    const s = new FakeSource().data('c2s', 'a\n', 1_500_000);
    expect(view(s, { timestamps: 'absolute' }).lines()[1].text).toBe('22:13:21.500000 > a');
    expect(view(s, { timestamps: 'relative' }).lines()[1].text).toBe('   +1.500000 > a');
    expect(view(s, { timestamps: 'off' }).lines()[1].text).toBe('> a');
  });

  test('absolute timestamps are local times (TZ), the flow\'s day and zone on its first line', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      const s = new FakeSource().data('c2s', 'a\n', 1_500_000);
      const lines = view(s, { timestamps: 'absolute' }).lines();
      expect(lines[1].text).toBe('17:13:21.500000 > a');
      expect(lines[0].text).toBe('17:13:20.000000 = connected (handshake seen) on 2023-11-14 UTC-5');
      process.env.TZ = 'Asia/Kolkata';
      expect(view(s, { timestamps: 'absolute' }).lines()[0].text).toBe('03:43:20.000000 = connected (handshake seen) on 2023-11-15 UTC+5:30');
      expect(view(s, { timestamps: 'off' }).lines()[0].text).toBe('= connected (handshake seen)');
    } finally {
      restoreTz(saved);
    }
  });

  test('a time on another local day than the flow\'s start says its date', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      // The flow starts at 17:13:20 local on 2023-11-14; local midnight is 6 h 46 min 40 s later.
      const s = new FakeSource().data('c2s', 'a\n', 24_399_500_000).data('c2s', 'b\n', 24_401_250_000);
      const lines = view(s, { timestamps: 'absolute' }).lines();
      expect(texts(lines.slice(1))).toEqual(['23:59:59.500000 > a', '11-15 00:00:01  > b']);
    } finally {
      restoreTz(saved);
    }
  });

  test('encodings: UTF-16LE lines split on the LF code unit, CP037 decoded, hostile C1 escaped', () => {
    const utf16 = new FakeSource().data('c2s', new Uint8Array(Buffer.from('hi\r\n\u202ex\n', 'utf16le')));
    expect(texts(view(utf16, { encoding: 'utf-16le' }).lines().slice(1))).toEqual(['> hi', '> \\u{202e}x']);
    const ebcdic = new FakeSource().data('c2s', new Uint8Array([0xc8, 0x89, 0x25, 0x27, 0xc1, 0x15]));
    expect(texts(view(ebcdic, { encoding: 'cp037' }).lines().slice(1))).toEqual(['> Hi', '> \\x1bA']);
    const latin = new FakeSource().data('c2s', new Uint8Array([0x9b, 0x33, 0x31, 0x6d, 0xe9, 0x0a]));
    const latinLines = view(latin, { encoding: 'latin1' }).lines();
    assertSafe(latinLines);
    expect(latinLines[1].text).toBe('> \\u{9b}31mé');
    const sjis = new FakeSource().data('s2c', new Uint8Array([0x82, 0xa0, 0x0a, 0x81]));
    expect(texts(view(sjis, { encoding: 'shift_jis' }).lines().slice(1))).toEqual(['< あ', '< \ufffd']);
  });
});

test('every mode and encoding keeps hostile bytes inert', () => {
  const payload = Buffer.concat([
    Buffer.from('\x1b]0;t\x07\x1b[2J\u009b31m\u202e{bold}{|}{/escape}\r\n', 'utf8'),
    Buffer.from([0x80, 0x9b, 0xc0, 0xaf, 0xff, 0x0a, 0x00, 0x27, 0x25, 0x15, 0x0d]),
    Buffer.from('\u009b\u202e\u2066\n', 'utf16le'),
  ]);
  const s = new FakeSource().data('s2c', new Uint8Array(payload)).note('bad \x1b[31m note \u009b').finish('error', 'boom \x1b]0;x\x07');
  for (const mode of ['text', 'hex', 'escaped'] as const) {
    for (const encoding of ['utf-8', 'latin1', 'cp1252', 'utf-16le', 'shift_jis', 'cp037'] as const) {
      for (const timestamps of ['absolute', 'off'] as const) {
        const lines = view(s, { mode, encoding, timestamps }, 33).lines();
        expect(lines.length).toBeGreaterThan(3);
        assertSafe(lines);
      }
    }
  }
});

describe('hex and escaped modes', () => {
  test('hex rows carry the stream offset per direction', () => {
    const s = new FakeSource().data('c2s', 'GET / HTTP/1.1\r\nHost: x\r\n').data('s2c', '\x1b[2J');
    expect(texts(view(s, { mode: 'hex' }).lines().slice(1))).toEqual([
      '> 00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|',
      '> 00000010  48 6f 73 74 3a 20 78 0d  0a                       |Host: x..|',
      '< 00000000  1b 5b 32 4a                                       |.[2J|',
    ]);
  });

  test('with the time prefix at 80 columns, hex rows narrow to 8 bytes (never wrapped), and a byte highlight follows them', () => {
    const s = new FakeSource().data('c2s', 'GET / HTTP/1.1\r\nHost: x\r\n');
    const v = view(s, { mode: 'hex', timestamps: 'absolute' });
    v.highlight = { bytes: { dir: 'c2s', offset: 6, length: 4 } };
    const rows = dataRows(v.lines());
    expect(texts(rows).map((text) => text.replace(/^\S+ /, ''))).toEqual([
      '> 00000000  47 45 54 20 2f 20 48 54  |GET / HT|',
      '> 00000008  54 50 2f 31 2e 31 0d 0a  |TP/1.1..|',
      '> 00000010  48 6f 73 74 3a 20 78 0d  |Host: x.|',
      '> 00000018  0a                       |.|',
    ]);
    const cells = (row: DisplayLine) => row.matches.map(([from, to]) => row.text.slice(from, to)).join(' ');
    expect(rows.slice(0, 2).map(cells)).toEqual(['48 H 54 T', '54 T 50 P']);
    expect(v.width).toBe(80);
    expect(rows.every((row) => row.text.length <= 80 && !row.continued)).toBe(true);
  });

  test('past 4 GiB the 9-digit offset counts in the bytes a row (its second space first): rows never wrap where 4 bytes a row fit', () => {
    const s = new FakeSource().gap('s2c', 0x1_4000_0000).data('s2c', 'x'.repeat(100));
    for (const timestamps of ['off', 'absolute'] as const) {
      for (let width = 40; width <= 200; width++) {
        const rows = dataRows(view(s, { mode: 'hex', timestamps }, width).lines());
        const prefix = rows[0].text.indexOf('< ') + 2;
        expect(rows[0].text.slice(prefix, prefix + 10)).toBe('140000000 ');
        // The offset's second space gives way before the bytes do (hexLayoutFitting).
        const perRow = [16, 8, 4].find((n) => width - prefix >= hexLineColumns(n, 9, true));
        const [first, second] = rows.filter((row) => !row.continued);
        expect(second.offset! - first.offset!, `${timestamps} ${width}`).toBe(perRow ?? 4);
        if (perRow) expect(rows.filter((row) => row.continued || row.text.length > width), `${timestamps} ${width}`).toEqual([]);
      }
    }
  });

  test('escaped: one chunk per line, C-style', () => {
    const s = new FakeSource().data('c2s', 'a\r\nb\x00\\').data('s2c', 'ok');
    expect(texts(view(s, { mode: 'escaped' }).lines().slice(1))).toEqual(['> a\\r\\nb\\x00\\\\', '< ok']);
  });

  test('switching modes keeps the top data line', () => {
    const s = new FakeSource();
    for (let i = 0; i < 100; i++) s.data(i % 2 ? 's2c' : 'c2s', `line ${i}\n`);
    const v = view(s, {}, 80, 5);
    v.scrollBy(40);
    const top = v.lines()[0];
    v.setSettings({ mode: 'hex' });
    expect(v.lines()[0]).toMatchObject({ dir: top.dir, offset: top.offset });
    v.setSettings({ mode: 'text' });
    expect(v.lines()[0].text).toBe(top.text);
  });
});

describe('position', () => {
  function numbered(n: number): FakeSource {
    const s = new FakeSource();
    for (let i = 0; i < n; i++) s.data(i % 3 === 2 ? 's2c' : 'c2s', `line ${i}\n`);
    return s;
  }

  test('scroll by rows and pages, home and end', () => {
    const v = view(numbered(100), {}, 80, 10);
    v.scrollBy(1);
    expect(v.lines()[0].text).toBe('> line 0');
    v.pageDown();
    expect(v.lines()[0].text).toBe('> line 9');
    v.scrollBy(-3);
    expect(v.lines()[0].text).toBe('> line 6');
    v.end();
    expect(v.lines().at(-1)!.text).toBe('> line 99');
    expect(v.lines()).toHaveLength(10);
    expect(v.atEnd()).toBe(true);
    v.scrollBy(5);
    expect(v.lines().at(-1)!.text).toBe('> line 99');
    v.pageUp();
    expect(v.lines().at(-1)!.text).toBe('> line 90');
    v.home();
    expect(v.lines()[0].kind).toBe('event');
    v.scrollBy(-5);
    expect(v.lines()[0].kind).toBe('event');
  });

  test('the position stays on the same line when chunks are appended', () => {
    const s = numbered(50);
    const v = view(s, {}, 80, 5);
    v.scrollBy(20);
    const before = texts(v.lines());
    for (let i = 50; i < 80; i++) s.data('c2s', `line ${i}\n`);
    s.note('late note').finish('timeout');
    v.update();
    expect(texts(v.lines())).toEqual(before);
  });

  test('follow keeps the end in view as chunks arrive', () => {
    const s = numbered(20);
    const v = view(s, {}, 80, 4);
    v.follow = true;
    v.update();
    s.data('s2c', 'new\n');
    v.update();
    expect(v.lines().at(-1)!.text).toBe('< new');
    s.extendLast('more\n');
    v.update();
    expect(texts(v.lines()).slice(-2)).toEqual(['< new', '< more']);
  });

  test('a flow evicted meanwhile shows one event line', () => {
    const s = numbered(3);
    const v = view(s);
    s.gone = true;
    expect(texts(v.lines())).toEqual(['= flow no longer held']);
  });

  test('a store read error shows as one alert line and leaves the position', () => {
    const s = numbered(30);
    const v = view(s, {}, 80, 5);
    v.scrollBy(3);
    const before = v.position;
    const read = s.read.bind(s);
    s.read = () => {
      throw new Error('EIO reading spill \x1b[2J');
    };
    v.resize(60, 5);
    v.scrollBy(10);
    v.end();
    expect(v.position).toEqual(before);
    expect(v.lines()).toMatchObject([{ kind: 'alert', highlight: true, text: '= cannot read this flow: EIO reading spill \\x1b[2J' }]);
    s.read = read;
    expect(v.lines()[0].text).toBe('< line 2');
  });

  test('highlights occurrences of the search text in rows', () => {
    const s = new FakeSource().data('c2s', 'abc needle def needle\n');
    const v = view(s, {}, 14);
    v.highlight = { text: 'needle' };
    const rows = dataRows(v.lines());
    expect(texts(rows)).toEqual(['> abc needle d', '  ef needle']);
    expect(rows.map((r) => r.matches)).toEqual([[[6, 12]], [[5, 11]]]);
  });

  test('marks the current match apart: the occurrence at its bytes, also past escapes that widen the text before it', () => {
    const s = new FakeSource().data('c2s', 'needle \x01\t needle needle\n');
    const v = view(s);
    // The bytes: `needle \x01\t needle needle`: the second needle starts at byte 10, shown at column 14 of the text.
    v.highlight = { text: 'needle', current: { dir: 'c2s', offset: 10 } };
    const [row] = dataRows(v.lines());
    expect(row.text).toBe('> needle \\x01\\t needle needle');
    expect(row.matches).toEqual([[2, 8], [16, 22], [23, 29]]);
    expect(row.current).toEqual([[16, 22]]);
    v.highlight = { text: 'needle', current: { dir: 's2c', offset: 10 } };
    expect(dataRows(v.lines())[0].current).toBeUndefined();
  });

  test('a match is shown at the row of the occurrence marked current, on a line whose escapes widen it', () => {
    // Bytes: `abc`, 40 controls (4 columns each), `abc` at byte 43 (column 163), then 100 dots: its share of the text is nearer the first `abc`.
    const s = new FakeSource().data('c2s', `abc${'\x01'.repeat(40)}abc${'.'.repeat(100)}\n`);
    const v = view(s, {}, 40, 3);
    v.highlight = { text: 'abc', current: { dir: 'c2s', offset: 43 } };
    v.showOffset('c2s', 43);
    expect(v.lines()[0].current).toHaveLength(1);
  });

  test('in hex mode the current match is the bytes marked; an `=` row matched is current in its own unit only', () => {
    const s = new FakeSource(KEY).data('c2s', 'GET / HTTP/1.1\r\n').finish('rst', 'reset by server');
    const v = view(s, { mode: 'hex' });
    v.highlight = { bytes: { dir: 'c2s', offset: 6, length: 4 }, text: 'reset', current: { dir: 'c2s', offset: 6 } };
    const lines = v.lines();
    const tail = lines.at(-1)!;
    expect(dataRows(lines)[0].current).toEqual(dataRows(lines)[0].matches);
    expect(dataRows(lines)[0].matches).toHaveLength(8);
    expect([tail.text, tail.matches.length, tail.current]).toEqual(['= end: connection reset (RST): reset by server', 2, undefined]);
    v.highlight = { text: 'reset', current: { dir: 'c2s', offset: 0, unit: { kind: 'tail' } } };
    expect(v.lines().at(-1)!.current).toEqual([tail.matches[0]]);
  });
});

describe('the end line', () => {
  test('a flow the capture ended while open says so, not that it timed out', () => {
    const open = new FakeSource(KEY).data('c2s', 'GET / HTTP/1.1\r\n').finish('timeout', CAPTURE_ENDED);
    expect(texts(view(open).lines()).at(-1)).toBe('= still open when the capture ended');
    const idle = new FakeSource(KEY).finish('timeout', 'idle');
    expect(texts(view(idle).lines()).at(-1)).toBe('= end: timed out: idle');
  });
});

describe('the connection line', () => {
  test('a connection refused says so, not "connected"', () => {
    const refused = new FakeSource(KEY).finish('rst', REFUSED);
    expect(texts(view(refused).lines())).toEqual(['= 10.0.0.1:5000 → 10.0.0.2:80 connection refused', `= end: connection reset (RST): ${REFUSED}`]);
    const reset = new FakeSource(KEY).finish('rst', 'reset by server');
    expect(texts(view(reset).lines())[0]).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 connected (handshake seen)');
  });

  test('a proxied client whose upstream could not be reached connected to flowspy only', () => {
    const failed = new FakeSource(KEY).finish('rst', 'upstream 127.0.0.1:9 refused: ECONNREFUSED');
    expect(texts(view(failed).lines())[0]).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 connected to flowspy; upstream not reached');
  });

  test('a proxied client whose upstream has not accepted yet is connecting to it', () => {
    const waiting = new FakeSource(KEY).data('c2s', 'GET / HTTP/1.0\r\n\r\n');
    waiting.flow.origin = 'proxy';
    waiting.flow.connecting = true;
    expect(texts(view(waiting).lines())[0]).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 connected to flowspy; connecting to the upstream');
  });

  test('a proxied flow was connected through flowspy: no handshake was captured', () => {
    const proxied = new FakeSource(KEY).data('c2s', 'hi\n').finish('fin');
    proxied.flow.origin = 'proxy';
    expect(texts(view(proxied).lines())[0]).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 connected through flowspy');
  });

  test('a handshake that did not complete says what was seen, not "connected"', () => {
    const head = (s: FakeSource) => texts(view(s).lines())[0];
    expect(head(new FakeSource(KEY).finish('timeout', CAPTURE_ENDED, 'syn-ack'))).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 SYN, SYN/ACK seen (no final ACK)');
    expect(head(new FakeSource(KEY).finish('timeout', 'idle', 'syn'))).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 SYN seen, never answered');
    expect(head(new FakeSource(KEY).finish('timeout', CAPTURE_ENDED, 'complete'))).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 connected (handshake seen)');
    const live = new FakeSource(KEY);
    live.flow.origin = 'capture';
    expect(head(live)).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 SYN seen, no data yet');
    live.data('c2s', 'hi');
    expect(head(live)).toBe('= 10.0.0.1:5000 → 10.0.0.2:80 connected (handshake seen)');
  });
});

describe('close notes', () => {
  test('data after a reset, or from the client after the server closed, is an alert; other notes are plain', () => {
    const s = new FakeSource(KEY).data('c2s', 'QUIT\r\n');
    s.note('RST carried 4 bytes').data('s2c', '221 bye\r\n');
    s.note('c2s sent 5+ bytes after the server closed (FIN at 12:00:00.002)').data('c2s', 'RSET\n');
    s.note('s2c sent 5+ bytes after the client reset the connection (RST at 12:00:00.003)').data('s2c', 'late\n');
    const notes = view(s).lines().filter((l) => l.kind === 'alert' || l.kind === 'note');
    expect(notes.filter((l) => !l.continued).map((l) => [l.kind, l.highlight])).toEqual([['note', false], ['alert', true], ['alert', true]]);
  });
});

describe('turns: ] and [', () => {
  /** Two requests and their responses, each side in two or one chunks: turns start at chunks 0, 2, 4 and 5. */
  function dialogue(): FakeSource {
    return new FakeSource(KEY)
      .data('c2s', 'GET /a HTTP/1.1\r\n')
      .data('c2s', 'Host: x\r\n\r\n')
      .data('s2c', 'HTTP/1.1 200 OK\r\n')
      .data('s2c', 'Content-Length: 0\r\n\r\n')
      .data('c2s', 'GET /b HTTP/1.1\r\n\r\n')
      .data('s2c', 'HTTP/1.1 404 Not Found\r\n\r\n')
      .close('c2s');
  }
  const top = (v: ConversationView) => v.lines()[0].text.trimEnd();

  test('] walks the turns from the top, [ walks them back to the connection line', () => {
    const v = view(dialogue(), {}, 80, 3);
    const forward = [];
    while (v.nextTurn()) forward.push(top(v));
    expect(forward).toEqual(['> GET /a HTTP/1.1', '< HTTP/1.1 200 OK', '> GET /b HTTP/1.1', '< HTTP/1.1 404 Not Found']);
    const back = [];
    while (v.previousTurn()) back.push(top(v));
    expect(back).toEqual(['> GET /b HTTP/1.1', '< HTTP/1.1 200 OK', '> GET /a HTTP/1.1', '= 10.0.0.1:5000 → 10.0.0.2:80 connected (handshake seen)']);
  });

  test('] on the last page does not move', () => {
    const v = view(dialogue(), {}, 80, 6);
    v.end();
    const before = top(v);
    expect(v.nextTurn()).toBe(false);
    expect(top(v)).toBe(before);
  });

  test('[ inside a turn goes to its start first', () => {
    const v = view(dialogue(), {}, 80, 3);
    v.nextTurn();
    v.nextTurn();
    v.scrollBy(2);
    expect(top(v)).toBe('<');
    expect(v.previousTurn()).toBe(true);
    expect(top(v)).toBe('< HTTP/1.1 200 OK');
  });

  test('with one direction shown, a turn is that side\'s run between two of the other side\'s', () => {
    const v = view(dialogue(), { filter: 's2c' }, 80, 2);
    expect(v.nextTurn()).toBe(true);
    expect(top(v)).toBe('< HTTP/1.1 200 OK');
    expect(v.nextTurn()).toBe(true);
    expect(top(v)).toBe('< HTTP/1.1 404 Not Found');
    expect(v.previousTurn()).toBe(true);
    expect(top(v)).toBe('< HTTP/1.1 200 OK');
  });

  test('a turn of 20,000 chunks is crossed with a few look-ups, not a walk', () => {
    const s = new FakeSource(KEY).data('c2s', 'GET / HTTP/1.1\r\n\r\n');
    for (let i = 0; i < 20_000; i++) s.data('s2c', `line ${i}\n`);
    s.data('c2s', 'GET /next HTTP/1.1\r\n\r\n').data('s2c', 'end\n');
    const v = view(s, {}, 80, 3);
    v.nextTurn();
    v.nextTurn();
    expect(top(v)).toBe('< line 0');
    s.lookups = 0;
    expect(v.nextTurn()).toBe(true);
    expect(top(v)).toBe('> GET /next HTTP/1.1');
    expect(s.lookups).toBeLessThan(400);
    s.lookups = 0;
    expect(v.previousTurn()).toBe(true);
    expect(top(v)).toBe('< line 0');
    expect(s.lookups).toBeLessThan(400);
  });
});

/** Puts TZ back as it was: an unset one stays unset (assigning undefined would set "undefined"). */
function restoreTz(saved: string | undefined): void {
  if (saved === undefined) delete process.env.TZ;
  else process.env.TZ = saved;
}

describe('resizing there and back', () => {
  test('keeps the row the reader put at the top, an `=` row too, though a bigger window showed earlier rows', () => {
    const lines = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `${tag} ${i}\n`).join('');
    const s = new FakeSource(KEY).data('c2s', lines('ask', 12)).note('the client waited').data('s2c', lines('answer', 8));
    const v = view(s, {}, 80, 6);
    const top = () => v.lines()[0].text;
    v.scrollBy(13);
    expect(top()).toBe('= note: the client waited');
    expect(v.atEnd()).toBe(false);
    v.resize(80, 20);
    expect(top()).toBe('> ask 1');
    // A move that leaves the window where it is keeps it.
    v.end();
    v.resize(80, 6);
    expect(top()).toBe('= note: the client waited');
    // A data row too, across a width that wraps it, and a move made at the bigger size is kept.
    v.scrollBy(2);
    const before = top();
    v.resize(30, 20);
    v.resize(80, 6);
    expect(top()).toBe(before);
    v.resize(80, 20);
    v.scrollBy(-1);
    const moved = top();
    v.resize(80, 6);
    expect(top()).toBe(moved);
  });
});
