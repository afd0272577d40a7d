/**
 * Streams a large, deterministic synthetic capture for benchmarks: many interleaved HTTP-like
 * flows (requests and responses of varied sizes, MSS-sized segments, both directions), with a
 * little reordering and duplication. Same options (seed included) = same bytes.
 */

import type { Direction } from '../../src/core/types.js';
import { mulberry32, randomInt } from './prng.js';

/** The seeded generator, for bench scripts that load this module (bench/generator.mjs). */
export { mulberry32 } from './prng.js';
import { PcapFileWriter, PCAP_GLOBAL_HEADER_LENGTH, PCAP_RECORD_HEADER_LENGTH } from '../../src/capture/pcapWriter.js';
import type { PacketWriter } from '../../src/capture/pcapWriter.js';
import { TcpConversation } from '../../src/synth/tcpScript.js';

/** What to generate. Every field has a default (see `DEFAULT_BIG_CAPTURE`). */
export interface BigCaptureOptions {
  /** PRNG seed; the whole capture is a function of the options. */
  seed?: number;
  /** New flows are started until the capture holds at least this many bytes (pcap file size) ... */
  targetBytes?: number;
  /** ... and at least this many flows. */
  minFlows?: number;
  /** Flows open at the same time (their packets interleave). */
  concurrency?: number;
  /** Segment payload size. */
  mss?: number;
  /** Expected fraction of data segments written swapped with their successor. */
  reorderRate?: number;
  /** Expected fraction of data segments written twice. */
  duplicateRate?: number;
  /** Smallest and largest response body (sizes are log-uniform in between, split over exchanges). */
  minResponseBytes?: number;
  maxResponseBytes?: number;
  /** Timestamp of the first packet, µs since the epoch. */
  startMicros?: number;
}

/** Defaults: at least 420 MB and 2000 flows, 400 concurrent, MSS 1448, 1% reordering, 0.5% duplicates. */
export const DEFAULT_BIG_CAPTURE: Readonly<Required<BigCaptureOptions>> = Object.freeze({
  seed: 1,
  targetBytes: 420_000_000,
  minFlows: 2000,
  concurrency: 400,
  mss: 1448,
  reorderRate: 0.01,
  duplicateRate: 0.005,
  minResponseBytes: 1024,
  maxResponseBytes: 1_600_000,
  startMicros: 1_767_225_600_000_000,
});

/** What was written. */
export interface BigCaptureStats {
  flows: number;
  packets: number;
  /** pcap file bytes (global header included). */
  bytes: number;
  /** TCP payload bytes written, duplicates included. */
  payloadBytes: number;
  /** Data segments written (duplicates included). */
  dataSegments: number;
  /** Swaps of two adjacent data segments. */
  reordered: number;
  /** Data segments written a second time. */
  duplicated: number;
  /** Flows that ended with a server RST instead of FINs. */
  resetFlows: number;
  /** Flows left open at the end of the capture (no FIN, no RST). */
  openFlows: number;
  /** Timestamp of the last packet, µs. */
  lastMicros: number;
}

/** A message being sent: a header (own bytes) followed by a body slice of the shared pattern. */
interface Message {
  dir: Direction;
  header: Uint8Array;
  bodyOffset: number;
  bodyLength: number;
  /** Bytes of header + body already sent. */
  sent: number;
}

interface FlowState {
  conv: TcpConversation;
  started: boolean;
  messages: Message[];
  next: number;
  ending: 'fin' | 'rst' | 'open';
}

const PATTERN_MIN_BYTES = 8 << 20;
const PER_SEGMENT_OVERHEAD = PCAP_RECORD_HEADER_LENGTH + 54; // record + Ethernet/IPv4/TCP headers

/**
 * Writes the capture to `writer` and returns what was written. Synchronous; memory stays
 * bounded (a shared content pattern plus per-open-flow state).
 */
export function generateBigCapture(writer: PacketWriter, options: BigCaptureOptions = {}): BigCaptureStats {
  const o: Required<BigCaptureOptions> = { ...DEFAULT_BIG_CAPTURE, ...options };
  if (o.maxResponseBytes < o.minResponseBytes || o.minResponseBytes < 1) throw new Error('bad response size range');
  const random = mulberry32(o.seed);
  const pattern = makePattern(Math.max(PATTERN_MIN_BYTES, o.maxResponseBytes + 1), o.seed);
  const encoder = new TextEncoder();
  const stats: BigCaptureStats = {
    flows: 0,
    packets: 0,
    bytes: PCAP_GLOBAL_HEADER_LENGTH,
    payloadBytes: 0,
    dataSegments: 0,
    reordered: 0,
    duplicated: 0,
    resetFlows: 0,
    openFlows: 0,
    lastMicros: o.startMicros,
  };
  const counting: PacketWriter = {
    writePacket(ts, frame, origLen) {
      stats.packets += 1;
      stats.bytes += PCAP_RECORD_HEADER_LENGTH + frame.length;
      stats.lastMicros = ts;
      writer.writePacket(ts, frame, origLen);
    },
  };
  let plannedBytes = PCAP_GLOBAL_HEADER_LENGTH;
  const mss = o.mss;
  const logMin = Math.log(o.minResponseBytes);
  const logMax = Math.log(o.maxResponseBytes);

  const newFlow = (index: number): FlowState => {
    const host = index % 1000;
    const server = randomInt(random, 0, 39);
    const conv = new TcpConversation(counting, {
      client: { addr: `10.20.${Math.floor(host / 250)}.${(host % 250) + 1}`, port: 20000 + (index % 45000) },
      server: { addr: `172.16.${Math.floor(server / 20)}.${(server % 20) + 10}`, port: server % 5 === 0 ? 8080 : 80 },
      mss,
      isnClient: Math.floor(random() * 0x1_0000_0000),
      isnServer: Math.floor(random() * 0x1_0000_0000),
      stepMicros: 3,
    });
    const exchanges = random() < 0.3 ? randomInt(random, 2, 4) : 1;
    const totalBody = Math.round(Math.exp(logMin + random() * (logMax - logMin)));
    const messages: Message[] = [];
    let bodyLeft = totalBody;
    for (let k = 0; k < exchanges; k++) {
      const bodyLength = k === exchanges - 1 ? bodyLeft : Math.floor(bodyLeft * random() * 0.8);
      bodyLeft -= bodyLength;
      const post = random() < 0.1;
      const postLength = post ? randomInt(random, 2000, 20000) : 0;
      const requestId = Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
      const request = encoder.encode(
        `${post ? 'POST' : 'GET'} /data/${index}/${k}.bin HTTP/1.1\r\n` +
          `Host: files${server}.example\r\n` +
          'User-Agent: flowspy-bench/1\r\n' +
          'Accept: */*\r\n' +
          `X-Request-Id: ${requestId}\r\n` +
          (post ? `Content-Type: application/octet-stream\r\nContent-Length: ${postLength}\r\n` : '') +
          '\r\n',
      );
      messages.push({
        dir: 'c2s',
        header: request,
        bodyOffset: randomInt(random, 0, pattern.length - postLength - 1),
        bodyLength: postLength,
        sent: 0,
      });
      const response = encoder.encode(
        'HTTP/1.1 200 OK\r\n' +
          'Server: bench/1\r\n' +
          'Content-Type: application/octet-stream\r\n' +
          `Content-Length: ${bodyLength}\r\n` +
          (k === exchanges - 1 ? 'Connection: close\r\n' : 'Connection: keep-alive\r\n') +
          '\r\n',
      );
      messages.push({
        dir: 's2c',
        header: response,
        bodyOffset: randomInt(random, 0, pattern.length - bodyLength - 1),
        bodyLength,
        sent: 0,
      });
    }
    for (const m of messages) {
      const length = m.header.length + m.bodyLength;
      plannedBytes += length + Math.ceil(length / mss) * PER_SEGMENT_OVERHEAD;
    }
    const roll = random();
    const ending = roll < 0.02 ? 'rst' : roll < 0.03 ? 'open' : 'fin';
    stats.flows += 1;
    return { conv, started: false, messages, next: 0, ending };
  };

  const chunkScratch = new Uint8Array(8 * mss);
  /** Bytes [from, from+length) of a message as one array (zero-copy when inside the body). */
  const slice = (m: Message, from: number, length: number): Uint8Array => {
    const headerLength = m.header.length;
    if (from >= headerLength) {
      const start = m.bodyOffset + from - headerLength;
      return pattern.subarray(start, start + length);
    }
    const out = chunkScratch.subarray(0, length);
    const fromHeader = Math.min(length, headerLength - from);
    out.set(m.header.subarray(from, from + fromHeader), 0);
    if (length > fromHeader) out.set(pattern.subarray(m.bodyOffset, m.bodyOffset + length - fromHeader), fromHeader);
    return out;
  };

  const reorderProbability = (count: number): number => (count < 2 ? 0 : (o.reorderRate * count) / (count - 1));
  const order: number[] = [];
  const makeOrder = (count: number): number[] => {
    order.length = 0;
    const swapP = reorderProbability(count);
    for (let j = 0; j < count; j++) order.push(j);
    for (let j = 0; j + 1 < count; j++) {
      if (random() < swapP) {
        order[j] = j + 1;
        order[j + 1] = j;
        stats.reordered += 1;
        j++;
      }
    }
    for (let j = order.length - 1; j >= 0; j--) {
      if (random() < o.duplicateRate) {
        // The duplicate comes right after its original, or one segment later.
        order.splice(Math.min(order.length, j + 1 + (random() < 0.5 ? 1 : 0)), 0, order[j]);
        stats.duplicated += 1;
      }
    }
    stats.dataSegments += order.length;
    return order;
  };

  /** Advances one flow by one turn; returns the next free timestamp and whether the flow is done. */
  const turn = (flow: FlowState, ts: number): { t: number; done: boolean } => {
    const conv = flow.conv;
    if (!flow.started) {
      flow.started = true;
      return { t: conv.handshake(ts), done: false };
    }
    if (flow.next < flow.messages.length) {
      const m = flow.messages[flow.next];
      const total = m.header.length + m.bodyLength;
      const length = Math.min(total - m.sent, randomInt(random, 1, 6) * mss);
      const bytes = slice(m, m.sent, length);
      m.sent += length;
      const last = m.sent === total;
      const t = conv.send(m.dir, bytes, ts, { order: makeOrder, ackEvery: 2, push: last });
      if (last) flow.next += 1;
      return { t, done: false };
    }
    let t = ts;
    if (flow.ending === 'fin') {
      t = conv.fin('s2c', t, { peerAcks: false });
      t = conv.fin('c2s', t);
    } else if (flow.ending === 'rst') {
      t = conv.rst('s2c', t);
      stats.resetFlows += 1;
    } else {
      stats.openFlows += 1;
    }
    stats.payloadBytes += conv.counters.payloadBytes;
    return { t, done: true };
  };

  const active: FlowState[] = [];
  let started = 0;
  const wantMore = (): boolean => started < o.minFlows || plannedBytes < o.targetBytes;
  while (active.length < o.concurrency && wantMore()) active.push(newFlow(started++));
  let clock = o.startMicros;
  while (active.length > 0) {
    const index = Math.floor(random() * active.length);
    const result = turn(active[index], clock);
    clock = result.t + randomInt(random, 0, 20);
    if (result.done) {
      if (wantMore()) active[index] = newFlow(started++);
      else {
        active[index] = active[active.length - 1];
        active.pop();
      }
    }
  }
  return stats;
}

/** Writes the capture to a pcap file at `path` (batched writes) and returns what was written. */
export function writeBigCaptureFile(path: string, options: BigCaptureOptions = {}): BigCaptureStats {
  const writer = new PcapFileWriter(path);
  try {
    return generateBigCapture(writer, options);
  } finally {
    writer.close();
  }
}

/**
 * The shared content pattern: 4 KiB blocks alternating between text-like lines and
 * pseudo-random binary bytes, all determined by `seed`.
 */
function makePattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const words = ['flow', 'packet', 'segment', 'window', 'stream', 'byte', 'ack', 'the', 'of', 'and', 'data', 'tcp'];
  let i = 0;
  while (i < length) {
    const blockEnd = Math.min(length, i + 4096);
    const text = ((i >> 12) & 1) === 0;
    if (text) {
      let column = 0;
      while (i < blockEnd) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        const word = words[(x >>> 0) % words.length];
        for (let k = 0; k < word.length && i < blockEnd; k++) out[i++] = word.charCodeAt(k);
        column += word.length + 1;
        if (i < blockEnd) out[i++] = column > 70 ? 10 : 32;
        if (column > 70) column = 0;
      }
    } else {
      while (i < blockEnd) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i++] = x & 0xff;
      }
    }
  }
  return out;
}
