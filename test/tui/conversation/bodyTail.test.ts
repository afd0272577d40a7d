import { describe, expect, it } from 'vitest';
import { BODY_LINES, lastWithinChars, PREVIEW_CHARS, type BodyReader } from '../../../src/tui/conversation/bodyLines.js';
import { bodyTail, type TailState } from '../../../src/tui/conversation/bodyTail.js';
import { TAIL_KEEP_BYTES } from '../../../src/tui/conversation/chunkWalk.js';
import { MessageView } from '../../../src/tui/conversation/messageView.js';
import type { HttpResponse } from '../../../src/messages/types.js';
import { FLOW, KEY, liveFlow } from '../../support/liveFlow.js';

const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
const tick = (n: number) => `line ${n} of the stream .....\n`;

describe('a streamed body followed (tail -f)', () => {
  it('shows the newest line of a chunked stream at each frame, not its first 20 lines', () => {
    const flow = liveFlow(KEY, 1000);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.follow = true;
    flow.send('c2s', 'GET /50 HTTP/1.1\r\nHost: a\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    let size = 0;
    for (let n = 1; n <= 50; n++) {
      flow.send('s2c', chunk(tick(n)));
      size += tick(n).length;
      view.update(80, 22, flow.stamp);
      const shown = view.lines().map((line) => line.text);
      expect(shown).toContain(`< line ${n} of the stream .....`);
      expect(shown.at(-1)).toBe(`= body: ${size.toLocaleString('en-US')} bytes so far`);
    }
    const shown = view.lines().map((line) => line.text);
    expect(shown).toContain(`= ... ${50 - BODY_LINES} earlier lines (Enter shows them)`);
    // Enter shows the body from its start.
    expect(view.expandInWindow()).toBe(true);
    view.update(80, 200, flow.stamp);
    expect(view.lines().map((line) => line.text)).toContain('< line 1 of the stream .....');
  });

  it('a finished body is shown from its start again', () => {
    const flow = liveFlow(KEY, 1000);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.follow = true;
    flow.send('c2s', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let n = 1; n <= 30; n++) flow.send('s2c', chunk(tick(n)));
    view.update(80, 200, flow.stamp);
    expect(view.lines().map((line) => line.text)).not.toContain('< line 1 of the stream .....');
    flow.send('s2c', '0\r\n\r\n');
    view.update(80, 200, flow.stamp);
    const shown = view.lines().map((line) => line.text);
    expect(shown).toContain('< line 1 of the stream .....');
    expect(shown).toContain(`= ... ${30 - BODY_LINES} more lines (Enter shows them)`);
  });

  it('not following, a streamed body in view holds still as lines come: shown from its start, the window on the same lines', () => {
    const flow = liveFlow(KEY, 1000);
    const view = new MessageView(FLOW, flow.messages, flow.read);
    view.follow = true;
    flow.send('c2s', 'GET /50 HTTP/1.1\r\nHost: a\r\n\r\n');
    flow.send('s2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
    const text = () => view.lines().map((line) => line.text);
    for (let n = 1; n <= 50; n++) flow.send('s2c', chunk(tick(n)));
    view.update(80, 8, flow.stamp);
    view.scroll(-4); // the reader goes up: not following any more
    const read = text();
    expect(read[0]).toBe('< line 40 of the stream .....');
    for (let n = 51; n <= 60; n++) {
      flow.send('s2c', chunk(tick(n)));
      view.update(80, 8, flow.stamp);
      expect(text()).toEqual(read);
    }
    // Below, the lines that came, and the body's first lines above.
    view.scroll(20);
    expect(text()).toContain('< line 60 of the stream .....');
    view.home();
    expect(text()).toContain('< line 1 of the stream .....');
    // Following again (F): the newest lines, tail -f.
    view.follow = true;
    view.update(80, 8, flow.stamp);
    expect(text()).toContain('< line 60 of the stream .....');
    view.update(80, 30, flow.stamp);
    expect(text()).toContain(`= ... ${60 - BODY_LINES} earlier lines (Enter shows them)`);
  });
});

/** A response in progress of `length` wire bytes so far, its body's bytes made by `byte` or taken from it (no store). */
function bigResponse(framing: 'length' | 'chunked', length: number, byte: ((offset: number) => number) | Uint8Array) {
  const message = {
    kind: 'response', dir: 's2c', version: '1.1', status: 200, reason: 'OK', offset: 0, headLength: 100, firstTs: 0, lastTs: 0,
    headers: [{ name: 'Content-Type', value: 'text/plain' }], complete: false, incomplete: undefined, malformedHeaderLines: 0,
    body: { framing, offset: 100, length, dataLength: length, gapBytes: 0, chunks: 1, trailers: [] },
  } as HttpResponse;
  const counted = { bytes: 0 };
  const read: BodyReader = (_dir, offset, size) => {
    const length = Math.max(0, Math.min(size, 100 + message.body.length - offset));
    const out = typeof byte === 'function' ? Uint8Array.from({ length }, (_, i) => byte(offset + i - 100)) : byte.subarray(offset - 100, offset - 100 + length);
    counted.bytes += out.length;
    return out;
  };
  return { message, read, counted };
}

const LINE = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz 1 GB of text lines\n');
const textByte = (offset: number) => LINE[offset % LINE.length];

describe('the newest lines of a body keep within a preview\'s characters', () => {
  it('a minified line still arriving shows its last characters only', () => {
    const script = Uint8Array.from({ length: 400_000 }, (_, i) => 0x61 + (i % 26));
    const { message, read } = bigResponse('length', 200_000, script);
    const tail = bodyTail(message, read, new Map(), '0r')!;
    expect(tail.lines).toHaveLength(1);
    expect(tail.lines[0].length).toBeLessThanOrEqual(PREVIEW_CHARS);
    expect(tail.lines[0].length).toBeGreaterThan(PREVIEW_CHARS - 80);
    expect(Buffer.from(script.subarray(0, 200_000)).toString('latin1').endsWith(tail.lines[0])).toBe(true);
  });

  it('a line cut at its start is cut after an escape or a surrogate pair, not inside one', () => {
    // 'a\x1bb' is six characters; a cut 100 from the end falls on the `x` of an escape: it moves past `\x1b`.
    const escaped = 'a\\x1bb'.repeat(40);
    expect(escaped.slice(140, 143)).toBe('x1b');
    expect(lastWithinChars(['x'.repeat(300), escaped], 100)).toEqual([escaped.slice(143)]);
    const emoji = '\u{1f600}'.repeat(60);
    const cut = lastWithinChars([emoji], 101)[0];
    expect(cut.charCodeAt(0)).not.toBe(0xde00);
    expect(cut.length).toBe(100);
    expect(lastWithinChars(['short', 'lines'], 100)).toEqual(['short', 'lines']);
  });
});

describe('the newest lines of a huge body cost a read of its end only', () => {
  it('a 1 GB Content-Length download: one 16 KiB read per frame, the last lines shown', () => {
    const { message, read, counted } = bigResponse('length', 1e9, textByte);
    const tails = new Map<string, TailState>();
    const tail = bodyTail(message, read, tails, '0r')!;
    expect(counted.bytes).toBe(16 << 10);
    expect(tail.lines).toHaveLength(BODY_LINES);
    expect(tail.fromStart).toBe(false);
    // Its last line ends where the bytes so far do: 1e9 is inside a line.
    const cut = 1e9 % LINE.length;
    expect(tail.lines.at(-1)).toBe(LINE.subarray(0, cut).toString());
    // The same length again: nothing read.
    bodyTail(message, read, tails, '0r');
    expect(counted.bytes).toBe(16 << 10);
  });

  it('a 1 GB chunk of a chunked download: the chunk data before the kept tail is skipped unread', () => {
    const head = Buffer.from(`${(2e9).toString(16)}\r\n`);
    const byte = (offset: number) => (offset < head.length ? head[offset] : textByte(offset - head.length));
    const { message, read, counted } = bigResponse('chunked', 1e9, byte);
    const tails = new Map<string, TailState>();
    const tail = bodyTail(message, read, tails, '0r')!;
    expect(counted.bytes).toBeLessThan(2 * TAIL_KEEP_BYTES);
    expect(tail.lines).toHaveLength(BODY_LINES);
    expect(tail.lines.at(-2)).toBe(LINE.subarray(0, -1).toString());
    // It grows by 100 kB: only those bytes are read.
    const before = counted.bytes;
    message.body.length += 100_000;
    bodyTail(message, read, tails, '0r');
    expect(counted.bytes - before).toBeLessThanOrEqual(100_000);
  });

  it('a chunked download of small chunks: each frame reads only the bytes that came', () => {
    const chunks = Array.from({ length: 30_000 }, (_, n) => chunk(tick(n)));
    const wire = Buffer.from(chunks.join(''));
    const ends: number[] = [];
    chunks.reduce((end, c) => (ends.push(end + c.length), end + c.length), 0);
    const { message, read, counted } = bigResponse('chunked', 300_000, wire);
    const tails = new Map<string, TailState>();
    bodyTail(message, read, tails, '0r');
    for (let length = 300_000; length + 10_000 <= wire.length; length += 97_000) {
      const before = counted.bytes;
      message.body.length = length;
      const tail = bodyTail(message, read, tails, '0r')!;
      expect(counted.bytes - before).toBeLessThanOrEqual(97_000);
      // The last whole line shown is the last one whose chunk was all read.
      let last = 0;
      while (ends[last + 1] <= length) last++;
      expect(tail.lines.filter((line) => line.startsWith(`line ${last} `))).toHaveLength(1);
      expect(tail.fromStart).toBe(false);
    }
  });
});
