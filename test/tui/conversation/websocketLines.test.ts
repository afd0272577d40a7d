import { createDeflateRaw, constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../../src/core/types.js';
import { WebSocketConversation } from '../../../src/messages/websocket.js';
import { BodyCache } from '../../../src/tui/conversation/bodyLines.js';
import type { MessageLine } from '../../../src/tui/conversation/messageLines.js';
import { frameLines } from '../../../src/tui/conversation/websocketLines.js';
import { wsFrame } from '../../messages/wsBuild.js';

const MASK = [1, 2, 3, 4];

/** The lines of each frame of `frames` (one direction, from offset 0), read from their bytes; `expanded` names shown whole. */
function lines(dir: Direction, frames: Uint8Array[], expanded: string[] = []): string[][] {
  const stream = Buffer.concat(frames);
  const ws = new WebSocketConversation();
  ws.startAt(dir, 0);
  ws.feed(dir, 0, stream, 1);
  const read = (_d: Direction, offset: number, length: number): Uint8Array => stream.subarray(offset, offset + length);
  const cache = new BodyCache();
  return ws.frames.map((frame, i) => {
    const out: MessageLine[] = [];
    frameLines(frame, `w${i}`, dir === 'c2s' ? 'client' : 'server', read, new Set(expanded), cache, out);
    return out.map((l) => `${l.side} ${l.kind}: ${l.text}`);
  });
}

describe('frameLines', () => {
  it('a frame whose payload is still arriving says so; once the stream ends without the rest, cut', () => {
    const stream = wsFrame(1, 'hello there', { mask: MASK });
    const ws = new WebSocketConversation();
    ws.startAt('c2s', 0);
    ws.feed('c2s', 0, stream.subarray(0, stream.length - 3), 1);
    const read = (_d: Direction, offset: number, length: number): Uint8Array => stream.subarray(offset, offset + length);
    const first = (): string => {
      const out: MessageLine[] = [];
      frameLines(ws.frames[0], 'w0', 'client', read, new Set(), new BodyCache(), out);
      return out[0].text;
    };
    expect(first()).toMatch(/^ws text, 11 B, arriving/);
    ws.end('c2s');
    expect(first()).toMatch(/^ws text, 11 B, cut/);
  });

  it('shows a short payload on the frame\'s line: text unmasked, binary in hex, a close frame\'s code and reason', () => {
    expect(lines('c2s', [wsFrame(1, 'hello', { mask: MASK }), wsFrame(2, Uint8Array.of(0, 1, 0xff), { mask: MASK }), wsFrame(9, ''), wsFrame(8, Uint8Array.of(3, 232, 0x62, 0x79, 0x65))])).toEqual([
      ['client data: ws text, 5 B: hello'],
      ['client data: ws binary, 3 B: 00 01 ff'],
      ['client data: ws ping, 0 B'],
      ['client data: ws close, 5 B: 1000: bye'],
    ]);
  });

  it('shows a longer payload below its line, cut after 20 lines until expanded; hostile text escaped', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const [[head, first, ...rest]] = lines('s2c', [wsFrame(1, text)]);
    expect(head).toBe('server data: ws text, 229 B');
    expect(first).toBe('server data: line 0');
    expect(rest.at(-1)).toBe('event note: ... 10 more lines (Enter shows them)');
    expect(lines('s2c', [wsFrame(1, text)], ['w0'])[0]).toHaveLength(31);
    expect(lines('s2c', [wsFrame(1, 'a\x1b[2Jb')])).toEqual([['server data: ws text, 6 B: a\\x1b[2Jb']]);
  });

  it('shows a long binary payload as a hex dump, and says when a fragment continues', () => {
    const [[head, dump]] = lines('s2c', [wsFrame(2, new Uint8Array(40).fill(0x41), { fin: false })]);
    expect(head).toBe('server data: ws binary (continued in the next frame), 40 B');
    expect(dump).toContain('41 41 41');
  });

  it('inflates a compressed message (permessage-deflate) when it can be alone, else says why not', async () => {
    expect(lines('s2c', [wsFrame(1, deflateRawSync(Buffer.from('hi there')).subarray(0), { rsv1: true })])).toEqual([['server data: ws text, 10 B, compressed: hi there']]);
    // Two messages from one deflate stream (context takeover): the second needs the first's window.
    const deflate = createDeflateRaw();
    const flush = (text: string): Promise<Buffer> =>
      new Promise((resolve) => {
        const parts: Buffer[] = [];
        const onData = (d: Buffer): number => parts.push(d);
        deflate.on('data', onData);
        deflate.write(text);
        deflate.flush(constants.Z_SYNC_FLUSH, () => {
          deflate.off('data', onData);
          resolve(Buffer.concat(parts).subarray(0, -4));
        });
      });
    const first = await flush('repeat repeat repeat');
    const second = await flush('repeat repeat repeat');
    const [one, two] = lines('s2c', [wsFrame(1, first, { rsv1: true }), wsFrame(1, second, { rsv1: true })]);
    expect(one).toEqual([`server data: ws text, ${first.length} B, compressed: repeat repeat repeat`]);
    expect(two[0]).toBe(`server data: ws text, ${second.length} B, compressed`);
    expect(two[1]).toBe('event note: compressed with the context of earlier messages: shown as sent');
  });

  it('a compressed message that inflates past 1 MiB shows its first MiB and says it was capped', () => {
    const bomb = deflateRawSync(Buffer.alloc(2 << 20, 0x61), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
    const [frame] = lines('s2c', [wsFrame(1, bomb, { rsv1: true, length64: bomb.length > 65535 })]);
    expect(frame[0]).toBe(`server data: ws text, ${bomb.length.toLocaleString('en-US')} B, compressed`);
    expect(frame[1]).toMatch(/^event note: inflated only up to 1,0\d\d,\d{3} bytes \(cap 1,048,576\)$/);
    expect(frame[2]).toMatch(/^server data: a+/);
  });

  it('a long binary payload is cut like a body: its first rows, then Enter shows its first 64 KiB', () => {
    const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const [cut] = lines('s2c', [wsFrame(2, big, { length64: true })]);
    expect(cut[0]).toBe('server data: ws binary, 70,000 B');
    expect(cut.filter((l) => l.startsWith('server data: 000'))).toHaveLength(20);
    expect(cut.at(-1)).toMatch(/^event note: \.\.\. \d[\d,]* more lines \(Enter shows them\)$/);
    const [whole] = lines('s2c', [wsFrame(2, big, { length64: true })], ['w0']);
    expect(whole.filter((l) => l.startsWith('server data: 0'))).toHaveLength(4096);
    expect(whole.at(-1)).toBe('server data: ... 4,464 more bytes not shown: m shows all bytes');
  });
});
