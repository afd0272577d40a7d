/**
 * Fuzzing the message layer: random bytes and mutated valid conversations, cut at random, with
 * random gaps and ends. Nothing may throw; what cannot be parsed may only end up as the typed
 * fallback (a note, raw bytes), and every message found must lie inside the bytes fed.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Direction, FlowEvent } from '../../src/core/types.js';
import { HttpConversation } from '../../src/messages/http.js';
import { decodeBody } from '../../src/messages/httpBody.js';
import { MAX_HEAD_BYTES } from '../../src/messages/httpStream.js';
import { LineConversation } from '../../src/messages/lines.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import type { HttpMessage } from '../../src/messages/types.js';
import { mulberry32, randomInt } from '../support/prng.js';

const enc = new TextEncoder();
const VALID_C2S = enc.encode(
  'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n0\r\nT: 1\r\n\r\n' +
  'PUT /c HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nxyz' +
  'HEAD /d HTTP/1.0\r\n\r\n',
);
const VALID_S2C = enc.encode(
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' +
  'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n!\r\n0\r\n\r\n' +
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n' +
  'HTTP/1.0 200 OK\r\nContent-Length: 99\r\n\r\n' +
  'HTTP/1.0 200 OK\r\n\r\nuntil close',
);

type Random = () => number;

function randomBytes(random: Random, length: number): Uint8Array {
  return new Uint8Array(length).map(() => randomInt(random, 0, 255));
}

/** Flips, inserts or deletes a few bytes (often CR, LF, digits, colons, which steer a parser). */
function mutate(random: Random, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  const steering = [0x0d, 0x0a, 0x3a, 0x20, 0x30, 0x39, 0x66, 0x3b];
  for (let k = randomInt(random, 1, 6); k > 0; k--) {
    const at = randomInt(random, 0, bytes.length);
    const value = random() < 0.5 ? steering[randomInt(random, 0, steering.length - 1)] : randomInt(random, 0, 255);
    const op = randomInt(random, 0, 2);
    if (op === 0 && at < bytes.length) bytes[at] = value;
    else if (op === 1) bytes.splice(at, 0, value);
    else bytes.splice(at, 1);
  }
  return new Uint8Array(bytes);
}

/** Feeds both streams into `http`, interleaved in random pieces, with occasional gaps; returns the lengths fed. */
function feedRandomly(random: Random, http: HttpConversation, streams: Record<Direction, Uint8Array>): Record<Direction, number> {
  const at: Record<Direction, number> = { c2s: 0, s2c: 0 };
  let ts = 0;
  while (at.c2s < streams.c2s.length || at.s2c < streams.s2c.length) {
    const dir: Direction = at.c2s >= streams.c2s.length ? 's2c' : at.s2c >= streams.s2c.length ? 'c2s' : random() < 0.5 ? 'c2s' : 's2c';
    const n = Math.min(streams[dir].length - at[dir], randomInt(random, 1, 40));
    if (random() < 0.05) http.gap(dir, at[dir], n, ts++);
    else if (random() < 0.5) http.feed(dir, at[dir], streams[dir].slice(at[dir], at[dir] + n), ts++);
    else http.feedData({ dir, offset: at[dir], length: n, bytes: streams[dir].slice(at[dir], at[dir] + n), ts: ts++ });
    at[dir] += n;
  }
  if (random() < 0.5) http.end('s2c', ts++);
  http.finish(ts);
  return at;
}

/** Every message lies within the bytes fed, in order, and its head is within the cap. */
function checkMessages(http: HttpConversation, fed: Record<Direction, number>): void {
  const messages = http.exchanges.flatMap((e) => [e.request, ...e.interim, e.response]).filter((m): m is HttpMessage => m !== undefined);
  const lastEnd: Record<Direction, number> = { c2s: 0, s2c: 0 };
  const wrong: string[] = [];
  for (const m of [...messages].sort((a, b) => a.offset - b.offset)) {
    const at = `${m.dir} message at ${m.offset}`;
    if (m.offset < lastEnd[m.dir]) wrong.push(`${at}: starts before the previous one ends (${lastEnd[m.dir]})`);
    if (!(m.headLength > 0 && m.headLength <= MAX_HEAD_BYTES)) wrong.push(`${at}: head length ${m.headLength}`);
    if (m.body.offset !== m.offset + m.headLength) wrong.push(`${at}: body at ${m.body.offset}, head length ${m.headLength}`);
    if (m.body.offset + m.body.length > fed[m.dir]) wrong.push(`${at}: body ends past the ${fed[m.dir]} bytes fed`);
    if (m.complete !== (m.incomplete === undefined)) wrong.push(`${at}: complete ${m.complete}, incomplete ${m.incomplete}`);
    lastEnd[m.dir] = m.body.offset + m.body.length;
  }
  for (const note of http.notes) if (note.offset > fed[note.dir]) wrong.push(`${note.dir} note at ${note.offset}: past the bytes fed`);
  expect(wrong).toEqual([]);
}

describe('fuzzing the message layer', () => {
  it('HTTP: random bytes never throw and give no message outside the bytes', () => {
    const random = mulberry32(101);
    for (let round = 0; round < 700; round++) {
      const streams = { c2s: randomBytes(random, randomInt(random, 0, 400)), s2c: randomBytes(random, randomInt(random, 0, 400)) };
      if (round % 3 === 0) streams.c2s.set(enc.encode('GET / HTTP/1.1\r\n').subarray(0, streams.c2s.length));
      const http = new HttpConversation('c2s', undefined, round % 5 === 0);
      checkMessages(http, feedRandomly(random, http, streams));
    }
  });

  it('HTTP: mutated valid conversations never throw; what does not parse becomes a note', () => {
    const random = mulberry32(202);
    let withNotes = 0;
    for (let round = 0; round < 1500; round++) {
      const streams = { c2s: mutate(random, VALID_C2S), s2c: mutate(random, VALID_S2C) };
      const http = new HttpConversation();
      checkMessages(http, feedRandomly(random, http, streams));
      if (http.notes.length > 0) withNotes++;
      for (const dir of ['c2s', 's2c'] as const) {
        const rawFrom = http.rawFrom(dir);
        if (rawFrom !== undefined) expect(http.notes.some((n) => n.dir === dir && n.offset === rawFrom)).toBe(true);
      }
    }
    expect(withNotes).toBeGreaterThan(100);
  });

  it('flows: random events in any protocol never throw, and sum up as a string', () => {
    const random = mulberry32(303);
    const starts = [enc.encode('GET / HTTP/1.1\r\n'), enc.encode('HTTP/1.1 200 OK\r\n'), new Uint8Array([0x16, 3, 1, 0, 40, 1]), enc.encode('220 hi\r\nEHLO x\r\n'), new Uint8Array(0)];
    for (let round = 0; round < 400; round++) {
      const table = new MessageTable();
      const events: FlowEvent[] = [{ type: 'flow-start', flowId: 7, key: { client: { addr: 'a', port: 1 }, server: { addr: 'b', port: 2 } }, ts: 0, origin: 'proxy', sawHandshake: random() < 0.7 }];
      const offsets = { c2s: 0, s2c: 0 };
      const first = starts[round % starts.length];
      for (let k = 0; k < 30; k++) {
        const dir: Direction = random() < 0.5 ? 'c2s' : 's2c';
        const roll = random();
        if (roll < 0.08) {
          const length = randomInt(random, 1, 50);
          events.push({ type: 'gap', flowId: 7, dir, offset: offsets[dir], length, ts: k });
          offsets[dir] += length;
        } else if (roll < 0.1) {
          events.push({ type: 'half-close', flowId: 7, dir, ts: k });
        } else {
          const bytes = k === 0 && first.length ? first : random() < 0.5 ? mutate(random, dir === 'c2s' ? VALID_C2S : VALID_S2C).subarray(0, randomInt(random, 1, 60)) : randomBytes(random, randomInt(random, 1, 60));
          events.push({ type: 'data', flowId: 7, dir, offset: offsets[dir], bytes, length: bytes.length, ts: k, fileOffset: -1 });
          offsets[dir] += bytes.length;
        }
      }
      events.push({ type: 'flow-end', flowId: 7, ts: 99, reason: 'rst', detail: undefined });
      for (const e of events) table.apply(e);
      expect(typeof table.get(7)!.summary()).toBe('string');
    }
  });

  it('lines: random bytes never throw; lines tile what was fed', () => {
    const random = mulberry32(404);
    for (let round = 0; round < 400; round++) {
      const lines = new LineConversation();
      let offset = 0;
      for (let k = 0; k < 10; k++) {
        const bytes = random() < 0.7 ? enc.encode(Array.from({ length: randomInt(random, 0, 5) }, () => 'DATA\r\n.\r\n354 go\r\nx'.slice(0, randomInt(random, 0, 16))).join('')) : randomBytes(random, 20);
        lines.feed(random() < 0.5 ? 'c2s' : 's2c', offset, bytes, k);
        offset += bytes.length;
      }
      expect(lines.items.filter((item) => item.offset + item.length > offset)).toEqual([]);
    }
  });

  it('LineConversation: mutated Redis RESP never throws, and its items stay inside the bytes fed', () => {
    const random = mulberry32(606);
    const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
    const c2s = enc.encode(resp('AUTH', 'pw') + resp('SET', 'k', 'a\r\nb') + resp('HELLO', '3', 'AUTH', 'u', 'p') + resp('GET', 'k'));
    const s2c = enc.encode('+OK\r\n+OK\r\n%1\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n$4\r\na\r\nb\r\n=5\r\ntxt:x\r\n!3\r\nERR\r\n,1.5\r\n');
    for (let round = 0; round < 300; round++) {
      const streams = { c2s: mutate(random, c2s), s2c: mutate(random, s2c) };
      const lines = new LineConversation();
      const at: Record<Direction, number> = { c2s: 0, s2c: 0 };
      for (let k = 0; at.c2s < streams.c2s.length || at.s2c < streams.s2c.length; k++) {
        const dir: Direction = at.c2s >= streams.c2s.length ? 's2c' : at.s2c >= streams.s2c.length ? 'c2s' : random() < 0.5 ? 'c2s' : 's2c';
        const n = Math.min(streams[dir].length - at[dir], randomInt(random, 1, 30));
        if (random() < 0.05) lines.gap(dir, at[dir], n, k);
        else lines.feed(dir, at[dir], streams[dir].subarray(at[dir], at[dir] + n), k);
        at[dir] += n;
      }
      lines.end('c2s');
      lines.end('s2c');
      for (const item of lines.items) expect(item.offset + item.length, `round ${round}`).toBeLessThanOrEqual(at[item.dir]);
      // A password never shows: the AUTH and HELLO ones are `pw` and `p`, one and two bytes.
      expect(lines.items.some((item) => /^(AUTH pw|HELLO 3 AUTH u p)\b/.test(item.text)), `round ${round}`).toBe(false);
    }
  });

  it('decodeBody: random and mutated bodies under any coding never throw', () => {
    const random = mulberry32(505);
    const good = gzipSync(enc.encode('x'.repeat(5000)));
    for (let round = 0; round < 300; round++) {
      const coding = ['gzip', 'deflate', 'br', 'gzip, br', 'identity', 'zstd'][round % 6];
      const wire = round % 2 ? mutate(random, good) : randomBytes(random, randomInt(random, 0, 200));
      const http = new HttpConversation();
      http.feed('s2c', 0, enc.encode(`HTTP/1.1 200 OK\r\nContent-Encoding: ${coding}\r\nContent-Length: ${wire.length}\r\n\r\n`), 1);
      const response = http.exchanges[0].response!;
      const decoded = decodeBody(response, wire, 4096);
      expect(decoded.bytes.length).toBeLessThanOrEqual(Math.max(4096, wire.length));
    }
  });
});
