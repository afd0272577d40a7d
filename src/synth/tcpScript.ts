/**
 * Scripted TCP conversations: write a handshake, data in MSS-sized segments with the peer's
 * ACKs, FIN and RST as frames to a `PacketWriter`, keeping sequence and acknowledgement numbers
 * consistent. Faults (reordering, duplicates/retransmissions, capture drops) are injected per
 * `send` with an emission order. Used by the demo, the benchmark generator, tests and the
 * proxy's pcap output.
 */

import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../decode/types.js';
import { seqAdd } from '../core/seq.js';
import type { Direction, Endpoint } from '../core/types.js';
import { buildTcpFrame } from '../capture/frames.js';
import type { PacketWriter } from '../capture/pcapWriter.js';

/** How a conversation looks on the wire. */
export interface ConversationOptions {
  /** The side that sends the SYN. */
  client: Endpoint;
  server: Endpoint;
  /** Largest payload per segment (both directions); default 1448. */
  mss?: number;
  /** Client's initial sequence number (the SYN's seq); default derived from the endpoints. */
  isnClient?: number;
  /** Server's initial sequence number; default derived from the endpoints. */
  isnServer?: number;
  /** 802.1Q VLAN id written on every frame; default none. */
  vlan?: number;
  /** Receive window advertised by both sides; default 64240. */
  window?: number;
  /** Time between two consecutive packets this conversation writes, in µs; default 10. */
  stepMicros?: number;
}

/**
 * Which segments of one `send` reach the capture, in which order. Indices refer to the
 * segments of that send (0 .. count-1, see `segmentCount`). An index may repeat (a duplicate
 * or retransmission) or be missing (lost by the capture only: the receiver still got it, so
 * the peer's final ACK covers it). Default: every segment once, in order.
 */
export type SegmentOrder = readonly number[] | ((segmentCount: number) => readonly number[]);

/** Options of one `send`. */
export interface SendOptions {
  /**
   * The peer sends a cumulative ACK after every `ackEvery` captured data segments and after
   * the last one (unless it would repeat the previous ACK). 0 = the peer sends no ACK. Default 2.
   * The ACK number is what the receiver holds contiguously at that point (so reordering
   * produces duplicate ACKs, as on a real wire).
   */
  ackEvery?: number;
  /** Emission order (faults); see `SegmentOrder`. */
  order?: SegmentOrder;
  /** Set PSH on the last segment; default true. */
  push?: boolean;
}

/** One arbitrary segment for `TcpConversation.segment`. */
export interface RawSegment {
  flags: number;
  payload?: Uint8Array;
  /** Sequence number; default the direction's next sequence number. */
  seq?: number;
  /** Acknowledgement number; default the peer's next sequence number. */
  ack?: number;
  /**
   * Move the direction's next sequence number past this segment (payload length, +1 for SYN
   * or FIN). Default true; only meaningful when `seq` is not given.
   */
  advance?: boolean;
}

/** Segment count, packets written etc. for one conversation. */
export interface ConversationCounters {
  packets: number;
  /** Payload bytes written, duplicates included. */
  payloadBytes: number;
}

/** One shared scratch frame: writers copy frames during `writePacket`. */
const scratch = new Uint8Array(70_000);
const textEncoder = new TextEncoder();

/**
 * Writes one TCP conversation. Every method takes the timestamp (µs) of its first packet and
 * returns the timestamp just after its last one (`+ stepMicros` per packet), so calls chain:
 * `t = conv.handshake(t); t = conv.send('c2s', 'GET / ...', t);`.
 *
 * Without `handshake()` the conversation starts mid-stream: data begins at ISN + 1.
 * Throws `Error` for script mistakes: data or FIN after the sender's own FIN, anything after RST.
 */
export class TcpConversation {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly mss: number;
  readonly isnClient: number;
  readonly isnServer: number;
  readonly counters: ConversationCounters = { packets: 0, payloadBytes: 0 };
  private readonly vlan: number | undefined;
  private readonly window: number;
  private readonly step: number;
  private nextC2s: number;
  private nextS2c: number;
  private finC2s = false;
  private finS2c = false;
  private reset = false;
  private ipIdC2s: number;
  private ipIdS2c: number;

  constructor(
    private readonly writer: PacketWriter,
    options: ConversationOptions,
  ) {
    this.client = options.client;
    this.server = options.server;
    this.mss = options.mss ?? 1448;
    if (!(this.mss >= 1)) throw new Error(`bad mss: ${this.mss}`);
    const h = hashEndpoints(options.client, options.server);
    this.isnClient = seqAdd(options.isnClient ?? h, 0);
    this.isnServer = seqAdd(options.isnServer ?? Math.imul(h ^ 0x5bd1e995, 0x27d4eb2d) >>> 0, 0);
    this.vlan = options.vlan;
    this.window = options.window ?? 64240;
    this.step = options.stepMicros ?? 10;
    this.nextC2s = seqAdd(this.isnClient, 1);
    this.nextS2c = seqAdd(this.isnServer, 1);
    this.ipIdC2s = h & 0xffff;
    this.ipIdS2c = (h >>> 16) & 0xffff;
  }

  /** Sequence number of the next byte (or FIN) `dir` will send. */
  nextSeq(dir: Direction): number {
    return dir === 'c2s' ? this.nextC2s : this.nextS2c;
  }

  /** Number of segments a `send` of `byteLength` bytes is split into. */
  segmentCount(byteLength: number): number {
    return Math.ceil(byteLength / this.mss);
  }

  /** True once a RST was written. */
  get isReset(): boolean {
    return this.reset;
  }

  /** True once `dir` sent its FIN. */
  finSent(dir: Direction): boolean {
    return dir === 'c2s' ? this.finC2s : this.finS2c;
  }

  /** SYN (client, with MSS option), SYN+ACK (server, with MSS option), ACK (client). */
  handshake(ts: number): number {
    let t = ts;
    this.nextC2s = this.isnClient;
    this.nextS2c = this.isnServer;
    t = this.emit('c2s', t, TCP_SYN, this.isnClient, 0, undefined, this.mss);
    t = this.emit('s2c', t, TCP_SYN | TCP_ACK, this.isnServer, seqAdd(this.isnClient, 1), undefined, this.mss);
    this.nextC2s = seqAdd(this.isnClient, 1);
    this.nextS2c = seqAdd(this.isnServer, 1);
    return this.emit('c2s', t, TCP_ACK, this.nextC2s, this.nextS2c);
  }

  /**
   * Sends `bytes` (a string is UTF-8 encoded) from `dir` in MSS-sized segments, with the
   * peer's ACKs (see `SendOptions`). Empty data writes nothing.
   */
  send(dir: Direction, bytes: Uint8Array | string, ts: number, options: SendOptions = {}): number {
    this.checkOpen(dir);
    const data = typeof bytes === 'string' ? textEncoder.encode(bytes) : bytes;
    const length = data.length;
    if (length === 0) return ts;
    const mss = this.mss;
    const count = Math.ceil(length / mss);
    const base = this.nextSeq(dir);
    const peer: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    const peerSeq = this.nextSeq(peer);
    const push = options.push ?? true;
    const ackEvery = options.ackEvery ?? 2;
    const order = resolveOrder(options.order, count);

    // Receiver model: which segments arrived, and the contiguous prefix they form.
    const received = new Uint8Array(count);
    let contiguous = 0;
    let sinceAck = 0;
    let lastAck = -1;
    let t = ts;
    for (const index of order) {
      const start = index * mss;
      const end = Math.min(length, start + mss);
      const flags = TCP_ACK | (push && index === count - 1 ? TCP_PSH : 0);
      t = this.emit(dir, t, flags, seqAdd(base, start), peerSeq, data.subarray(start, end));
      received[index] = 1;
      while (contiguous < count && received[contiguous] === 1) contiguous++;
      sinceAck++;
      if (ackEvery > 0 && sinceAck >= ackEvery) {
        const ackValue = seqAdd(base, Math.min(length, contiguous * mss));
        t = this.emit(peer, t, TCP_ACK, peerSeq, ackValue);
        lastAck = ackValue;
        sinceAck = 0;
      }
    }
    const end = seqAdd(base, length);
    if (ackEvery > 0 && lastAck !== end) t = this.emit(peer, t, TCP_ACK, peerSeq, end);
    if (dir === 'c2s') this.nextC2s = end;
    else this.nextS2c = end;
    return t;
  }

  /** A pure ACK from `dir` acknowledging everything the peer sent so far. */
  ack(dir: Direction, ts: number): number {
    if (this.reset) throw new Error('conversation already reset');
    const peer: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    return this.emit(dir, ts, TCP_ACK, this.nextSeq(dir), this.nextSeq(peer));
  }

  /**
   * FIN+ACK from `dir`; unless `peerAcks` is false, the peer then ACKs it. After this, `dir`
   * may not send data; the peer still may (half-close).
   */
  fin(dir: Direction, ts: number, options: { peerAcks?: boolean } = {}): number {
    this.checkOpen(dir);
    const peer: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    const seq = this.nextSeq(dir);
    let t = this.emit(dir, ts, TCP_FIN | TCP_ACK, seq, this.nextSeq(peer));
    const after = seqAdd(seq, 1);
    if (dir === 'c2s') {
      this.nextC2s = after;
      this.finC2s = true;
    } else {
      this.nextS2c = after;
      this.finS2c = true;
    }
    if (options.peerAcks ?? true) t = this.emit(peer, t, TCP_ACK, this.nextSeq(peer), after);
    return t;
  }

  /** RST+ACK from `dir`; the conversation is over afterwards. */
  rst(dir: Direction, ts: number): number {
    if (this.reset) throw new Error('conversation already reset');
    const peer: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    const t = this.emit(dir, ts, TCP_RST | TCP_ACK, this.nextSeq(dir), this.nextSeq(peer));
    this.reset = true;
    return t;
  }

  /** Escape hatch: writes one arbitrary segment from `dir` (see `RawSegment`). */
  segment(dir: Direction, ts: number, raw: RawSegment): number {
    const peer: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    const seq = raw.seq ?? this.nextSeq(dir);
    const t = this.emit(dir, ts, raw.flags, seq, raw.ack ?? this.nextSeq(peer), raw.payload);
    if (raw.seq === undefined && (raw.advance ?? true)) {
      const advance =
        (raw.payload?.length ?? 0) + ((raw.flags & TCP_SYN) !== 0 ? 1 : 0) + ((raw.flags & TCP_FIN) !== 0 ? 1 : 0);
      if (dir === 'c2s') this.nextC2s = seqAdd(this.nextC2s, advance);
      else this.nextS2c = seqAdd(this.nextS2c, advance);
    }
    return t;
  }

  private checkOpen(dir: Direction): void {
    if (this.reset) throw new Error('conversation already reset');
    if (this.finSent(dir)) throw new Error(`${dir} already sent FIN`);
  }

  private emit(
    dir: Direction,
    ts: number,
    flags: number,
    seq: number,
    ack: number,
    payload?: Uint8Array,
    mss?: number,
  ): number {
    const from = dir === 'c2s' ? this.client : this.server;
    const to = dir === 'c2s' ? this.server : this.client;
    let ipId: number;
    if (dir === 'c2s') ipId = this.ipIdC2s = (this.ipIdC2s + 1) & 0xffff;
    else ipId = this.ipIdS2c = (this.ipIdS2c + 1) & 0xffff;
    const frame = buildTcpFrame(
      {
        srcAddr: from.addr,
        dstAddr: to.addr,
        srcPort: from.port,
        dstPort: to.port,
        seq,
        ack,
        flags,
        window: this.window,
        payload,
        vlan: this.vlan,
        mss,
        ipId,
      },
      scratch,
    );
    this.writer.writePacket(ts, frame);
    this.counters.packets += 1;
    this.counters.payloadBytes += payload?.length ?? 0;
    return ts + this.step;
  }
}

function resolveOrder(order: SegmentOrder | undefined, count: number): readonly number[] {
  if (order === undefined) {
    const all = new Array<number>(count);
    for (let i = 0; i < count; i++) all[i] = i;
    return all;
  }
  const resolved = typeof order === 'function' ? order(count) : order;
  for (const index of resolved) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`segment index ${index} out of range 0..${count - 1}`);
    }
  }
  return resolved;
}

/** Deterministic 32-bit hash of two endpoints (FNV-1a over their text). */
function hashEndpoints(a: Endpoint, b: Endpoint): number {
  const text = `${a.addr}|${a.port}|${b.addr}|${b.port}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Emission order helper: every segment in order, but segments `i` and `i + 1` swapped. */
export function swapAdjacent(i: number): (count: number) => number[] {
  return (count) => {
    const order = [...Array(count).keys()];
    if (i + 1 < count) [order[i], order[i + 1]] = [order[i + 1], order[i]];
    return order;
  };
}

/** Emission order helper: every segment in order, segment `i` written again after `later` more segments. */
export function retransmit(i: number, later = 0): (count: number) => number[] {
  return (count) => {
    const order = [...Array(count).keys()];
    order.splice(Math.min(count, i + 1 + later), 0, i);
    return order;
  };
}

/** Emission order helper: every segment in order except `i` (lost by the capture). */
export function dropSegment(i: number): (count: number) => number[] {
  return (count) => [...Array(count).keys()].filter((k) => k !== i);
}
