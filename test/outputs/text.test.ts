import { describe, expect, it, vi } from 'vitest';
import type { Direction, FlowEvent, FlowKey } from '../../src/core/types.js';
import { ConsoleOutput } from '../../src/outputs/console.js';
import { eventToJson, JsonOutput } from '../../src/outputs/json.js';
import { LogOutput } from '../../src/outputs/log.js';
import { renderTextLines } from '../../src/render/lines.js';
import { mulberry32 } from '../support/prng.js';
import { textOf } from '../support/textSink.js';
import type { FlowOutput, TextSink } from '../../src/outputs/types.js';

const enc = (s: string) => new TextEncoder().encode(s);
const T0 = Date.UTC(2020, 0, 2, 3, 4, 5) * 1000; // 03:04:05.000000

const KEY: FlowKey = { client: { addr: '10.0.0.1', port: 20000 }, server: { addr: '10.0.0.2', port: 80 } };
const KEY2: FlowKey = { client: { addr: '2001:db8::1', port: 40000 }, server: { addr: '2001:db8::2', port: 443 }, vlan: 42 };

const start = (flowId: number, ts: number, key: FlowKey = KEY, sawHandshake = true): FlowEvent => ({ type: 'flow-start', flowId, key, ts, origin: 'capture', sawHandshake });
const data = (flowId: number, ts: number, dir: Direction, offset: number, s: string | Uint8Array): FlowEvent => {
  const bytes = typeof s === 'string' ? enc(s) : s;
  return { type: 'data', flowId, dir, offset, bytes, length: bytes.length, ts, fileOffset: -1 };
};

/** One HTTP exchange with a partial line, a gap, both FINs. */
const HTTP: FlowEvent[] = [
  start(1, T0),
  data(1, T0 + 100, 'c2s', 0, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
  data(1, T0 + 200, 's2c', 0, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel'),
  data(1, T0 + 250, 's2c', 41, 'lo'),
  { type: 'gap', flowId: 1, dir: 's2c', offset: 43, length: 100, ts: T0 + 300 },
  { type: 'half-close', flowId: 1, dir: 's2c', ts: T0 + 400 },
  { type: 'note', flowId: 1, ts: T0 + 450, text: 'data after peer FIN' },
  { type: 'half-close', flowId: 1, dir: 'c2s', ts: T0 + 500 },
  { type: 'flow-end', flowId: 1, ts: T0 + 600, reason: 'fin', detail: undefined },
];

async function run(make: (out: TextSink) => FlowOutput, events: FlowEvent[]): Promise<string> {
  let text = '';
  const output = make((s) => {
    text += textOf(s);
  });
  for (const e of events) output.handle(e);
  await output.close();
  return text;
}

describe('gaps far into a stream (--log, -c)', () => {
  const far: FlowEvent[] = [
    start(1, T0),
    data(1, T0 + 100, 'c2s', 0, 'x'.repeat(97_000)),
    { type: 'gap', flowId: 1, dir: 'c2s', offset: 97_000, length: 1420, ts: T0 + 200 },
    { type: 'flow-end', flowId: 1, ts: T0 + 300, reason: 'fin', detail: undefined },
  ];

  it('group the offset and the size as the screen does; --json keeps numbers', async () => {
    expect(await run((out) => new LogOutput(out), far)).toContain('\n=gap of 1,420 bytes from client at offset 97,000\n');
    const console = await run((out) => new ConsoleOutput(out), far);
    expect(console).toContain(': 97,000 bytes at offset 0\n');
    expect(console).toContain(': gap of 1,420 bytes at offset 97,000\n');
    // Bytes the snap length cut off: sent, seen cut, not lost.
    const cut = far.map((e) => (e.type === 'gap' ? { ...e, notCaptured: true as const } : e));
    expect(await run((out) => new LogOutput(out), cut)).toContain('\n=1,420 bytes from client not captured (snap length) at offset 97,000\n');
    expect(await run((out) => new ConsoleOutput(out), cut)).toContain(': 1,420 bytes not captured (snap length) at offset 97,000\n');
    expect(await run((out) => new JsonOutput(out), far)).toContain('"offset":97000,"length":1420');
  });
});

describe('LogOutput (sockspy dialogue)', () => {
  it('writes one flow exactly like sockspy', async () => {
    expect(await run((out) => new LogOutput(out), HTTP)).toBe(
      [
        '=connect from 10.0.0.1:20000 to 10.0.0.2:80',
        '>GET / HTTP/1.1',
        '>Host: x',
        '>',
        '<HTTP/1.1 200 OK',
        '<Content-Length: 5',
        '<',
        '<hello',
        '=gap of 100 bytes from server at offset 43',
        '=server closed (FIN)',
        '=note: data after peer FIN',
        '=client closed (FIN)',
        '=connection closed',
        '',
      ].join('\n'),
    );
  });

  it('live (partialLineMs): a prompt waiting for its answer is written once it waited, the rest on a line of its own', () => {
    vi.useFakeTimers();
    try {
      let text = '';
      const output = new LogOutput((s) => (text += textOf(s)), { partialLineMs: 200 });
      output.handle(start(1, T0));
      output.handle(data(1, T0 + 1, 's2c', 0, '220 ready\r\nlog'));
      vi.advanceTimersByTime(150);
      output.handle(data(1, T0 + 2, 's2c', 13, 'in: ')); // more bytes: the line waits again
      vi.advanceTimersByTime(150);
      expect(text).toBe('=connect from 10.0.0.1:20000 to 10.0.0.2:80\n<220 ready\n');
      vi.advanceTimersByTime(60);
      expect(text.endsWith('<220 ready\n<login: \n')).toBe(true);
      output.handle(data(1, T0 + 3, 's2c', 17, '(bob?)\r\n'));
      output.handle(data(1, T0 + 4, 'c2s', 0, 'bob\r\n'));
      void output.close();
      expect(text.endsWith('<login: \n<(bob?)\n>bob\n')).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without partialLineMs (a file) a partial line waits for the dialogue to move on, however long', () => {
    vi.useFakeTimers();
    try {
      let text = '';
      const output = new LogOutput((s) => (text += textOf(s)));
      output.handle(start(1, T0));
      output.handle(data(1, T0 + 1, 's2c', 0, 'login: '));
      vi.advanceTimersByTime(60_000);
      expect(text).not.toContain('login');
      expect(vi.getTimerCount()).toBe(0);
      void output.close();
      expect(text).toContain('<login: \n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('flushes a partial line when the other side speaks, keeps data from forging lines', async () => {
    const events: FlowEvent[] = [
      start(1, T0, KEY, false),
      data(1, T0, 's2c', 0, '220 ready\r\nlogin: '),
      data(1, T0, 'c2s', 0, 'evil\n=connect from x\n\x1b[2J\u202e{bold}\\'),
      data(1, T0, 's2c', 18, Uint8Array.from([0xff, 0x0a])),
      { type: 'flow-end', flowId: 1, ts: T0, reason: 'rst', detail: 'reset by client' },
    ];
    expect(await run((out) => new LogOutput(out), events)).toBe(
      [
        '=connect from 10.0.0.1:20000 to 10.0.0.2:80 (no handshake seen; direction guessed)',
        '<220 ready',
        '<login: ',
        '>evil',
        '>=connect from x',
        '>\\x1b[2J\\u{202e}{bold}\\\\',
        '<\\xff',
        '=connection reset (RST): reset by client',
        '',
      ].join('\n'),
    );
  });

  it('writes a partial line before the other side\'s FIN or gap (the order things happened)', async () => {
    const events: FlowEvent[] = [
      start(1, T0),
      data(1, T0 + 1, 'c2s', 0, 'SEARCH /AAA'),
      { type: 'half-close', flowId: 1, dir: 's2c', ts: T0 + 2 },
      data(1, T0 + 3, 's2c', 0, 'late'),
      { type: 'gap', flowId: 1, dir: 'c2s', offset: 11, length: 5, ts: T0 + 4 },
      { type: 'flow-end', flowId: 1, ts: T0 + 5, reason: 'rst', detail: undefined },
    ];
    expect(await run((out) => new LogOutput(out, { timestamps: true }), events)).toBe(
      [
        '03:04:05.000000 =connect from 10.0.0.1:20000 to 10.0.0.2:80',
        '03:04:05.000001 >SEARCH /AAA',
        '03:04:05.000002 =server closed (FIN)',
        '03:04:05.000003 <late',
        '03:04:05.000004 =gap of 5 bytes from client at offset 11',
        '03:04:05.000005 =connection reset (RST)',
        '',
      ].join('\n'),
    );
  });

  it('says a flow open when the capture ended was still open, not that it timed out', async () => {
    const events: FlowEvent[] = [start(1, T0), { type: 'flow-end', flowId: 1, ts: T0 + 1, reason: 'timeout', detail: 'capture ended' }];
    expect(await run((out) => new LogOutput(out), events)).toBe('=connect from 10.0.0.1:20000 to 10.0.0.2:80\n=still open when the capture ended\n');
  });

  it('tags lines with the flow id once two flows overlap (sticky), with optional timestamps', async () => {
    const events: FlowEvent[] = [
      start(1, T0),
      data(1, T0 + 1, 'c2s', 0, 'one\npart'),
      start(2, T0 + 2, KEY2),
      data(2, T0 + 3, 'c2s', 0, 'two\n'),
      data(1, T0 + 4, 's2c', 0, 'ONE\n'),
      { type: 'flow-end', flowId: 1, ts: T0 + 5, reason: 'timeout', detail: undefined },
      { type: 'flow-end', flowId: 2, ts: T0 + 6, reason: 'evicted', detail: 'flow table full' },
      start(3, T0 + 7),
      { type: 'flow-end', flowId: 3, ts: T0 + 8, reason: 'error', detail: undefined },
    ];
    expect(await run((out) => new LogOutput(out, { timestamps: true }), events)).toBe(
      [
        '03:04:05.000000 =connect from 10.0.0.1:20000 to 10.0.0.2:80',
        '03:04:05.000001 >one',
        '03:04:05.000002 #1 =is the connection from 10.0.0.1:20000 to 10.0.0.2:80',
        '03:04:05.000002 #2 =connect from [2001:db8::1]:40000 to [2001:db8::2]:443 vlan 42',
        '03:04:05.000003 #2 >two',
        '03:04:05.000001 #1 >part',
        '03:04:05.000004 #1 <ONE',
        '03:04:05.000005 #1 =connection timed out',
        '03:04:05.000006 #2 =connection evicted: flow table full',
        '03:04:05.000007 #3 =connect from 10.0.0.1:20000 to 10.0.0.2:80',
        '03:04:05.000008 #3 =connection error',
        '',
      ].join('\n'),
    );
  });

  it('cuts very long lines at the cap with a continuation mark, and writes partial lines at close()', async () => {
    const events: FlowEvent[] = [start(1, T0), data(1, T0, 'c2s', 0, 'abcdefghij\nxyz')];
    expect(await run((out) => new LogOutput(out, { maxLineBytes: 4 }), events)).toBe(
      ['=connect from 10.0.0.1:20000 to 10.0.0.2:80', '>abcd\\+', '>efgh\\+', '>ij', '>xyz', ''].join('\n'),
    );
  });

  it('hex mode: same = lines, each chunk as >/< hex dump lines at its stream offset (hexdump -C layout)', async () => {
    // The expected hex lines are `hexdump -C` of the same bytes (offset of 'lo' moved to 0x29).
    expect(await run((out) => new LogOutput(out, { hex: true }), HTTP)).toBe(
      [
        '=connect from 10.0.0.1:20000 to 10.0.0.2:80',
        '>00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|',
        '>00000010  48 6f 73 74 3a 20 78 0d  0a 0d 0a                 |Host: x....|',
        '<00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|',
        '<00000010  0a 43 6f 6e 74 65 6e 74  2d 4c 65 6e 67 74 68 3a  |.Content-Length:|',
        '<00000020  20 35 0d 0a 0d 0a 68 65  6c                       | 5....hel|',
        '<00000029  6c 6f                                             |lo|',
        '=gap of 100 bytes from server at offset 43',
        '=server closed (FIN)',
        '=note: data after peer FIN',
        '=client closed (FIN)',
        '=connection closed',
        '',
      ].join('\n'),
    );
  });

  it('hex mode: writes a chunk when it arrives, tags and timestamps as in text mode, no raw control byte', async () => {
    const hostile = Uint8Array.from([0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0x0a, 0x0d, 0x7f, 0x80, 0x9b, 0xc2, 0x85, 0xe2, 0x80, 0xae, 0x7c, 0x3d, 0x7b, 0x7d]);
    const events: FlowEvent[] = [
      start(1, T0),
      data(1, T0 + 1, 'c2s', 0, 'one\npart'),
      start(2, T0 + 2, KEY2),
      data(2, T0 + 3, 's2c', 0x1234, hostile),
      data(1, T0 + 4, 's2c', 0, 'ONE\n'),
      { type: 'flow-end', flowId: 1, ts: T0 + 5, reason: 'fin', detail: undefined },
    ];
    const text = await run((out) => new LogOutput(out, { hex: true, timestamps: true }), events);
    expect(text).toBe(
      [
        '03:04:05.000000 =connect from 10.0.0.1:20000 to 10.0.0.2:80',
        '03:04:05.000001 >00000000  6f 6e 65 0a 70 61 72 74                           |one.part|',
        '03:04:05.000002 #1 =is the connection from 10.0.0.1:20000 to 10.0.0.2:80',
        '03:04:05.000002 #2 =connect from [2001:db8::1]:40000 to [2001:db8::2]:443 vlan 42',
        '03:04:05.000003 #2 <00001234  1b 5b 32 4a 07 00 0a 0d  7f 80 9b c2 85 e2 80 ae  |.[2J............|',
        '03:04:05.000003 #2 <00001244  7c 3d 7b 7d                                       ||={}|',
        '03:04:05.000004 #1 <00000000  4f 4e 45 0a                                       |ONE.|',
        '03:04:05.000005 #1 =connection closed',
        '',
      ].join('\n'),
    );
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
  });

  it('random binary data in random chunks: each line as renderTextLines makes it (escapeLine), after its sign', async () => {
    const rand = mulberry32(5);
    const stream = Uint8Array.from({ length: 50_000 }, () => (rand() < 0.3 ? 0x61 + Math.floor(rand() * 26) : Math.floor(rand() * 256)));
    const events: FlowEvent[] = [start(1, T0)];
    for (let at = 0; at < stream.length; ) {
      const next = Math.min(stream.length, at + 1 + Math.floor(rand() * 3000));
      events.push(data(1, T0 + at, 's2c', at, stream.slice(at, next)));
      at = next;
    }
    const text = await run((out) => new LogOutput(out, { maxLineBytes: 200 }), events);
    const lines = renderTextLines(stream, 200).map((line) => `<${line}\n`).join('');
    expect(text).toBe(`=connect from 10.0.0.1:20000 to 10.0.0.2:80\n${lines}`);
  });

  it('writes each event with one call to out', async () => {
    const calls: string[] = [];
    const log = new LogOutput((s) => calls.push(textOf(s)));
    for (const e of HTTP.slice(0, 3)) log.handle(e);
    expect(calls.length).toBe(3);
    expect(calls[1]).toBe('>GET / HTTP/1.1\n>Host: x\n>\n');
  });
});

describe('ConsoleOutput', () => {
  it('writes headers, indented safe text lines, and every other event', async () => {
    const events: FlowEvent[] = [...HTTP.slice(0, 3), data(1, T0 + 210, 's2c', 41, '\x1b]0;x\x07\n'), ...HTTP.slice(4)];
    expect(await run((out) => new ConsoleOutput(out), events)).toBe(
      [
        '03:04:05.000000 #1 start 10.0.0.1:20000 > 10.0.0.2:80 (capture)',
        '03:04:05.000100 #1 010.000.000.001.20000-010.000.000.002.00080: 27 bytes at offset 0',
        '  GET / HTTP/1.1',
        '  Host: x',
        '',
        '03:04:05.000200 #1 010.000.000.002.00080-010.000.000.001.20000: 41 bytes at offset 0',
        '  HTTP/1.1 200 OK',
        '  Content-Length: 5',
        '',
        '  hel',
        '03:04:05.000210 #1 010.000.000.002.00080-010.000.000.001.20000: 7 bytes at offset 41',
        '  \\x1b]0;x\\x07',
        '03:04:05.000300 #1 010.000.000.002.00080-010.000.000.001.20000: gap of 100 bytes at offset 43',
        '03:04:05.000400 #1 010.000.000.002.00080-010.000.000.001.20000: FIN (server closed)',
        '03:04:05.000450 #1 note: data after peer FIN',
        '03:04:05.000500 #1 010.000.000.001.20000-010.000.000.002.00080: FIN (client closed)',
        '03:04:05.000600 #1 end: fin',
        '',
      ].join('\n'),
    );
  });

  it('ends a flow open when the capture ended with `open (capture ended)`, not a timeout', async () => {
    const events: FlowEvent[] = [start(1, T0), { type: 'flow-end', flowId: 1, ts: T0 + 1, reason: 'timeout', detail: 'capture ended' }, start(2, T0), { type: 'flow-end', flowId: 2, ts: T0 + 2, reason: 'timeout', detail: 'idle' }];
    const lines = (await run((out) => new ConsoleOutput(out), events)).split('\n').filter((line) => line.includes(' end: '));
    expect(lines.map((line) => line.slice(line.indexOf('#')))).toEqual(['#1 end: open (capture ended)', '#2 end: timeout (idle)']);
  });

  it('shows hex dump lines with stream offsets in hex mode, VLAN and guessed direction', async () => {
    const events: FlowEvent[] = [
      start(7, T0, KEY2, false),
      data(7, T0, 's2c', 0x20, 'GET / HTTP/1.1\r\nHost'),
      { type: 'flow-end', flowId: 7, ts: T0, reason: 'rst', detail: 'by server' },
    ];
    expect(await run((out) => new ConsoleOutput(out, { hex: true }), events)).toBe(
      [
        '03:04:05.000000 #7 start [2001:db8::1]:40000 > [2001:db8::2]:443 vlan 42 (capture, no handshake seen; direction guessed)',
        '03:04:05.000000 #7 2001:db8::2.00443-2001:db8::1.40000--42: 20 bytes at offset 32',
        '  00000020  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|',
        '  00000030  48 6f 73 74                                       |Host|',
        '03:04:05.000000 #7 end: rst (by server)',
        '',
      ].join('\n'),
    );
  });
});

describe('hex dumps past 4 GiB (-c --hex, --log --hex)', () => {
  it('label every row of a chunk with as many digits, so the byte and text columns stay aligned', async () => {
    const events: FlowEvent[] = [start(1, T0), data(1, T0, 's2c', 0xffff_fff8, 'x'.repeat(24))];
    for (const make of [(out: TextSink) => new ConsoleOutput(out, { hex: true }), (out: TextSink) => new LogOutput(out, { hex: true })]) {
      const rows = (await run(make, events)).split('\n').filter((line) => line.includes('|'));
      expect(rows.map((row) => /([0-9a-f]{8,})  /.exec(row)?.[1])).toEqual(['0fffffff8', '100000008']);
      expect(new Set(rows.map((row) => row.indexOf('|'))).size).toBe(1);
    }
  });
});

describe('JsonOutput', () => {
  it('writes one JSON object per event per line, and one per HTTP message after the event that ends it', async () => {
    const text = await run((out) => new JsonOutput(out), HTTP);
    const all = text.split('\n');
    expect(all.pop()).toBe('');
    expect(all.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['flow-start', 'data', 'http-request', 'data', 'data', 'http-response', 'gap', 'half-close', 'note', 'half-close', 'flow-end']);
    const lines = all.filter((line) => !line.startsWith('{"type":"http-'));
    expect(lines.length).toBe(HTTP.length);
    expect(lines[0]).toBe(
      '{"type":"flow-start","flow":1,"ts":"2020-01-02T03:04:05.000000Z","tsMicros":' + T0 +
        ',"client":{"addr":"10.0.0.1","port":20000},"server":{"addr":"10.0.0.2","port":80},"vlan":null,"origin":"capture","sawHandshake":true,"connecting":false}',
    );
    expect(lines[1]).toBe(
      '{"type":"data","flow":1,"ts":"2020-01-02T03:04:05.000100Z","tsMicros":' + (T0 + 100) +
        ',"dir":"c2s","offset":0,"length":27,"data":"' + Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n').toString('base64') + '"}',
    );
    expect(JSON.parse(lines[4])).toEqual({ type: 'gap', flow: 1, ts: '2020-01-02T03:04:05.000300Z', tsMicros: T0 + 300, dir: 's2c', offset: 43, length: 100, notCaptured: false });
    expect(JSON.parse(lines[5])).toEqual({ type: 'half-close', flow: 1, ts: '2020-01-02T03:04:05.000400Z', tsMicros: T0 + 400, dir: 's2c' });
    expect(JSON.parse(lines[6])).toEqual({ type: 'note', flow: 1, ts: '2020-01-02T03:04:05.000450Z', tsMicros: T0 + 450, text: 'data after peer FIN' });
    expect(lines[8]).toBe('{"type":"flow-end","flow":1,"ts":"2020-01-02T03:04:05.000600Z","tsMicros":' + (T0 + 600) + ',"reason":"fin","detail":null,"handshake":null}');
  });

  it('says when a gap was cut by the snap length and how far a flow\'s handshake got', () => {
    const gap = JSON.parse(eventToJson({ type: 'gap', flowId: 1, dir: 'c2s', offset: 0, length: 1316, ts: T0, notCaptured: true }));
    expect(gap.notCaptured).toBe(true);
    const end = JSON.parse(eventToJson({ type: 'flow-end', flowId: 1, ts: T0, reason: 'timeout', detail: 'capture ended', handshake: 'syn-ack' }));
    expect(end.handshake).toBe('syn-ack');
  });

  it('a time JSON readers would round (a damaged capture\'s year 586524) is null, as ts is', () => {
    const broken = 18446744073204130000;
    const line = JSON.parse(eventToJson({ type: 'half-close', flowId: 1, dir: 'c2s', ts: broken }));
    expect([line.ts, line.tsMicros]).toEqual([null, null]);
    expect(JSON.parse(eventToJson({ type: 'half-close', flowId: 1, dir: 'c2s', ts: T0 })).tsMicros).toBe(T0);
  });

  it('keeps lines pure ASCII (no raw controls, C1 or bidi characters) and round-trips', () => {
    const hostile = 'x\x1b[2J\u0085\u202e\u2028é😀"\\';
    const line = eventToJson({ type: 'note', flowId: 2, ts: T0, text: hostile });
    expect(/^[\x20-\x7e]*$/.test(line)).toBe(true);
    expect(JSON.parse(line).text).toBe(hostile);
    const vlan = JSON.parse(eventToJson(start(3, T0, KEY2)));
    expect(vlan.vlan).toBe(42);
    expect(vlan.client).toEqual({ addr: '2001:db8::1', port: 40000 });
    const bytes = Uint8Array.from([0, 255, 0x1b]).subarray(1);
    expect(JSON.parse(eventToJson(data(3, T0, 's2c', 5, bytes))).data).toBe(Buffer.from([255, 0x1b]).toString('base64'));
  });
});
