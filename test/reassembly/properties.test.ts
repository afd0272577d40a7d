/**
 * Property tests with a seeded PRNG: random conversations split into random segments, then
 * shuffled / duplicated / overlapped / dropped, against the reassembler's contract.
 */
import { describe, expect, it } from 'vitest';
import type { Direction, FlowEvent } from '../../src/core/types.js';
import type { TcpSegment } from '../../src/decode/types.js';
import {
  CLIENT,
  SERVER,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  checkContract,
  concatData,
  fastPathSegmentsChecked,
  harness,
  mkSeg,
  mulberry32,
  randInt,
  randomBytes,
  show,
  shuffle,
  type Ep,
  type StreamView,
} from './helpers.js';

interface Side {
  ep: Ep;
  peer: Ep;
  isn: number;
  peerIsn: number;
  data: Uint8Array;
}

function randomIsn(rand: () => number): number {
  // One in three near the top of the sequence space, so streams wrap around 2^32.
  return rand() < 0.34 ? 0xffffffff - randInt(rand, 0, 8000) : Math.floor(rand() * 2 ** 32);
}

/** A data segment of `side` carrying `[from, to)`; acks offset 0 of the peer (no ack-rule gaps). */
function dataSeg(side: Side, from: number, to: number, extraFlags = 0): TcpSegment {
  return mkSeg({
    src: side.ep,
    dst: side.peer,
    seq: side.isn + 1 + from,
    ack: side.peerIsn + 1,
    flags: TCP_ACK | extraFlags,
    payload: side.data.subarray(from, to),
  });
}

/** Random chunk boundaries covering `[0, n)`. */
function chunks(rand: () => number, n: number, maxChunk: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let at = 0; at < n; ) {
    const len = Math.min(n - at, randInt(rand, 1, maxChunk));
    out.push([at, at + len]);
    at += len;
  }
  return out;
}

function makeSides(rand: () => number, maxLen: number, clientEp: Ep = CLIENT): [Side, Side] {
  const cIsn = randomIsn(rand);
  const sIsn = randomIsn(rand);
  return [
    { ep: clientEp, peer: SERVER, isn: cIsn, peerIsn: sIsn, data: randomBytes(rand, randInt(rand, 0, maxLen)) },
    { ep: SERVER, peer: clientEp, isn: sIsn, peerIsn: cIsn, data: randomBytes(rand, randInt(rand, 0, maxLen)) },
  ];
}

function handshakeOf(client: Side, server: Side): TcpSegment[] {
  return [
    mkSeg({ src: client.ep, dst: server.ep, seq: client.isn, flags: TCP_SYN }),
    mkSeg({ src: server.ep, dst: client.ep, seq: server.isn, ack: client.isn + 1, flags: TCP_SYN | TCP_ACK }),
    mkSeg({ src: client.ep, dst: server.ep, seq: client.isn + 1, ack: server.isn + 1 }),
  ];
}

function finOf(side: Side): TcpSegment {
  return dataSeg(side, side.data.length, side.data.length, TCP_FIN);
}

function streamsOf(events: FlowEvent[]): Map<number, Record<Direction, StreamView>> {
  return checkContract(events);
}

/** Checks every delivered byte against the original. */
function expectDataMatches(view: StreamView, original: Uint8Array): void {
  const wrong: string[] = [];
  for (const [offset, bytes] of view.data) {
    if (offset + bytes.length > original.length) wrong.push(`${offset}+${bytes.length}: past the end (${original.length})`);
    else if (!Buffer.from(bytes).equals(Buffer.from(original.subarray(offset, offset + bytes.length)))) wrong.push(`${offset}+${bytes.length}: other bytes`);
  }
  expect(wrong).toEqual([]);
}


/** Fast-path segments checked before this file's tests (workers may be shared between files). */
const fastPathBefore = fastPathSegmentsChecked();
describe('reassembly properties', () => {
  it('shuffled, duplicated and overlapping (identical) segments give back the exact streams', () => {
    for (let iter = 0; iter < 150; iter++) {
      const rand = mulberry32(1000 + iter);
      const [client, server] = makeSides(rand, 6000);
      const segments: TcpSegment[] = [];
      for (const side of [client, server]) {
        for (const [from, to] of chunks(rand, side.data.length, 700)) segments.push(dataSeg(side, from, to));
        const extra = randInt(rand, 0, 8);
        for (let k = 0; k < extra && side.data.length > 0; k++) {
          const from = randInt(rand, 0, side.data.length - 1);
          const to = randInt(rand, from + 1, Math.min(side.data.length, from + 1500));
          segments.push(dataSeg(side, from, to)); // overlap with identical bytes
        }
        segments.push(finOf(side));
      }
      const dups = randInt(rand, 0, 10);
      for (let k = 0; k < dups && segments.length > 0; k++) segments.push(segments[randInt(rand, 0, segments.length - 1)]);
      shuffle(rand, segments);
      const h = harness();
      h.feed(handshakeOf(client, server));
      h.feed(segments);
      h.r.finish(1e15);
      const streams = streamsOf(h.events);
      expect(streams.size).toBe(1);
      const flow = [...streams.values()][0];
      expect(Buffer.from(concatData(flow.c2s)).equals(client.data)).toBe(true);
      expect(Buffer.from(concatData(flow.s2c)).equals(server.data)).toBe(true);
      expect(h.r.stats.gaps).toBe(0);
      expect(h.r.stats.overlapConflicts).toBe(0);
      expect(h.r.stats.bufferedBytes).toBe(0);
      const end = h.events[h.events.length - 1];
      expect(end.type === 'flow-end' && end.reason).toBe('fin');
      const halfCloses = h.events.filter((e) => e.type === 'half-close');
      expect(halfCloses).toHaveLength(2);
    }
  });

  it('with drops, gaps cover exactly the bytes no kept segment carried', () => {
    for (let iter = 0; iter < 150; iter++) {
      const rand = mulberry32(5000 + iter);
      const [client, server] = makeSides(rand, 6000);
      const segments: TcpSegment[] = [];
      const covered = new Map<Side, Uint8Array>();
      for (const side of [client, server]) {
        const cover = new Uint8Array(side.data.length);
        covered.set(side, cover);
        const ranges = chunks(rand, side.data.length, 700);
        const extra = randInt(rand, 0, 4);
        for (let k = 0; k < extra && side.data.length > 0; k++) {
          const from = randInt(rand, 0, side.data.length - 1);
          ranges.push([from, randInt(rand, from + 1, Math.min(side.data.length, from + 1500))]);
        }
        for (const [from, to] of ranges) {
          if (rand() < 0.2) continue; // dropped by the capture
          cover.fill(1, from, to);
          segments.push(dataSeg(side, from, to));
        }
        segments.push(finOf(side)); // the FIN is kept, so a dropped tail is a known gap
      }
      shuffle(rand, segments);
      const h = harness();
      h.feed(handshakeOf(client, server));
      h.feed(segments);
      h.r.finish(1e15);
      const flow = [...streamsOf(h.events).values()][0];
      for (const [dir, side] of [['c2s', client], ['s2c', server]] as const) {
        const view = flow[dir];
        const cover = covered.get(side)!;
        const uncovered = cover.length - cover.reduce((a, b) => a + b, 0);
        expect(view.length).toBe(side.data.length); // data + gaps tile the whole stream
        expect(view.gapBytes).toBe(uncovered);
        expect(view.dataBytes).toBe(side.data.length - uncovered);
        expectDataMatches(view, side.data);
        const gapOverCovered = view.gaps.some(([offset, length]) => cover.subarray(offset, offset + length).some((c) => c !== 0));
        expect(gapOverCovered).toBe(false);
      }
    }
  });

  it('with drops and acks from the receiver, holes become gaps at once (after one segment of grace)', () => {
    for (let iter = 0; iter < 100; iter++) {
      const rand = mulberry32(9000 + iter);
      const [client, server] = makeSides(rand, 8000);
      const h = harness();
      h.feed(handshakeOf(client, server));
      let dropped = 0;
      let lastKept = 0;
      /** Segments after which a hole was still buffered, or bytes were neither delivered nor a gap. */
      const late: string[] = [];
      const ranges = chunks(rand, client.data.length, 1000);
      for (const [from, to] of ranges) {
        if (rand() < 0.25) {
          dropped += to - from;
          continue;
        }
        h.feed(dataSeg(client, from, to));
        lastKept = to;
        // The server got everything up to `to` (the capture missed the dropped segments).
        h.feed(mkSeg({ src: SERVER, dst: CLIENT, seq: server.isn + 1, ack: client.isn + 1 + to }));
        // A second (duplicate) ack: the hole survived one more segment, so it is declared lost.
        h.feed(mkSeg({ src: SERVER, dst: CLIENT, seq: server.isn + 1, ack: client.isn + 1 + to }));
        const { bufferedBytes, payloadBytes, gapBytes } = h.r.stats;
        if (bufferedBytes !== 0 || payloadBytes + gapBytes !== to) late.push(`after [${from}, ${to}): buffered ${bufferedBytes}, data + gaps ${payloadBytes + gapBytes}`);
      }
      expect(late).toEqual([]);
      const tailDropped = client.data.length - lastKept;
      expect(h.r.stats.gapBytes).toBe(dropped - tailDropped);
      h.r.finish(1e15);
      checkContract(h.events);
    }
  });

  it('buffering stays under the per-flow and total caps with many shuffled flows', () => {
    const maxTotal = 20_000;
    const maxPerFlow = 6_000;
    for (let iter = 0; iter < 10; iter++) {
      const rand = mulberry32(777 + iter);
      const h = harness({ maxBufferedBytesTotal: maxTotal, maxBufferedBytesPerFlow: maxPerFlow });
      const flows: Array<[Side, Side]> = [];
      const segments: TcpSegment[] = [];
      for (let f = 0; f < 12; f++) {
        const sides = makeSides(rand, 20_000, { addr: '10.1.0.1', port: 20000 + f });
        flows.push(sides);
        h.feed(handshakeOf(sides[0], sides[1]));
        for (const side of sides) {
          for (const [from, to] of chunks(rand, side.data.length, 1400)) segments.push(dataSeg(side, from, to));
          segments.push(finOf(side));
        }
      }
      shuffle(rand, segments);
      let maxBuffered = 0;
      for (const segment of segments) {
        h.feed(segment);
        maxBuffered = Math.max(maxBuffered, h.r.stats.bufferedBytes);
      }
      expect(maxBuffered).toBeLessThanOrEqual(maxTotal);
      expect(h.r.stats.peakBufferedBytes).toBeLessThanOrEqual(maxTotal);
      expect(h.r.stats.bufferLimitSkips).toBeGreaterThan(0);
      h.r.finish(1e15);
      expect(h.r.stats.bufferedBytes).toBe(0);
      const streams = streamsOf(h.events);
      expect(streams.size).toBe(12);
      let f = 0;
      for (const flow of streams.values()) {
        const [client, server] = flows[f++];
        expect(flow.c2s.length).toBe(client.data.length);
        expect(flow.s2c.length).toBe(server.data.length);
        expectDataMatches(flow.c2s, client.data);
        expectDataMatches(flow.s2c, server.data);
      }
    }
  });

  it('a single flow never buffers more than its per-flow cap', () => {
    const rand = mulberry32(4242);
    const h = harness({ maxBufferedBytesPerFlow: 5_000 });
    const [client, server] = makeSides(rand, 0);
    client.data = randomBytes(rand, 200_000);
    h.feed(handshakeOf(client, server));
    const segments = chunks(rand, client.data.length, 1400).map(([a, b]) => dataSeg(client, a, b));
    shuffle(rand, segments);
    let maxBuffered = 0;
    for (const segment of segments) {
      h.feed(segment);
      maxBuffered = Math.max(maxBuffered, h.r.stats.bufferedBytes);
    }
    expect(maxBuffered).toBeLessThanOrEqual(5_000);
    h.feed(finOf(client));
    h.r.finish(1e15);
    const flow = [...streamsOf(h.events).values()][0];
    expect(flow.c2s.length).toBe(client.data.length);
    expectDataMatches(flow.c2s, client.data);
  });

  it('a stream longer than 4 GiB (sparse segments, gaps acknowledged by the peer)', () => {
    const h = harness();
    const isn = 0xfffff000;
    const serverIsn = 77;
    h.feed(handshakeOf(
      { ep: CLIENT, peer: SERVER, isn, peerIsn: serverIsn, data: new Uint8Array(0) },
      { ep: SERVER, peer: CLIENT, isn: serverIsn, peerIsn: isn, data: new Uint8Array(0) },
    ));
    const step = 2 ** 28 + 12345; // 256 MiB and a bit
    const count = 21; // about 5.3 GiB of stream
    const marks: number[] = [];
    for (let k = 0; k < count; k++) {
      const offset = k * step;
      const payload = new TextEncoder().encode(`mark ${k}`);
      marks.push(offset);
      // Sent in two pieces, the second first, to exercise buffering at large offsets.
      h.feed(mkSeg({ src: CLIENT, dst: SERVER, seq: isn + 1 + offset + 4, ack: serverIsn + 1, payload: payload.subarray(4) }));
      h.feed(mkSeg({ src: CLIENT, dst: SERVER, seq: isn + 1 + offset, ack: serverIsn + 1, payload: payload.subarray(0, 4) }));
      // The server acknowledges up to the end of the mark: the hole before it was lost.
      h.feed(mkSeg({ src: SERVER, dst: CLIENT, seq: serverIsn + 1, ack: isn + 1 + offset + payload.length }));
    }
    h.r.finish(1e15);
    const flow = [...streamsOf(h.events).values()][0];
    const data = [...flow.c2s.data.entries()].map(([o, b]) => [o, new TextDecoder().decode(b)]);
    const expected: Array<[number, string]> = [];
    for (let k = 0; k < count; k++) {
      const text = `mark ${k}`;
      expected.push([marks[k], text.slice(0, 4)], [marks[k] + 4, text.slice(4)]);
    }
    expect(data).toEqual(expected);
    expect(flow.c2s.length).toBeGreaterThan(2 ** 32);
    expect(flow.c2s.gaps).toHaveLength(count - 1);
    expect(h.r.stats.peakBufferedBytes).toBeLessThan(1000);
  });

  it('random segments with random flags never break the event contract', () => {
    const peers: Ep[] = [
      { addr: '10.0.0.1', port: 1234 },
      { addr: '10.0.0.2', port: 80 },
      { addr: '10.0.0.3', port: 50000 },
    ];
    const totals = {
      flows: 0,
      payloadBytes: 0,
      gaps: 0,
      notes: 0,
      overlapConflicts: 0,
      duplicateBytes: 0,
      lateSegments: 0,
      truncatedBytes: 0,
      bufferLimitSkips: 0,
      bytesAfterPeerClose: 0,
    };
    for (let iter = 0; iter < 30; iter++) {
      const rand = mulberry32(31337 + iter);
      const h = harness({
        maxBufferedBytesPerFlow: 1500,
        maxBufferedBytesTotal: 3000,
        idleTimeoutMicros: 5000,
        closedLingerMicros: 2000,
      });
      const bases = new Map<string, number>();
      let ts = 0;
      let maxBuffered = 0;
      for (let n = 0; n < 1500; n++) {
        const a = peers[randInt(rand, 0, 2)];
        let b = peers[randInt(rand, 0, 2)];
        if (b === a) b = peers[(peers.indexOf(a) + 1) % 3];
        const key = `${a.addr}:${a.port}`;
        if (!bases.has(key) || rand() < 0.01) bases.set(key, Math.floor(rand() * 2 ** 32));
        const base = bases.get(key)!;
        const payloadLength = rand() < 0.5 ? 0 : randInt(rand, 1, 300);
        const captured = rand() < 0.1 ? randInt(rand, 0, payloadLength) : payloadLength;
        const flagBits = [TCP_SYN, TCP_ACK, TCP_FIN, TCP_RST];
        let flags = TCP_ACK;
        for (const bit of flagBits) if (rand() < 0.08) flags ^= bit;
        const seq = rand() < 0.05 ? Math.floor(rand() * 2 ** 32) : base + randInt(rand, -500, 3000);
        const peerKey = `${b.addr}:${b.port}`;
        const ack = (bases.get(peerKey) ?? 0) + randInt(rand, -100, 3000);
        ts += randInt(rand, 0, 400);
        h.feed(
          mkSeg({
            src: a,
            dst: b,
            seq,
            ack,
            flags,
            payload: randomBytes(rand, captured),
            payloadLength,
            vlan: rand() < 0.1 ? 5 : undefined,
          }),
          ts,
        );
        if (rand() < 0.02) h.r.expireIdle(ts);
        if (h.r.stats.bufferedBytes > maxBuffered) maxBuffered = h.r.stats.bufferedBytes;
      }
      expect(maxBuffered).toBeLessThanOrEqual(3000);
      h.r.finish(ts + 1);
      checkContract(h.events);
      expect(h.r.stats.openFlows).toBe(0);
      expect(h.r.stats.bufferedBytes).toBe(0);
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += h.r.stats[key];
    }
    // The random input does reach the interesting paths.
    for (const value of Object.values(totals)) expect(value).toBeGreaterThan(0);
  });

  it('many flows with a cap, RSTs and expiry: the same events whatever the flow-table hash width', () => {
    const peers: Ep[] = [];
    for (let i = 0; i < 30; i++) peers.push({ addr: `10.9.0.${i % 7}`, port: 1000 + (i % 5) * 7000 + i });
    for (let i = 0; i < 10; i++) peers.push({ addr: `2001:db8::${(i % 3).toString(16)}`, port: i < 5 ? 443 : 40000 + i });
    const rand = mulberry32(4242);
    const segments: Array<[TcpSegment, number]> = [];
    let ts = 0;
    for (let n = 0; n < 3000; n++) {
      const a = peers[randInt(rand, 0, peers.length - 1)];
      const b = peers[randInt(rand, 0, peers.length - 1)]; // sometimes a self-connection
      let flags = TCP_ACK;
      for (const bit of [TCP_SYN, TCP_FIN, TCP_RST]) if (rand() < 0.04) flags |= bit;
      ts += randInt(rand, 0, 300);
      const seg = mkSeg({
        src: a,
        dst: b,
        seq: randInt(rand, 0, 4000),
        ack: randInt(rand, 0, 4000),
        flags,
        payload: randomBytes(rand, rand() < 0.4 ? 0 : randInt(rand, 1, 200)),
        vlan: rand() < 0.2 ? randInt(rand, 1, 3) : undefined,
      });
      segments.push([seg, ts]);
    }
    const runWith = (flowHashBits: number): string[] => {
      const h = harness({ flowHashBits, maxOpenFlows: 25, idleTimeoutMicros: 3000, rstLingerMicros: 1000, closedLingerMicros: 5000 });
      let maxOpen = 0;
      for (const [seg, at] of segments) {
        h.feed(seg, at);
        maxOpen = Math.max(maxOpen, h.r.stats.openFlows);
        if (at % 7 === 0) h.r.expireIdle(at);
      }
      expect(maxOpen).toBeLessThanOrEqual(25);
      h.r.finish(ts + 1);
      checkContract(h.events);
      expect(h.r.stats.evictedFlows).toBeGreaterThan(50);
      expect(h.r.stats.flows).toBeGreaterThan(300);
      return h.events.map(show);
    };
    const wide = runWith(30);
    expect(runWith(1)).toEqual(wide); // two chains: every lookup walks a chain
    expect(runWith(3)).toEqual(wide);
    expect(wide.filter((e) => e.startsWith('end') && e.includes('rst'))).not.toHaveLength(0);
    expect(wide.filter((e) => e.includes('idle'))).not.toHaveLength(0);
    expect(wide.filter((e) => e.includes('evicted'))).not.toHaveLength(0);
  });
});

describe('fast path differential (R20)', () => {
  // Every harness above was checked against its twin without the fast path after its test
  // (helpers.ts); this shows the fast path did run on those inputs.
  it('the property inputs went through the fast path, with the same events as without it', () => {
    expect(fastPathSegmentsChecked() - fastPathBefore).toBeGreaterThan(1000);
  });
});
