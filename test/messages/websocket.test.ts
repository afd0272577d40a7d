import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Direction, FlowEvent } from '../../src/core/types.js';
import { FlowMessages } from '../../src/messages/flowMessages.js';
import { MAX_FRAMES, opcodeName, unmask, WebSocketConversation, type WebSocketFrame } from '../../src/messages/websocket.js';
import { wsFrame } from './wsBuild.js';

const MASK = [0x12, 0x34, 0x56, 0x78];
const STREAM: [Direction, Uint8Array][] = [
  ['s2c', wsFrame(1, '{"type":"welcome"}')],
  ['c2s', wsFrame(1, 'hello', { mask: MASK })],
  ['c2s', wsFrame(2, new Uint8Array(300).fill(7), { mask: MASK })],
  ['s2c', wsFrame(2, new Uint8Array(70_000).fill(9), { length64: true })],
  ['c2s', wsFrame(9, '', { mask: MASK })],
  ['s2c', wsFrame(10, '')],
  ['c2s', wsFrame(1, 'par', { mask: MASK, fin: false })],
  ['c2s', wsFrame(0, 'tial', { mask: MASK })],
  ['s2c', wsFrame(8, Buffer.from([3, 232, 0x62, 0x79, 0x65]))],
];

/** Feeds `steps` cut into pieces of `cut` bytes, through skip() first as FlowMessages does; returns the frames. */
function play(steps: readonly [Direction, Uint8Array][], cut: number): WebSocketConversation {
  const ws = new WebSocketConversation();
  ws.startAt('c2s', 100);
  ws.startAt('s2c', 200);
  const at = { c2s: 100, s2c: 200 };
  for (const [dir, bytes] of steps) {
    for (let i = 0; i < bytes.length; i += cut) {
      const piece = bytes.subarray(i, Math.min(bytes.length, i + cut));
      if (!ws.skip(dir, at[dir] + i, piece.length, i)) ws.feed(dir, at[dir] + i, piece, i);
    }
    at[dir] += bytes.length;
  }
  return ws;
}

const shape = (frames: readonly WebSocketFrame[]): string[] =>
  frames.map((f) => `${f.dir}@${f.offset} ${opcodeName(f.opcode)} ${f.headerLength}+${f.payloadLength}${f.fin ? '' : ' more'}${f.mask ? ' masked' : ''}${f.complete ? '' : ' cut'}`);

describe('WebSocketConversation', () => {
  it('reads frames of every kind: 7-, 16- and 64-bit lengths, masked, fragmented, control frames', () => {
    expect(shape(play(STREAM, 1 << 20).frames)).toEqual([
      's2c@200 text 2+18',
      'c2s@100 text 6+5 masked',
      'c2s@111 binary 8+300 masked',
      's2c@220 binary 10+70000',
      'c2s@419 ping 6+0 masked',
      's2c@70230 pong 2+0',
      'c2s@425 text 6+3 more masked',
      'c2s@434 continuation 6+4 masked',
      's2c@70232 close 2+5',
    ]);
  });

  it('reads the same frames whatever the segments', () => {
    const whole = shape(play(STREAM, 1 << 20).frames);
    for (const cut of [1, 2, 3, 5, 13, 1000]) expect(shape(play(STREAM, cut).frames), `cut ${cut}`).toEqual(whole);
  });

  it('a gap inside a payload cuts that frame only; one that takes a header stops the direction, with a note', () => {
    const ws = new WebSocketConversation();
    ws.startAt('s2c', 0);
    const a = wsFrame(1, 'x'.repeat(50));
    const b = wsFrame(1, 'after');
    ws.feed('s2c', 0, a.subarray(0, 10), 1);
    ws.gap('s2c', 10, 20, 2);
    ws.feed('s2c', 30, a.subarray(30), 3);
    ws.feed('s2c', a.length, b, 4);
    expect(shape(ws.frames)).toEqual(['s2c@0 text 2+50 cut', `s2c@${a.length} text 2+5`]);
    ws.gap('s2c', a.length + b.length, 1, 5);
    ws.feed('s2c', a.length + b.length + 1, wsFrame(1, 'lost'), 6);
    expect(ws.frames).toHaveLength(2);
    expect(ws.notes.map((n) => n.text)).toEqual(['gap of 1 bytes: WebSocket framing lost']);
  });

  it('keeps at most MAX_FRAMES frames and counts the rest', () => {
    const ws = new WebSocketConversation();
    ws.startAt('c2s', 0);
    const one = wsFrame(10, '');
    const many = Buffer.concat(Array.from({ length: MAX_FRAMES + 5 }, () => one));
    ws.feed('c2s', 0, many, 1);
    expect(ws.frames).toHaveLength(MAX_FRAMES);
    expect(ws.frameCount).toBe(MAX_FRAMES + 5);
  });

  it('unmasks a payload read from any offset of it', () => {
    const frame = wsFrame(1, 'hello world', { mask: MASK });
    expect(Buffer.from(unmask(Uint8Array.prototype.slice.call(frame, 6), Uint8Array.from(MASK))).toString()).toBe('hello world');
    expect(Buffer.from(unmask(Uint8Array.prototype.slice.call(frame, 9), Uint8Array.from(MASK), 3)).toString()).toBe('lo world');
  });
});

describe('FlowMessages: HTTP switched to WebSocket', () => {
  const REQUEST = 'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
  const RESPONSE = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

  function flow(withFirstFrame: boolean, upgrade = 'websocket'): FlowMessages {
    const messages = new FlowMessages(1);
    const events: FlowEvent[] = [{ type: 'flow-start', flowId: 1, key: { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 80 } }, ts: 1, origin: 'capture', sawHandshake: true }];
    const at = { c2s: 0, s2c: 0 };
    const send = (dir: Direction, bytes: Uint8Array): void => {
      events.push({ type: 'data', flowId: 1, dir, offset: at[dir], length: bytes.length, ts: 2, fileOffset: -1, bytes });
      at[dir] += bytes.length;
    };
    send('c2s', Buffer.from(REQUEST));
    // The 101 and the server's first frame in one segment, as servers often send them.
    const response = Buffer.from(RESPONSE.replace('websocket', upgrade));
    send('s2c', withFirstFrame ? Buffer.concat([response, wsFrame(1, 'welcome')]) : response);
    send('c2s', wsFrame(1, 'hi', { mask: MASK }));
    send('s2c', wsFrame(2, deflateRawSync(Buffer.from('zz')), { rsv1: true }));
    for (const event of events) messages.apply(event);
    return messages;
  }

  it('reads frames from the end of the 101 on, in both directions, and counts them in the summary', () => {
    const messages = flow(true);
    expect(shape(messages.websocket?.frames ?? [])).toEqual([`s2c@${RESPONSE.length} text 2+7`, `c2s@${REQUEST.length} text 6+2 masked`, `s2c@${RESPONSE.length + 9} binary 2+4`]);
    expect(messages.websocket?.frames[2].compressed).toBe(true);
    expect(messages.summary()).toBe('GET /chat → 101 (WebSocket, 3 frames)');
  });

  it('reads the TLS hellos in a CONNECT tunnel, and nothing in a tunnel that is not TLS', async () => {
    const { clientHello, records, serverHello } = await import('./tlsBuild.js');
    const key = { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 3128 } };
    const tunnel = (first: [Uint8Array, Uint8Array]): FlowMessages => {
      const messages = new FlowMessages(1);
      const connect = Buffer.from('CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n');
      const established = Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n');
      const events: FlowEvent[] = [
        { type: 'flow-start', flowId: 1, key, ts: 1, origin: 'capture', sawHandshake: true },
        { type: 'data', flowId: 1, dir: 'c2s', offset: 0, length: connect.length, ts: 2, fileOffset: -1, bytes: connect },
        { type: 'data', flowId: 1, dir: 's2c', offset: 0, length: established.length, ts: 3, fileOffset: -1, bytes: established },
        { type: 'data', flowId: 1, dir: 'c2s', offset: connect.length, length: first[0].length, ts: 4, fileOffset: -1, bytes: first[0] },
        { type: 'data', flowId: 1, dir: 's2c', offset: established.length, length: first[1].length, ts: 5, fileOffset: -1, bytes: first[1] },
      ];
      for (const event of events) messages.apply(event);
      return messages;
    };
    const tls = tunnel([records(clientHello('api.example.com', ['h2'], [0x0304])), records(serverHello(0x0304, 0x1301))]);
    expect(tls.tls?.client?.sni).toBe('api.example.com');
    expect(tls.tls?.server).toBeDefined();
    expect(tls.summary()).toBe('CONNECT api.example.com:443 → 200 | TLS api.example.com (offers h2)');
    const plain = tunnel([Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.from('HTTP/1.1 200 OK\r\n\r\n')]);
    expect(plain.tls).toBeUndefined();
    expect(plain.summary()).toBe('CONNECT api.example.com:443 → 200');
  });

  it('reads a tunnel\'s bytes only while a TLS hello may be in them', () => {
    const messages = new FlowMessages(1);
    const reads: number[] = [];
    const at = { c2s: 0, s2c: 0 };
    const send = (dir: Direction, text: string | Uint8Array): void => {
      const bytes = typeof text === 'string' ? Buffer.from(text) : text;
      const offset = at[dir];
      at[dir] += bytes.length;
      messages.apply({ type: 'data', flowId: 1, dir, offset, length: bytes.length, ts: 2, fileOffset: -1, get bytes() { reads.push(offset); return bytes; } });
    };
    messages.apply({ type: 'flow-start', flowId: 1, key: { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 3128 } }, ts: 1, origin: 'capture', sawHandshake: true });
    send('c2s', 'CONNECT a:443 HTTP/1.1\r\n\r\n');
    send('s2c', 'HTTP/1.1 200 OK\r\n\r\n');
    send('s2c', 'not TLS at all');
    reads.length = 0;
    for (let i = 0; i < 5; i++) send('s2c', 'more tunnel bytes');
    expect(reads).toEqual([]);
  });

  it('leaves the bytes after another upgrade raw', () => {
    const messages = flow(false, 'h2c');
    expect(messages.websocket).toBeUndefined();
    expect(messages.http?.rawFrom('s2c')).toBe(RESPONSE.length - 6);
  });
});

describe('WebSocket, random bytes', () => {
  it('never throws; frames lie in order within the stream, the same at any segmentation', async () => {
    const { mulberry32, randomInt } = await import('../support/prng.js');
    const random = mulberry32(6455);
    for (let round = 0; round < 300; round++) {
      const stream = Uint8Array.from({ length: randomInt(random, 1, 200) }, () => (random() < 0.5 ? randomInt(random, 0, 255) : [0x81, 0x82, 0x7e, 0x7f, 0x00, 0x05, 0x88, 0x89][randomInt(random, 0, 7)]));
      const frames = (cut: number): string[] => {
        const ws = new WebSocketConversation();
        ws.startAt('s2c', 0);
        for (let at = 0; at < stream.length; at += cut) {
          const piece = stream.subarray(at, at + cut);
          if (!ws.skip('s2c', at, piece.length, at)) ws.feed('s2c', at, piece, at);
        }
        ws.end('s2c');
        let end = 0;
        for (const f of ws.frames) {
          expect(f.offset).toBeGreaterThanOrEqual(end);
          end = f.offset + f.headerLength + f.payloadLength;
          expect(f.offset + f.headerLength).toBeLessThanOrEqual(stream.length);
        }
        return shape(ws.frames);
      };
      const whole = frames(stream.length);
      expect(frames(1)).toEqual(whole);
      expect(frames(randomInt(random, 2, 9))).toEqual(whole);
    }
  });
});
