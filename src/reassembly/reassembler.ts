/**
 * TCP reassembly: decoded {@link TcpSegment}s in, {@link FlowEvent}s out (see DESIGN.md).
 * Pure: no timers, no I/O; time comes only from the `ts` passed in. Events go to a sink
 * callback, synchronously and in order.
 *
 * Contract kept for every flow: exactly one `flow-start` first and one `flow-end` last; the
 * `data` and `gap` events of a direction tile its stream from offset 0, without overlap, in
 * increasing offset order; gaps are explicit, never zero-filled data; nothing is lost silently.
 * The policies (roles, offset 0, overlaps, when a hole becomes a gap, closing, expiry, bounds)
 * are the numbered rules of docs/reassembly.md; comments here cite them (R1..R20).
 */

import { DOUBLE_ZERO } from '../core/fields.js';
import { seqAdd, seqDiff } from '../core/seq.js';
import type { Direction, FlowEndReason, FlowEvent, FlowEventSink, FlowKey, Micros } from '../core/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types.js';
import { guessSenderIsClient } from './ports.js';
import { CapturedDataEvent } from './dataEvent.js';
import { SegmentBuffer, type BufferAccount, type InsertOutcome } from './segment-buffer.js';

/** Options of a {@link Reassembler}. */
export interface ReassemblerOptions {
  /** Receives every event, synchronously, in order. A data event and its `bytes` are valid only during the call. */
  emit: FlowEventSink;
  /** Cap on out-of-order bytes buffered by one flow (both directions). Default 2 MiB. */
  maxBufferedBytesPerFlow?: number;
  /** Cap on out-of-order bytes buffered by all flows together. Default 64 MiB. */
  maxBufferedBytesTotal?: number;
  /** A flow without packets for longer than this ends at the next `expireIdle`. Default 10 min. */
  idleTimeoutMicros?: number;
  /** Flow id generator. Default: a counter starting at 1. */
  nextFlowId?: () => number;
  /** How long late packets of a closed flow are ignored. Default 2 min. */
  closedLingerMicros?: number;
  /** Size of the recently-closed table. Default 16384. */
  maxRecentlyClosed?: number;
  /**
   * How long (capture time) a flow stays open after a RST so that the peer's data already in
   * flight is still delivered. Default 1 s; 0 ends the flow at the RST.
   */
  rstLingerMicros?: number;
  /**
   * Cap on open flows. A new flow that would exceed it first ends the least recently active open
   * flow (to within the activity step), reason 'evicted'. Default 500 000.
   */
  maxOpenFlows?: number;
  /**
   * Bits of the flow-table hash (1..30, default 30). Only speed depends on it, never the
   * events: tests use a few bits to force long hash chains.
   */
  flowHashBits?: number;
  /**
   * False: every segment takes the general path (the events are the same; a differential test
   * holds that). Default true: segments that only continue a stream take the short path.
   */
  fastPath?: boolean;
}

/** Counters of a {@link Reassembler}; all count from 0 (only `openFlows` and `bufferedBytes` shrink). */
export interface ReassemblyStats {
  /** Flows started. */
  readonly flows: number;
  /** Flows started and not ended yet. */
  readonly openFlows: number;
  /** Segments fed. */
  readonly segments: number;
  /** Payload bytes delivered in data events. */
  readonly payloadBytes: number;
  /** Gap events emitted. */
  readonly gaps: number;
  /** Bytes covered by gap events. */
  readonly gapBytes: number;
  /** Bytes received again (retransmissions, overlaps) and ignored. */
  readonly duplicateBytes: number;
  /** Overlaps whose bytes differed from the first copy. */
  readonly overlapConflicts: number;
  /** Note events emitted. */
  readonly notes: number;
  /** TCP keep-alive probes seen. */
  readonly keepAlives: number;
  /** Bytes before a direction's offset 0 (cannot be placed), dropped. */
  readonly unplaceableBytes: number;
  /** Bytes announced by truncated segments but not captured (part of gapBytes). */
  readonly truncatedBytes: number;
  /** Segments more than 1 GiB ahead of the next expected byte, ignored. */
  readonly outOfWindowSegments: number;
  /** Segments of recently closed flows, ignored. */
  readonly lateSegments: number;
  /** Bytes a side sent after the peer's FIN or RST (by sequence). */
  readonly bytesAfterPeerClose: number;
  /** Bytes a side sent beyond its own FIN, dropped. */
  readonly bytesAfterOwnFin: number;
  /** Bytes buffered right now (payload + 64 per piece). Never above the total cap between calls. */
  readonly bufferedBytes: number;
  /** Highest `bufferedBytes` seen between calls (within a call the total may pass the cap by one segment). */
  readonly peakBufferedBytes: number;
  /** Times a buffer bound forced a skip ahead (a gap). */
  readonly bufferLimitSkips: number;
  /** Flows ended because `maxOpenFlows` was reached (reason 'evicted', or 'rst' when lingering). */
  readonly evictedFlows: number;
  /** Segments handled whole by the fast path (part of `segments`). */
  readonly fastPathSegments: number;
}

type MutableStats = { -readonly [K in keyof ReassemblyStats]: number } & BufferAccount;

const DEFAULT_MAX_PER_FLOW = 2 * 1024 * 1024;
const DEFAULT_MAX_TOTAL = 64 * 1024 * 1024;
const DEFAULT_IDLE_TIMEOUT = 10 * 60 * 1_000_000;
const DEFAULT_CLOSED_LINGER = 2 * 60 * 1_000_000;
const DEFAULT_MAX_RECENTLY_CLOSED = 16384;
const DEFAULT_RST_LINGER = 1_000_000;
const DEFAULT_MAX_OPEN_FLOWS = 500_000;
/** Upper bound of the activity-list granularity (capture time); smaller for short idle timeouts. */
const MAX_ACTIVITY_STEP = 1_000_000;
/** Largest TCP window (scale 14); data further ahead is not believed. */
const MAX_AHEAD = 2 ** 30;
const MAX_CONFLICT_NOTES_PER_DIRECTION = 5;
/** Segments of a flow during which a mid-stream direction's offset 0 may still move back (R3). */
const REORDER_WINDOW_SEGMENTS = 8;
/** flow-end detail of a guessed flow whose handshake, stamped before it, comes later in the file. */
const OUT_OF_TIME_ORDER = 'capture out of time order: the handshake of this connection, stamped earlier, comes later in the file and starts a new flow';
/** Slots of the port-indexed lookup cache (a power of two). */
const PORT_CACHE_SIZE = 4096;

/** Slot of a flow in the port-indexed lookup cache: the same for both directions. */
function portSlot(portA: number, portB: number): number {
  return (portA ^ portB) & (PORT_CACHE_SIZE - 1);
}

/** Why the peer's side is considered closed, for the "data after close" note. */
interface PeerClose {
  readonly kind: 'FIN' | 'RST';
  readonly ackSeq: number;
  readonly hasAck: boolean;
  readonly ts: Micros;
}

/**
 * What one direction remembers for the notes on bytes sent after a close (its own FIN, the
 * peer's FIN or RST). Most flows never need it: a direction makes it on first use.
 */
class CloseNotes {
  peerClose: PeerClose | null = null;
  /** Highest end already counted in bytesAfterPeerClose. */
  afterPeerCloseCounted = 0;
  notedAfterPeerClose = false;
  /** The peer's RST when its FIN came first (else the RST is `peerClose`), for its own note. */
  peerReset: PeerClose | null = null;
  /** Offset from which bytes count as sent after that RST, or -1 (none, or unknown yet). */
  peerResetOffset = -1;
  notedAfterPeerReset = false;
  afterOwnFinCounted = 0;
  notedAfterOwnFin = false;
  /** True once the note on bytes before offset 0 was emitted. */
  notedBeforeStart = false;
}

/** The one empty buffer every direction holds until it must buffer (never inserted into). */
const EMPTY_BUFFER = new SegmentBuffer({ bufferedBytes: 0 }, { bufferedBytes: 0 });

/** State of one direction of a flow. */
class DirectionState {
  // Field initializers run in this order after `dir`: the fields read for every segment first,
  // so that they share the object's first cache lines.
  /** Next stream offset to deliver: everything before it was delivered or declared lost. */
  nextOffset = 0;
  /** Sequence number of `nextOffset` (mod 2^32). */
  nextSeq = DOUBLE_ZERO;
  /** True once offset 0 is fixed. */
  started = false;
  /** Stream offset of the FIN, or -1. */
  finOffset = -1;
  /** Offset from which bytes count as sent after the peer closed, or -1 (unknown yet). */
  peerCloseOffset = -1;
  /** Flow segment count when an ack beyond the hole start was seen (R7 pending), or -1. */
  ackLossArmedAt = -1;
  /** Highest offset of this direction the peer acknowledged, or -1. */
  peerAckOffset = -1;
  /** Highest stream end accepted (delivered or buffered). */
  maxEnd = 0;
  synSeen = false;
  /** End of the last gap emitted (0 before any). */
  lastGapEnd = 0;
  halfClosed = false;
  /**
   * While offset 0 is only the lowest sequence number seen so far (mid-stream start, R3): the
   * flow's segment count at which the reorder window ends; -1 once the start is known.
   * Nothing is delivered before that; an earlier segment moves offset 0 back.
   */
  tentativeUntil = -1;
  conflictNotes = 0;
  /** Out-of-order pieces; the shared empty buffer until something must wait (see {@link bufferFor}). */
  buffer: SegmentBuffer = EMPTY_BUFFER;
  /** What the "data after close" rules track, made when the first close or stray byte is seen. */
  close: CloseNotes | null = null;

  constructor(readonly dir: Direction) {}

  /** This direction's close notes, made on first use. */
  closeNotes(): CloseNotes {
    return (this.close ??= new CloseNotes());
  }

  /** The buffer to insert into: a private one (charged to `account` and `flow`) instead of the shared empty one. */
  bufferFor(account: BufferAccount, flow: BufferAccount): SegmentBuffer {
    if (this.buffer === EMPTY_BUFFER) this.buffer = new SegmentBuffer(account, flow);
    return this.buffer;
  }

  /** Drops an emptied private buffer (the direction holds the shared empty one again). */
  releaseEmptyBuffer(): void {
    this.buffer = EMPTY_BUFFER;
  }

  /**
   * The SYN's sequence number, when `synSeen`: offset 0 is always ISN+1 then (a SYN whose ISN+1
   * is not offset 0 of a started direction starts a new flow), so it is not stored.
   */
  get isn(): number {
    return seqAdd(this.nextSeq, -this.nextOffset - 1);
  }

  /** Stream offset of sequence number `seq` (valid within 2^31 of the next expected one). */
  offsetOf(seq: number): number {
    return this.nextOffset + seqDiff(seq, this.nextSeq);
  }

  /** Fixes offset 0 at sequence number `seq`. */
  start(seq: number): void {
    this.started = true;
    this.nextOffset = 0;
    this.nextSeq = seq;
  }
}

/**
 * One open flow. The fields read for every segment (the 4-tuple, the buffered total) are in the
 * flow itself: objects reached through it are cache misses on a big capture.
 */
class Flow implements BufferAccount {
  // Fields are laid out in the order the constructor assigns them: those read for every segment
  // first, so that they share the object's first cache lines.
  readonly id: number;
  /** The flow's 4-tuple and VLAN (its FlowKey went out in flow-start), for matching segments. */
  readonly clientAddr: string;
  readonly clientPort: number;
  readonly serverAddr: string;
  readonly serverPort: number;
  readonly vlan: number | undefined;
  /** Bytes buffered by both directions (payload + per-piece overhead). */
  bufferedBytes: number;
  readonly c2s: DirectionState;
  readonly s2c: DirectionState;
  /**
   * Reassembler clock when the flow last moved to the newest end of the activity list:
   * `touchedAt <= lastActive < touchedAt + activityStep`, and non-decreasing along the list.
   */
  touchedAt: Micros;
  /** Capture time of the flow's last packet. */
  lastSeen: Micros;
  /** Reassembler clock at the last packet of the flow. */
  lastActive: Micros;
  /** Segments of this flow fed so far. */
  segments: number;
  ended: boolean;
  readonly hash: number;
  readonly handshake: boolean;
  /** Capture time of the flow's first packet. */
  readonly firstSeen: Micros;
  /** The first RST of the flow, or null (no RST yet). */
  reset: ResetState | null;
  /** Neighbours in the activity list (oldest first), or null at its ends. */
  older: Flow | null;
  newer: Flow | null;
  /** Next flow with the same {@link flowHash} in the flow table, or null. */
  hashNext: Flow | null;

  constructor(
    id: number,
    key: FlowKey,
    hash: number,
    handshake: boolean,
    ts: Micros,
    clock: Micros,
  ) {
    this.id = id;
    this.clientAddr = key.client.addr;
    this.clientPort = key.client.port;
    this.serverAddr = key.server.addr;
    this.serverPort = key.server.port;
    this.vlan = key.vlan;
    this.bufferedBytes = 0;
    this.c2s = new DirectionState('c2s');
    this.s2c = new DirectionState('s2c');
    // Written twice on purpose: V8 treats a field that no object has rewritten yet as a constant,
    // and the first touch() (seconds into a capture) then deoptimised the functions that create
    // flows and the per-segment fast path. Rewriting it here makes it a variable from the first flow.
    this.touchedAt = DOUBLE_ZERO;
    this.touchedAt = clock;
    this.lastSeen = ts;
    this.lastActive = clock;
    this.segments = 0;
    this.ended = false;
    this.hash = hash;
    this.handshake = handshake;
    this.firstSeen = ts;
    this.reset = null;
    this.older = null;
    this.newer = null;
    this.hashNext = null;
  }
}

/** The first RST of a flow. */
interface ResetState {
  /** The direction whose sender reset the flow. */
  readonly by: DirectionState;
  /** Capture time of the RST. */
  readonly ts: Micros;
  /** Reassembler clock after which the flow ends, if still open. */
  readonly lingerDeadline: Micros;
}

/** What is remembered of a closed flow for R14 (late packets). */
interface ClosedFlow {
  readonly closedAt: Micros;
  readonly clientAddr: string;
  readonly clientPort: number;
  /** ISN of the client and server, or -1 when not seen. */
  readonly clientIsn: number;
  readonly serverIsn: number;
}

/**
 * Hash of one endpoint: address text and port (FNV-1a over the characters, then a murmur3
 * finalizer), seeded per reassembler so a crafted capture cannot aim at one chain.
 */
function endpointHash(seed: number, addr: string, port: number): number {
  let h = seed ^ port;
  for (let i = 0; i < addr.length; i++) h = Math.imul(h ^ addr.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Flow-table hash of a segment's 4-tuple + VLAN: the same for both directions (the endpoint
 * hashes are added), a small non-negative integer (a fast Map key). Equal tuples give equal
 * hashes; different ones may collide (the table chains them).
 */
function flowHash(seed: number, mask: number, segment: TcpSegment): number {
  let h = (endpointHash(seed, segment.srcAddr, segment.srcPort) + endpointHash(seed, segment.dstAddr, segment.dstPort)) | 0;
  const vlan = segment.vlan;
  if (vlan !== undefined) h = Math.imul(h ^ (vlan + 1), 0x9e3779b1);
  return h & mask;
}

/** Canonical text key of a 4-tuple + VLAN, the same for both directions (recently-closed table). */
function flowMapKey(aAddr: string, aPort: number, bAddr: string, bPort: number, vlan: number | undefined): string {
  const aFirst = aAddr < bAddr || (aAddr === bAddr && aPort <= bPort);
  const v = vlan === undefined ? '' : String(vlan);
  return aFirst ? `${v}|${aAddr}|${aPort}|${bAddr}|${bPort}` : `${v}|${bAddr}|${bPort}|${aAddr}|${aPort}`;
}

/** The recently-closed table's key of a flow. */
function closedKey(flow: Flow): string {
  return flowMapKey(flow.clientAddr, flow.clientPort, flow.serverAddr, flow.serverPort, flow.vlan);
}

/** `HH:MM:SS.mmm` (UTC) of a capture timestamp, for notes. */
export function formatClock(ts: Micros): string {
  const date = new Date(Math.floor(ts / 1000));
  return Number.isNaN(date.getTime()) ? String(ts) : date.toISOString().slice(11, 23);
}

function roleName(dir: Direction): string {
  return dir === 'c2s' ? 'client' : 'server';
}

/**
 * Turns TCP segments into flow events. Rules: docs/reassembly.md.
 *
 * - `feed(segment, ts)`: one decoded segment with its capture time (the segment and its payload
 *   are only read during the call; what must wait is copied).
 * - `expireIdle(now)`: ends reset flows whose linger time is over (reason 'rst') and flows idle
 *   longer than the idle timeout (reason 'timeout'); cheap enough to call often.
 * - `finish(ts)`: ends every open flow (reason 'timeout', detail 'capture ended'; 'rst' for a flow
 *   lingering after a RST).
 * - `stats`: live counters.
 */
export class Reassembler {
  private readonly sink: FlowEventSink;
  /** The one object of every data event this reassembler emits (FlowEventSink: valid during the call). */
  private readonly dataEvent = new CapturedDataEvent(0, 'c2s', 0, 0, DOUBLE_ZERO, -1, new Uint8Array(0), 0);
  private readonly maxPerFlow: number;
  private readonly maxTotal: number;
  private readonly idleTimeout: number;
  private readonly closedLinger: number;
  private readonly maxRecentlyClosed: number;
  private readonly nextFlowId: () => number;
  private readonly rstLinger: number;
  private readonly maxOpenFlows: number;
  /** Highest capture time fed so far (capture timestamps may step back a little). */
  private clock: Micros = Number.NEGATIVE_INFINITY;
  /** Reset flows waiting for their linger deadline, in deadline order (ended ones are skipped). */
  private lingering: Flow[] = [];
  private lingeringHead = 0;
  /** Linger deadline of `lingering[lingeringHead]`, +Infinity when the queue is empty. */
  private nextLingerDeadline: Micros = Number.POSITIVE_INFINITY;
  /**
   * Open flows in order of `touchedAt` (oldest first). A flow moves to the newest end only when
   * its packet comes `activityStep` or more after its last move, so the hot path rarely touches
   * the list, and the order is the order of last activity to within `activityStep`.
   */
  private oldest: Flow | null = null;
  private newest: Flow | null = null;
  private readonly activityStep: number;
  /** `now` of the last idle scan, and the least advance of `now` that makes another scan worth it. */
  private lastIdleScan: Micros = Number.NEGATIVE_INFINITY;
  private readonly idleScanStep: number;
  /**
   * Open flows by {@link flowHash}: the head of a chain linked by `Flow.hashNext` (a number key
   * per packet instead of building and hashing a text key).
   */
  private readonly flows = new Map<number, Flow>();
  private readonly hashSeed = (Math.random() * 0x1_0000_0000) | 0;
  private readonly hashMask: number;
  /** flowHash of the segment of the last lookup that missed (for startFlow). */
  private lookupHash = 0;
  private readonly recentlyClosed = new Map<string, ClosedFlow>();
  private readonly bufferedFlows = new Set<Flow>();
  private readonly insertOutcome: InsertOutcome = { duplicateBytes: 0, conflictOffset: -1 };
  /**
   * In each slot (see {@link portSlot}), the open flow last looked up or started there: a lookup
   * that hits here (checked with {@link matches}) costs no hashing of address text. Never holds
   * an ended flow.
   */
  private readonly byPorts: (Flow | null)[] = new Array<Flow | null>(PORT_CACHE_SIZE).fill(null);
  private readonly counters: MutableStats = {
    flows: 0,
    openFlows: 0,
    segments: 0,
    payloadBytes: 0,
    gaps: 0,
    gapBytes: 0,
    duplicateBytes: 0,
    overlapConflicts: 0,
    notes: 0,
    keepAlives: 0,
    unplaceableBytes: 0,
    truncatedBytes: 0,
    outOfWindowSegments: 0,
    lateSegments: 0,
    bytesAfterPeerClose: 0,
    bytesAfterOwnFin: 0,
    bufferedBytes: 0,
    peakBufferedBytes: 0,
    bufferLimitSkips: 0,
    evictedFlows: 0,
    fastPathSegments: 0,
  };

  constructor(options: ReassemblerOptions) {
    this.sink = options.emit;
    this.maxPerFlow = options.maxBufferedBytesPerFlow ?? DEFAULT_MAX_PER_FLOW;
    this.maxTotal = options.maxBufferedBytesTotal ?? DEFAULT_MAX_TOTAL;
    this.idleTimeout = options.idleTimeoutMicros ?? DEFAULT_IDLE_TIMEOUT;
    this.closedLinger = options.closedLingerMicros ?? DEFAULT_CLOSED_LINGER;
    this.maxRecentlyClosed = Math.max(0, options.maxRecentlyClosed ?? DEFAULT_MAX_RECENTLY_CLOSED);
    this.rstLinger = Math.max(0, options.rstLingerMicros ?? DEFAULT_RST_LINGER);
    this.maxOpenFlows = Math.max(1, options.maxOpenFlows ?? DEFAULT_MAX_OPEN_FLOWS);
    this.activityStep = Math.max(1, Math.min(MAX_ACTIVITY_STEP, this.idleTimeout / 8));
    this.idleScanStep = this.activityStep / 4;
    this.hashMask = 2 ** Math.max(1, Math.min(30, Math.floor(options.flowHashBits ?? 30))) - 1;
    let counter = 0;
    this.nextFlowId = options.nextFlowId ?? (() => ++counter);
    if (options.fastPath === false) {
      this.feed = (segment: TcpSegment, ts: Micros): void => this.feedAny(segment, ts, this.cachedFlow(segment));
    }
  }

  /** Live counters (the same object on every read; do not modify). */
  get stats(): ReassemblyStats {
    return this.counters;
  }

  /** Feeds one decoded TCP segment captured at `ts`. */
  feed(segment: TcpSegment, ts: Micros): void {
    const cached = this.cachedFlow(segment);
    if (cached === null || (segment.flags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0 || !this.continueEstablished(cached, segment, ts)) {
      this.feedAny(segment, ts, cached);
    }
  }

  /**
   * The common case, done whole or not at all (false: nothing was changed): a segment without
   * SYN, FIN or RST of an open flow found in the port cache, carrying nothing or, whole, the
   * bytes that continue its direction's stream; the flow has nothing buffered, no R7
   * pending, no close of this direction seen, and no touch of the activity list due; no
   * lingering flow is due. What {@link feedAny} does for such a segment, without its general
   * machinery: a small function, optimised early in a capture and rarely deoptimised.
   */
  private continueEstablished(flow: Flow, segment: TcpSegment, ts: Micros): boolean {
    const clock = ts > this.clock ? ts : this.clock;
    if (clock - flow.touchedAt >= this.activityStep) return false;
    if (this.nextLingerDeadline < clock) return false;
    const c2s = flow.c2s;
    const s2c = flow.s2c;
    if (flow.bufferedBytes !== 0 || c2s.ackLossArmedAt >= 0 || s2c.ackLossArmedAt >= 0) return false;
    const length = segment.payloadLength;
    if (segment.capturedLength !== length) return false;
    const fromClient = this.isFromClient(flow, segment);
    const d = fromClient ? c2s : s2c;
    const o = fromClient ? s2c : c2s;
    let start = 0;
    if (length > 0) {
      if (!d.started || d.finOffset >= 0 || d.peerCloseOffset >= 0 || d.tentativeUntil >= 0) return false;
      start = d.offsetOf(segment.seq);
      if (start !== d.nextOffset) return false;
    }
    const ackFor = (segment.flags & TCP_ACK) !== 0 && o.started ? o : null;
    // An ack past the peer's hole before its FIN may arm R7: the general path decides.
    if (ackFor !== null && o.finOffset > o.nextOffset) return false;

    this.counters.segments++;
    this.counters.fastPathSegments++;
    this.clock = clock;
    flow.lastSeen = ts;
    flow.lastActive = clock;
    flow.segments++;
    if (length > 0) {
      if (start + length > d.maxEnd) d.maxEnd = start + length;
      this.emitData(flow, d, segment.payloadBuffer, segment.payloadStart, length, ts, segment.payloadFileOffset);
    } else if (d.started && d.offsetOf(segment.seq) === d.nextOffset - 1) {
      this.counters.keepAlives++;
    }
    if (ackFor !== null) {
      const ackOffset = ackFor.offsetOf(segment.ack);
      if (ackOffset > ackFor.peerAckOffset) ackFor.peerAckOffset = ackOffset;
    }
    return true;
  }

  /** Any segment: the general path. `cached`: the segment's flow found in the port cache, or null. */
  private feedAny(segment: TcpSegment, ts: Micros, cached: Flow | null): void {
    this.counters.segments++;
    if (ts > this.clock) this.clock = ts;
    if (this.nextLingerDeadline < this.clock) {
      this.endLingering(this.clock);
      if (cached !== null && cached.ended) cached = null;
    }
    let flow = cached ?? this.lookup(segment);
    const flags = segment.flags;
    if (flow === null) {
      const mapKey = flowMapKey(segment.srcAddr, segment.srcPort, segment.dstAddr, segment.dstPort, segment.vlan);
      const closed = this.recentlyClosed.get(mapKey);
      if (closed !== undefined) {
        if (ts - closed.closedAt <= this.closedLinger && !this.isNewSynAfterClose(segment, closed, ts)) {
          this.counters.lateSegments++;
          return;
        }
        this.recentlyClosed.delete(mapKey);
      }
      flow = this.startFlow(segment, this.lookupHash, ts);
    } else if ((flags & TCP_SYN) !== 0 && this.synStartsNewConnection(flow, segment)) {
      // A SYN stamped before a guessed flow's first packet is no later connection reusing the
      // ports: the file is out of time order and this is the connection's own handshake, met late.
      const detail = !flow.handshake && ts < flow.firstSeen ? OUT_OF_TIME_ORDER : 'ports reused by a new connection (new SYN)';
      this.endOpenFlow(flow, ts, 'timeout', detail);
      this.recentlyClosed.delete(closedKey(flow));
      flow = this.startFlow(segment, flow.hash, ts);
    }
    flow.lastSeen = ts;
    const clock = this.clock;
    flow.lastActive = clock;
    if (clock - flow.touchedAt >= this.activityStep) this.touch(flow, clock);
    flow.segments++;
    this.process(flow, segment, ts);
    if (!flow.ended) {
      if (flow.c2s.tentativeUntil >= 0 && flow.segments >= flow.c2s.tentativeUntil) this.confirmStart(flow, flow.c2s, ts);
      if (flow.s2c.tentativeUntil >= 0 && flow.segments >= flow.s2c.tentativeUntil) this.confirmStart(flow, flow.s2c, ts);
      if (flow.c2s.ackLossArmedAt >= 0) this.resolvePendingAck(flow, flow.c2s, ts);
      if (flow.s2c.ackLossArmedAt >= 0) this.resolvePendingAck(flow, flow.s2c, ts);
      if (flow.bufferedBytes > 0) this.enforceBounds(flow, ts);
      this.endIfClosed(flow, ts);
    }
    const counters = this.counters;
    if (counters.bufferedBytes > counters.peakBufferedBytes) counters.peakBufferedBytes = counters.bufferedBytes;
  }

  /**
   * Ends the reset flows whose linger time is over at `now` (reason 'rst'), then (reason
   * 'timeout', detail 'idle') every flow without packets for longer than the idle timeout
   * (measured on the highest capture time fed, so timestamps stepping back do not age flows).
   * Cost: O(flows ended + flows touched within one `activityStep` of the cutoff), and the idle
   * scan runs only when `now` advanced by a quarter step (at most 250 ms) since the last one, so
   * a flow may end up to that much after its timeout. Call it as often as convenient.
   */
  expireIdle(now: Micros): void {
    this.endLingering(now);
    if (!(now >= this.lastIdleScan && now - this.lastIdleScan < this.idleScanStep)) {
      this.lastIdleScan = now;
      const cutoff = now - this.idleTimeout;
      // touchedAt <= lastActive: nothing after the first flow touched at or after the cutoff is idle.
      let flow = this.oldest;
      while (flow !== null && flow.touchedAt < cutoff) {
        const newer = flow.newer;
        if (flow.lastActive < cutoff) this.endOpenFlow(flow, now, 'timeout', 'idle');
        flow = newer;
      }
    }
    for (const [key, closed] of this.recentlyClosed) {
      if (now - closed.closedAt <= this.closedLinger) break;
      this.recentlyClosed.delete(key);
    }
  }

  /**
   * Ends every open flow (buffers flushed with gaps): reason 'rst' for flows lingering after a
   * RST, else reason 'timeout', detail 'capture ended'.
   */
  finish(ts: Micros): void {
    let flow = this.oldest;
    while (flow !== null) {
      const newer = flow.newer;
      this.endOpenFlow(flow, ts, 'timeout', 'capture ended');
      flow = newer;
    }
    this.lingering = [];
    this.lingeringHead = 0;
    this.nextLingerDeadline = Number.POSITIVE_INFINITY;
  }

  /** Ends an open flow for `reason`, or with reason 'rst' when it is lingering after a RST. */
  private endOpenFlow(flow: Flow, ts: Micros, reason: FlowEndReason, detail: string): void {
    if (flow.reset !== null) this.endReset(flow);
    else this.endFlow(flow, ts, reason, detail);
  }

  /**
   * Ends the oldest flow of the activity list (the least recently active to within one activity
   * step), buffers flushed with gaps; it is not remembered as recently closed, so later packets
   * of it start a new (guessed) flow instead of being ignored.
   */
  private evictLeastActive(ts: Micros): void {
    const victim = this.oldest;
    if (victim === null) return;
    this.counters.evictedFlows++;
    this.endOpenFlow(victim, ts, 'evicted', `more than ${this.maxOpenFlows} open flows: the least recently active one ends`);
    this.recentlyClosed.delete(closedKey(victim));
  }

  /** Takes an ending flow out of the flow table (its hash chain). */
  private removeFromTable(flow: Flow): void {
    const head = this.flows.get(flow.hash);
    if (head === flow) {
      if (flow.hashNext === null) this.flows.delete(flow.hash);
      else this.flows.set(flow.hash, flow.hashNext);
    } else {
      let before = head ?? null;
      while (before !== null && before.hashNext !== flow) before = before.hashNext;
      if (before !== null) before.hashNext = flow.hashNext;
    }
    flow.hashNext = null;
  }

  // ---- activity list ----

  /** Appends a new flow at the newest end of the activity list. */
  private appendActive(flow: Flow): void {
    const newest = this.newest;
    flow.older = newest;
    flow.newer = null;
    if (newest === null) this.oldest = flow;
    else newest.newer = flow;
    this.newest = flow;
  }

  /** Takes a flow out of the activity list. */
  private unlinkActive(flow: Flow): void {
    const older = flow.older;
    const newer = flow.newer;
    if (older === null) this.oldest = newer;
    else older.newer = newer;
    if (newer === null) this.newest = older;
    else newer.older = older;
    flow.older = null;
    flow.newer = null;
  }

  /** Moves a flow to the newest end of the activity list (clock: the highest time fed). */
  private touch(flow: Flow, clock: Micros): void {
    flow.touchedAt = clock;
    if (this.newest === flow) return;
    this.unlinkActive(flow);
    this.appendActive(flow);
  }

  /** Ends the reset flows whose linger deadline is before `now`, oldest first. */
  private endLingering(now: Micros): void {
    const queue = this.lingering;
    let head = this.lingeringHead;
    while (head < queue.length) {
      const flow = queue[head];
      if (!flow.ended) {
        if (flow.reset!.lingerDeadline >= now) break;
        this.endReset(flow);
      }
      head++;
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head >= 1024 && head * 2 >= queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.lingeringHead = head;
    this.nextLingerDeadline = head < queue.length ? queue[head].reset!.lingerDeadline : Number.POSITIVE_INFINITY;
  }

  /** Ends a flow that was reset: reason 'rst', at its last packet. */
  private endReset(flow: Flow): void {
    const reset = flow.reset!;
    this.endFlow(flow, Math.max(reset.ts, flow.lastSeen), 'rst', `reset by ${roleName(reset.by.dir)}`);
  }

  // ---- flow table ----

  /** The segment's open flow when the port cache holds it, else null. */
  private cachedFlow(segment: TcpSegment): Flow | null {
    const recent = this.byPorts[portSlot(segment.srcPort, segment.dstPort)];
    return recent !== null && this.matches(recent, segment) ? recent : null;
  }

  /** The segment's open flow from the hashed table (the port cache missed), or null; caches a hit. */
  private lookup(segment: TcpSegment): Flow | null {
    const slot = portSlot(segment.srcPort, segment.dstPort);
    const hash = flowHash(this.hashSeed, this.hashMask, segment);
    let flow = this.flows.get(hash);
    while (flow !== undefined && !this.matches(flow, segment)) flow = flow.hashNext ?? undefined;
    if (flow !== undefined) {
      this.byPorts[slot] = flow;
      return flow;
    }
    this.lookupHash = hash;
    return null;
  }

  private matches(flow: Flow, segment: TcpSegment): boolean {
    if (flow.vlan !== segment.vlan) return false;
    const srcPort = segment.srcPort;
    const dstPort = segment.dstPort;
    if (srcPort === flow.clientPort && dstPort === flow.serverPort && segment.srcAddr === flow.clientAddr && segment.dstAddr === flow.serverAddr) {
      return true;
    }
    return srcPort === flow.serverPort && dstPort === flow.clientPort && segment.srcAddr === flow.serverAddr && segment.dstAddr === flow.clientAddr;
  }

  private isFromClient(flow: Flow, segment: TcpSegment): boolean {
    // A self-connection (client endpoint == server endpoint) counts as client to server.
    return segment.srcPort === flow.clientPort && segment.srcAddr === flow.clientAddr;
  }

  private startFlow(segment: TcpSegment, hash: number, ts: Micros): Flow {
    const flags = segment.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    const senderIsClient = syn ? !ack : guessSenderIsClient(segment.srcPort, segment.dstPort);
    const src = { addr: segment.srcAddr, port: segment.srcPort };
    const dst = { addr: segment.dstAddr, port: segment.dstPort };
    const client = senderIsClient ? src : dst;
    const server = senderIsClient ? dst : src;
    const key: FlowKey =
      segment.vlan === undefined ? { client, server } : { client, server, vlan: segment.vlan };
    if (this.counters.openFlows >= this.maxOpenFlows) this.evictLeastActive(ts);
    const flow = new Flow(this.nextFlowId(), key, hash, syn, ts, this.clock);
    flow.hashNext = this.flows.get(hash) ?? null;
    this.flows.set(hash, flow);
    this.appendActive(flow);
    this.byPorts[portSlot(segment.srcPort, segment.dstPort)] = flow;
    this.counters.flows++;
    this.counters.openFlows++;
    this.sink({ type: 'flow-start', flowId: flow.id, key, ts, origin: 'capture', sawHandshake: syn });
    return flow;
  }

  /** A SYN on a closed 4-tuple starts a new flow unless it repeats the closed flow's ISN. */
  private isNewSynAfterClose(segment: TcpSegment, closed: ClosedFlow, ts: Micros): boolean {
    const flags = segment.flags;
    if ((flags & TCP_SYN) === 0) return false;
    // A plain SYN sent after the close opens a new connection even with the old ISN (stacks
    // that reuse it, crafted captures): dropping it would lose a whole connection without a
    // word. One stamped before the close is the old connection's, late in a reordered file.
    if ((flags & TCP_ACK) === 0) return ts >= closed.closedAt;
    const fromClient = segment.srcAddr === closed.clientAddr && segment.srcPort === closed.clientPort;
    const oldIsn = fromClient ? closed.clientIsn : closed.serverIsn;
    return oldIsn !== segment.seq;
  }

  /** True when a SYN on an open flow belongs to a new connection reusing the ports. */
  private synStartsNewConnection(flow: Flow, segment: TcpSegment): boolean {
    const d = this.isFromClient(flow, segment) ? flow.c2s : flow.s2c;
    if (d.synSeen) return d.isn !== segment.seq;
    // A first SYN of this side whose ISN+1 is exactly this direction's offset 0 belongs to the
    // flow (a SYN captured after the SYN-ACK or after the first data).
    if (d.started) {
      const offset = d.offsetOf(seqAdd(segment.seq, 1));
      // A SYN captured after a mid-stream start whose offset 0 is still tentative: it moves it back.
      if (d.tentativeUntil >= 0 && offset < 0 && offset >= -MAX_AHEAD) return false;
      return offset !== 0;
    }
    // Simultaneous open: the peer's SYN started the flow and this side has sent nothing yet.
    return !flow.handshake;
  }

  // ---- per segment ----

  private process(flow: Flow, segment: TcpSegment, ts: Micros): void {
    const fromClient = this.isFromClient(flow, segment);
    const d = fromClient ? flow.c2s : flow.s2c;
    const o = fromClient ? flow.s2c : flow.c2s;
    const flags = segment.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    const hasAck = (flags & TCP_ACK) !== 0;

    if (syn) {
      if (!d.synSeen) {
        d.synSeen = true;
        if (!d.started) this.startDirection(d, seqAdd(segment.seq, 1));
        else if (d.tentativeUntil >= 0) this.moveStartBack(d, seqAdd(segment.seq, 1));
        this.confirmStart(flow, d, ts);
      }
      if (hasAck && !o.started) this.startDirection(o, segment.ack);
    }
    const dataSeq = syn ? seqAdd(segment.seq, 1) : segment.seq;
    const length = Math.max(segment.payloadLength, segment.capturedLength);
    if (!d.started && (length > 0 || fin)) {
      this.startDirection(d, dataSeq);
      // R3: without a SYN, offset 0 is tentative while an earlier segment may still come.
      if (d.close === null && flow.reset === null) d.tentativeUntil = flow.segments + REORDER_WINDOW_SEGMENTS;
    }

    if (length > 0) {
      this.acceptData(flow, d, d.offsetOf(dataSeq), segment, length, ts);
      if (rst) this.note(flow, ts, `RST carried ${length} bytes`);
    } else if (d.started && !syn && !fin && !rst && d.offsetOf(dataSeq) === d.nextOffset - 1) {
      this.counters.keepAlives++;
    }

    if (hasAck && o.started) {
      if (o.tentativeUntil >= 0) {
        // R3: the receiver's ack says where the stream stands: bytes before it were received
        // (offset 0 stays), bytes from it on are still to come (offset 0 moves back to it).
        const acked = o.offsetOf(segment.ack);
        if (acked < 0 && acked >= -MAX_AHEAD) this.moveStartBack(o, segment.ack);
        this.confirmStart(flow, o, ts);
      }
      const ackOffset = o.offsetOf(segment.ack);
      if (ackOffset > o.peerAckOffset) o.peerAckOffset = ackOffset;
      // R7 is applied after the NEXT segment of the flow (see resolvePendingAcks).
      if (ackOffset > o.nextOffset && o.ackLossArmedAt < 0 && (!o.buffer.isEmpty || o.finOffset > o.nextOffset)) {
        o.ackLossArmedAt = flow.segments;
      }
    }

    if (fin && d.started) {
      this.confirmStart(flow, d, ts);
      this.setFin(flow, d, d.offsetOf(dataSeq) + length, ts);
      // After a RST, a FIN says nothing about when the other side's bytes were sent.
      if (flow.reset === null) this.setPeerClose(flow, o, { kind: 'FIN', ackSeq: segment.ack, hasAck, ts });
    }
    if (rst) {
      this.confirmStart(flow, d, ts);
      this.confirmStart(flow, o, ts);
      this.onReset(flow, d, o, segment, ts);
    }
  }

  /**
   * R3: moves a tentative offset 0 back to sequence number `seq` (before it). Nothing of the
   * direction was delivered yet: the buffered pieces and the highest end move with it.
   */
  private moveStartBack(d: DirectionState, seq: number): void {
    const delta = -d.offsetOf(seq);
    d.nextSeq = seq;
    d.maxEnd += delta;
    d.buffer.moveOffsets(delta);
  }

  /** R3: the start of a tentative direction is known now: what waited is delivered. */
  private confirmStart(flow: Flow, d: DirectionState, ts: Micros): void {
    if (d.tentativeUntil < 0) return;
    d.tentativeUntil = -1;
    this.drain(flow, d, ts);
    if (!d.buffer.isEmpty) this.bufferedFlows.add(flow);
  }

  /**
   * A RST from the sender of d: the first one starts the linger time (the peer's bytes already in
   * flight still count), unless the peer has finished sending already; a RST from the peer during
   * the linger ends the flow at once. Repeated RSTs of the same side change nothing.
   */
  private onReset(flow: Flow, d: DirectionState, o: DirectionState, segment: TcpSegment, ts: Micros): void {
    if (flow.reset === null) {
      const hasAck = (segment.flags & TCP_ACK) !== 0;
      this.setPeerClose(flow, o, { kind: 'RST', ackSeq: segment.ack, hasAck, ts });
      const lingerDeadline = this.clock + this.rstLinger;
      flow.reset = { by: d, ts, lingerDeadline };
      if (this.rstLinger === 0 || o.halfClosed) {
        this.endReset(flow);
      } else {
        if (this.lingeringHead === this.lingering.length) this.nextLingerDeadline = lingerDeadline;
        this.lingering.push(flow);
      }
    } else if (flow.reset.by !== d) {
      this.endReset(flow);
    }
  }

  private startDirection(d: DirectionState, seq: number): void {
    d.start(seq);
    const notes = d.close;
    if (notes === null) return;
    const close = notes.peerClose;
    if (close !== null && d.peerCloseOffset < 0) {
      d.peerCloseOffset = close.hasAck ? Math.max(0, d.offsetOf(close.ackSeq)) : 0;
      notes.afterPeerCloseCounted = d.peerCloseOffset;
    }
    const reset = notes.peerReset;
    if (reset !== null && notes.peerResetOffset < 0) {
      notes.peerResetOffset = reset.hasAck ? Math.max(0, d.offsetOf(reset.ackSeq)) : 0;
    }
  }

  /**
   * Places the bytes `[start, start + length)` of direction d; the segment's payload holds the
   * captured prefix.
   */
  private acceptData(flow: Flow, d: DirectionState, start: number, segment: TcpSegment, length: number, ts: Micros): void {
    const fileOffset = segment.payloadFileOffset;
    const payload = segment.payload;
    const counters = this.counters;
    if (length <= 1 && start === d.nextOffset - 1) {
      counters.keepAlives++;
      return;
    }
    if (start < 0) {
      if (d.tentativeUntil >= 0 && start >= -MAX_AHEAD) {
        this.moveStartBack(d, segment.seq);
        start = 0;
      } else {
        this.noteBeforeStart(flow, d, Math.min(-start, length), ts);
      }
    }
    if (start - Math.max(d.nextOffset, d.peerAckOffset) > MAX_AHEAD) {
      counters.outOfWindowSegments++;
      return;
    }
    let end = start + length;
    if (d.finOffset >= 0 && end > d.finOffset) {
      const from = Math.max(start, d.finOffset, d.close?.afterOwnFinCounted ?? 0);
      if (end > from) this.reportAfterOwnFin(flow, d, end - from, end, ts);
      end = d.finOffset;
    }
    if (d.peerCloseOffset >= 0 && end > d.peerCloseOffset) {
      const notes = d.closeNotes();
      const from = Math.max(start, d.peerCloseOffset, notes.afterPeerCloseCounted);
      if (end > from) this.reportAfterPeerClose(flow, d, end - from, end);
      if (notes.peerResetOffset >= 0 && end > notes.peerResetOffset && !notes.notedAfterPeerReset) {
        this.noteAfterPeerReset(flow, d, end - Math.max(start, notes.peerResetOffset));
      }
    }
    if (end <= d.nextOffset) {
      if (end > start) this.countDropped(start, end, d.nextOffset);
      return;
    }
    if (end > d.maxEnd) d.maxEnd = end;
    const capturedEnd = Math.min(end, start + payload.length);
    if (capturedEnd > start) this.placePiece(flow, d, start, capturedEnd, payload, start, fileOffset, ts);
    if (end > capturedEnd) {
      const missingStart = Math.max(capturedEnd, start, d.nextOffset);
      if (end > missingStart) counters.truncatedBytes += end - missingStart;
      this.placePiece(flow, d, Math.max(capturedEnd, start), end, null, start, -1, ts);
    }
    this.drain(flow, d, ts);
    if (!d.buffer.isEmpty) this.bufferedFlows.add(flow);
  }

  /** Counts `[start, end)` (all before `next`) as unplaceable (< 0) or duplicate. */
  private countDropped(start: number, end: number, next: number): void {
    const bound = Math.min(end, next);
    if (start < 0) {
      this.counters.unplaceableBytes += Math.min(bound, 0) - start;
      if (bound > 0) this.counters.duplicateBytes += bound;
    } else {
      this.counters.duplicateBytes += bound - start;
    }
  }

  /** Delivers or buffers `[start, end)`; `src` (null: known missing) holds offset `srcStart` onwards. */
  private placePiece(
    flow: Flow,
    d: DirectionState,
    start: number,
    end: number,
    src: Uint8Array | null,
    srcStart: number,
    fileOffset: number,
    ts: Micros,
  ): void {
    if (start < d.nextOffset) {
      this.countDropped(start, Math.min(end, d.nextOffset), d.nextOffset);
      start = d.nextOffset;
      if (start >= end) return;
    }
    if (start === d.nextOffset && d.tentativeUntil < 0) {
      const head = d.buffer.firstOffset();
      if (end <= head) {
        this.deliverDirect(flow, d, start, end, src, srcStart, fileOffset, ts);
        return;
      }
      if (head > start) {
        this.deliverDirect(flow, d, start, head, src, srcStart, fileOffset, ts);
        start = head;
      }
    }
    const outcome = this.insertOutcome;
    d.bufferFor(this.counters, flow).insert(start, end, src, srcStart, ts, fileOffset, outcome);
    this.counters.duplicateBytes += outcome.duplicateBytes;
    if (outcome.conflictOffset >= 0) {
      this.counters.overlapConflicts++;
      if (d.conflictNotes < MAX_CONFLICT_NOTES_PER_DIRECTION) {
        d.conflictNotes++;
        const more =
          d.conflictNotes === MAX_CONFLICT_NOTES_PER_DIRECTION
            ? '; further conflicts in this direction are counted, not noted'
            : '';
        this.note(
          flow,
          ts,
          `retransmission at ${d.dir} offset ${outcome.conflictOffset} carries different bytes (first copy kept)${more}`,
        );
      }
    }
  }

  private deliverDirect(
    flow: Flow,
    d: DirectionState,
    start: number,
    end: number,
    src: Uint8Array | null,
    srcStart: number,
    fileOffset: number,
    ts: Micros,
  ): void {
    if (src === null) {
      this.emitGap(flow, d, end - start, ts);
      return;
    }
    const from = start - srcStart;
    this.emitData(flow, d, src, from, end - start, ts, fileOffset >= 0 ? fileOffset + from : -1);
  }

  /** Delivers buffered pieces that now continue the stream, then checks the FIN. */
  private drain(flow: Flow, d: DirectionState, ts: Micros): void {
    if (d.tentativeUntil >= 0) return;
    const buffer = d.buffer;
    while (!buffer.isEmpty && buffer.firstOffset() === d.nextOffset) {
      const piece = buffer.shift()!;
      if (piece.bytes === null) this.emitGap(flow, d, piece.end - piece.offset, piece.ts);
      else this.emitData(flow, d, piece.bytes, 0, piece.bytes.length, piece.ts, piece.fileOffset);
    }
    if (buffer.isEmpty) d.releaseEmptyBuffer();
    if (d.finOffset >= 0 && !d.halfClosed && d.nextOffset >= d.finOffset) {
      d.halfClosed = true;
      this.sink({ type: 'half-close', flowId: flow.id, dir: d.dir, ts });
    }
  }

  /**
   * R7, one segment of grace: an ack beyond the hole start was seen in an earlier segment of
   * this flow, and the segment just processed did not fill the hole either. (Captures reorder a
   * little: multi-queue NICs, IP fragments completed late; the grace lets the missing bytes arrive
   * right after the ack.)
   */
  private resolvePendingAck(flow: Flow, d: DirectionState, ts: Micros): void {
    if (flow.segments <= d.ackLossArmedAt) return;
    d.ackLossArmedAt = -1;
    if (d.peerAckOffset > d.nextOffset) this.resolveByAck(flow, d, ts);
  }

  /**
   * R7: a segment just captured acknowledges beyond the hole start, so the hole will not be
   * filled: gap up to the highest ack or the next buffered byte (or the FIN), then deliver.
   */
  private resolveByAck(flow: Flow, d: DirectionState, ts: Micros): void {
    while (d.peerAckOffset > d.nextOffset) {
      let holeEnd = d.buffer.firstOffset();
      if (holeEnd === Infinity) {
        if (d.finOffset > d.nextOffset) holeEnd = d.finOffset;
        else return;
      }
      this.emitGap(flow, d, Math.min(holeEnd, d.peerAckOffset) - d.nextOffset, ts);
      this.drain(flow, d, ts);
    }
  }

  /** Skips to the first buffered piece of d (gap), then delivers what follows. */
  private skipAhead(flow: Flow, d: DirectionState, ts: Micros): void {
    this.confirmStart(flow, d, ts);
    const head = d.buffer.firstOffset();
    if (head === Infinity) return;
    this.counters.bufferLimitSkips++;
    if (head > d.nextOffset) this.emitGap(flow, d, head - d.nextOffset, ts);
    this.drain(flow, d, ts);
  }

  /** R8: keeps the flow and the total under their buffer bounds. */
  private enforceBounds(flow: Flow, ts: Micros): void {
    while (flow.bufferedBytes > this.maxPerFlow) {
      this.skipAhead(flow, flow.c2s.buffer.cost >= flow.s2c.buffer.cost ? flow.c2s : flow.s2c, ts);
    }
    while (this.counters.bufferedBytes > this.maxTotal) {
      let biggest: Flow | null = null;
      for (const candidate of this.bufferedFlows) {
        if (candidate.bufferedBytes === 0) this.bufferedFlows.delete(candidate);
        else if (biggest === null || candidate.bufferedBytes > biggest.bufferedBytes) biggest = candidate;
      }
      if (biggest === null) break;
      this.skipAhead(biggest, biggest.c2s.buffer.cost >= biggest.s2c.buffer.cost ? biggest.c2s : biggest.s2c, ts);
      if (biggest !== flow) this.endIfClosed(biggest, ts);
    }
    if (flow.bufferedBytes === 0) this.bufferedFlows.delete(flow);
  }

  private setFin(flow: Flow, d: DirectionState, finOffset: number, ts: Micros): void {
    if (d.finOffset >= 0 || finOffset < 0) return; // first FIN wins; a FIN before offset 0 is ignored
    d.finOffset = finOffset;
    if (d.maxEnd > finOffset) {
      this.reportAfterOwnFin(flow, d, this.bytesSeenFrom(d, finOffset), d.maxEnd, ts);
      d.buffer.truncateFrom(finOffset);
      d.maxEnd = finOffset;
    }
    this.drain(flow, d, ts);
  }

  /** Records that the peer of direction d closed (FIN or RST) and reports bytes of d beyond it. */
  private setPeerClose(flow: Flow, d: DirectionState, close: PeerClose): void {
    this.confirmStart(flow, d, close.ts);
    const notes = d.closeNotes();
    if (notes.peerClose !== null) {
      if (close.kind === 'RST' && notes.peerClose.kind === 'FIN') this.setPeerReset(flow, d, close);
      return;
    }
    notes.peerClose = close;
    if (!d.started) return; // computed when d starts
    const acked = close.hasAck ? d.offsetOf(close.ackSeq) : -1;
    // An ack before offset 0 is implausible here: count only what comes from now on.
    d.peerCloseOffset = acked >= 0 ? acked : d.maxEnd;
    notes.afterPeerCloseCounted = d.peerCloseOffset;
    if (d.maxEnd > d.peerCloseOffset) {
      this.reportAfterPeerClose(flow, d, this.bytesSeenFrom(d, d.peerCloseOffset), d.maxEnd);
    }
  }

  /**
   * Records the peer's RST after its FIN: bytes of d beyond the RST's ack crossed the reset (they
   * are already counted as sent after the FIN, but the user should see they met a reset).
   */
  private setPeerReset(flow: Flow, d: DirectionState, close: PeerClose): void {
    const notes = d.closeNotes();
    notes.peerReset = close;
    if (!d.started) return; // computed when d starts
    const acked = close.hasAck ? d.offsetOf(close.ackSeq) : -1;
    notes.peerResetOffset = acked >= 0 ? acked : d.maxEnd;
    if (d.maxEnd > notes.peerResetOffset) this.noteAfterPeerReset(flow, d, this.bytesSeenFrom(d, notes.peerResetOffset));
  }

  /** Notes (once per direction) `count` bytes of d sent after the peer's RST that followed its FIN. */
  private noteAfterPeerReset(flow: Flow, d: DirectionState, count: number): void {
    const notes = d.closeNotes();
    if (count <= 0 || notes.notedAfterPeerReset) return;
    notes.notedAfterPeerReset = true;
    const peer = roleName(d.dir === 'c2s' ? 's2c' : 'c2s');
    this.note(flow, flow.lastSeen, `${d.dir} sent ${count} bytes after the ${peer} reset the connection (RST at ${formatClock(notes.peerReset!.ts)})`);
  }

  /**
   * Bytes of d seen at or after `offset`: buffered ones, plus delivered ones after the last gap
   * (an undercount when a gap lies beyond `offset`, never an overcount).
   */
  private bytesSeenFrom(d: DirectionState, offset: number): number {
    return d.buffer.bytesFrom(offset) + Math.max(0, d.nextOffset - Math.max(offset, d.lastGapEnd));
  }

  /** Counts `count` bytes of d sent after the peer closed (up to stream offset `countedEnd`); notes the first. */
  private reportAfterPeerClose(flow: Flow, d: DirectionState, count: number, countedEnd: number): void {
    const notes = d.closeNotes();
    notes.afterPeerCloseCounted = Math.max(notes.afterPeerCloseCounted, countedEnd);
    if (count <= 0) return;
    this.counters.bytesAfterPeerClose += count;
    if (notes.notedAfterPeerClose) return;
    notes.notedAfterPeerClose = true;
    const close = notes.peerClose!;
    const peer = roleName(d.dir === 'c2s' ? 's2c' : 'c2s');
    const what = close.kind === 'FIN' ? 'closed' : 'reset the connection';
    this.note(flow, flow.lastSeen, `${d.dir} sent ${count} bytes after the ${peer} ${what} (${close.kind} at ${formatClock(close.ts)})`);
  }

  /** R3: notes (once per direction) that `count` bytes of d came before its offset 0 and are dropped. */
  private noteBeforeStart(flow: Flow, d: DirectionState, count: number, ts: Micros): void {
    const notes = d.closeNotes();
    if (notes.notedBeforeStart) return;
    notes.notedBeforeStart = true;
    const why = d.synSeen ? 'before its SYN' : 'after its start was settled';
    this.note(flow, ts, `${d.dir} sent ${count} bytes before its stream offset 0 (${why}): dropped`);
  }

  /** Counts `count` bytes of d beyond its own FIN (up to stream offset `countedEnd`); notes the first. */
  private reportAfterOwnFin(flow: Flow, d: DirectionState, count: number, countedEnd: number, ts: Micros): void {
    const notes = d.closeNotes();
    notes.afterOwnFinCounted = Math.max(notes.afterOwnFinCounted, countedEnd);
    if (count <= 0) return;
    this.counters.bytesAfterOwnFin += count;
    if (notes.notedAfterOwnFin) return;
    notes.notedAfterOwnFin = true;
    this.note(flow, ts, `${d.dir} sent ${count} bytes after its own FIN (FIN at offset ${d.finOffset})`);
  }

  // ---- ending ----

  /**
   * Ends the flow when nothing more can come: both directions half-closed (reason 'fin'), or,
   * after a RST, the side that did not reset has half-closed (reason 'rst').
   */
  private endIfClosed(flow: Flow, ts: Micros): void {
    if (flow.ended) return;
    const reset = flow.reset;
    if (reset !== null) {
      if ((reset.by === flow.c2s ? flow.s2c : flow.c2s).halfClosed) this.endReset(flow);
    } else if (flow.c2s.halfClosed && flow.s2c.halfClosed) {
      this.endFlow(flow, ts, 'fin');
    }
  }

  /** R9: flushes both directions with gaps, emits flow-end and forgets the flow. */
  private endFlow(flow: Flow, ts: Micros, reason: FlowEndReason, detail?: string): void {
    if (flow.ended) return;
    flow.lastSeen = Math.max(flow.lastSeen, ts);
    this.flush(flow, flow.c2s, ts);
    this.flush(flow, flow.s2c, ts);
    flow.ended = true;
    this.sink({ type: 'flow-end', flowId: flow.id, ts, reason, detail });
    this.removeFromTable(flow);
    this.unlinkActive(flow);
    this.bufferedFlows.delete(flow);
    this.counters.openFlows--;
    const slot = portSlot(flow.clientPort, flow.serverPort);
    if (this.byPorts[slot] === flow) this.byPorts[slot] = null;
    this.rememberClosed(flow, ts);
  }

  private flush(flow: Flow, d: DirectionState, ts: Micros): void {
    d.tentativeUntil = -1;
    while (!d.buffer.isEmpty) {
      const head = d.buffer.firstOffset();
      if (head > d.nextOffset) this.emitGap(flow, d, head - d.nextOffset, ts);
      this.drain(flow, d, ts);
    }
    if (!d.started) return;
    if (d.finOffset > d.nextOffset) this.emitGap(flow, d, d.finOffset - d.nextOffset, ts);
    this.drain(flow, d, ts);
  }

  private rememberClosed(flow: Flow, ts: Micros): void {
    if (this.maxRecentlyClosed === 0) return;
    const closed = this.recentlyClosed;
    const key = closedKey(flow);
    closed.delete(key);
    closed.set(key, {
      closedAt: ts,
      clientAddr: flow.clientAddr,
      clientPort: flow.clientPort,
      clientIsn: flow.c2s.synSeen ? flow.c2s.isn : -1,
      serverIsn: flow.s2c.synSeen ? flow.s2c.isn : -1,
    });
    while (closed.size > this.maxRecentlyClosed) {
      const oldest = closed.keys().next().value as string;
      closed.delete(oldest);
    }
  }

  // ---- emitting ----

  /** Delivers `source[start, start + length)` at d's next offset. */
  private emitData(
    flow: Flow,
    d: DirectionState,
    source: Uint8Array,
    start: number,
    length: number,
    ts: Micros,
    fileOffset: number,
  ): void {
    const offset = d.nextOffset;
    d.nextOffset = offset + length;
    d.nextSeq = seqAdd(d.nextSeq, length);
    this.counters.payloadBytes += length;
    this.sink(this.dataEvent.refill(flow.id, d.dir, offset, length, ts, fileOffset, source, start));
  }

  /**
   * Declares `length` bytes lost at d's next offset. The gap is stamped no later than the
   * arrival of the first bytes still buffered after it (a gap found late, at a buffer bound, an
   * ack or the end, must not carry a time after the data it precedes).
   */
  private emitGap(flow: Flow, d: DirectionState, length: number, declaredAt: Micros): void {
    if (length <= 0) return;
    const ts = Math.min(declaredAt, d.buffer.firstTs());
    const offset = d.nextOffset;
    d.nextOffset = offset + length;
    d.lastGapEnd = d.nextOffset;
    d.nextSeq = seqAdd(d.nextSeq, length);
    this.counters.gaps++;
    this.counters.gapBytes += length;
    this.sink({ type: 'gap', flowId: flow.id, dir: d.dir, offset, length, ts });
  }

  private note(flow: Flow, ts: Micros, text: string): void {
    this.counters.notes++;
    this.sink({ type: 'note', flowId: flow.id, ts, text });
  }
}
