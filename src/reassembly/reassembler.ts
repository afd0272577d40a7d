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
import { seqAdd } from '../core/seq.js';
import type { FlowEndReason, FlowEvent, FlowEventSink, FlowKey, Micros } from '../core/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types.js';
import { bytesSeenFrom, CloseNoteRules } from './closeNotes.js';
import { FlowClock } from './clock.js';
import { Flow, roleName, type DirectionState } from './flowState.js';
import { closedKey, flowMapKey, FlowTable, isFromClient, type ClosedFlow } from './flowTable.js';
import { guessSenderIsClient } from './ports.js';
import { CapturedDataEvent } from './dataEvent.js';
import type { BufferAccount, InsertOutcome } from './segment-buffer.js';

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
/** Largest TCP window (scale 14); data further ahead is not believed. */
const MAX_AHEAD = 2 ** 30;
const MAX_CONFLICT_NOTES_PER_DIRECTION = 5;
/** Segments of a flow during which a mid-stream direction's offset 0 may still move back (R3). */
const REORDER_WINDOW_SEGMENTS = 8;
/** flow-end detail of a guessed flow whose handshake, stamped before it, comes later in the file. */
const OUT_OF_TIME_ORDER = 'capture out of time order: the handshake of this connection, stamped earlier, comes later in the file and starts a new flow';
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
  private readonly nextFlowId: () => number;
  private readonly rstLinger: number;
  private readonly maxOpenFlows: number;
  /** Time, activity list and RST linger queue. */
  private readonly time: FlowClock;
  /** Open and recently closed flows. */
  private readonly table: FlowTable;
  private readonly closeNotes: CloseNoteRules;
  private readonly bufferedFlows = new Set<Flow>();
  private readonly insertOutcome: InsertOutcome = { duplicateBytes: 0, conflictOffset: -1 };
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
    this.rstLinger = Math.max(0, options.rstLingerMicros ?? DEFAULT_RST_LINGER);
    this.maxOpenFlows = Math.max(1, options.maxOpenFlows ?? DEFAULT_MAX_OPEN_FLOWS);
    this.time = new FlowClock(this.idleTimeout);
    this.table = new FlowTable(options.flowHashBits ?? 30, Math.max(0, options.maxRecentlyClosed ?? DEFAULT_MAX_RECENTLY_CLOSED));
    this.closeNotes = new CloseNoteRules(this.counters, (flow, ts, text) => this.note(flow, ts, text));
    let counter = 0;
    this.nextFlowId = options.nextFlowId ?? (() => ++counter);
    if (options.fastPath === false) {
      this.feed = (segment: TcpSegment, ts: Micros): void => this.feedAny(segment, ts, this.table.cached(segment));
    }
  }

  /** Live counters (the same object on every read; do not modify). */
  get stats(): ReassemblyStats {
    return this.counters;
  }

  /** Feeds one decoded TCP segment captured at `ts`. */
  feed(segment: TcpSegment, ts: Micros): void {
    const cached = this.table.cached(segment);
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
    const time = this.time;
    const clock = ts > time.now ? ts : time.now;
    if (clock - flow.touchedAt >= time.activityStep) return false;
    if (time.nextLingerDeadline < clock) return false;
    const c2s = flow.c2s;
    const s2c = flow.s2c;
    if (flow.bufferedBytes !== 0 || c2s.ackLossArmedAt >= 0 || s2c.ackLossArmedAt >= 0) return false;
    const length = segment.payloadLength;
    if (segment.capturedLength !== length) return false;
    const fromClient = isFromClient(flow, segment);
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
    time.now = clock;
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
    const time = this.time;
    if (ts > time.now) time.now = ts;
    if (time.nextLingerDeadline < time.now) {
      time.endLingering(time.now, this.endReset);
      if (cached !== null && cached.ended) cached = null;
    }
    let flow = cached ?? this.table.lookup(segment);
    const flags = segment.flags;
    if (flow === null) {
      const mapKey = flowMapKey(segment.srcAddr, segment.srcPort, segment.dstAddr, segment.dstPort, segment.vlan);
      const closed = this.table.closed(mapKey);
      if (closed !== undefined) {
        if (ts - closed.closedAt <= this.closedLinger && !this.isNewSynAfterClose(segment, closed, ts)) {
          this.counters.lateSegments++;
          return;
        }
        this.table.forgetClosed(mapKey);
      }
      flow = this.startFlow(segment, this.table.missedHash, ts);
    } else if ((flags & TCP_SYN) !== 0 && this.synStartsNewConnection(flow, segment)) {
      // A SYN stamped before a guessed flow's first packet is no later connection reusing the
      // ports: the file is out of time order and this is the connection's own handshake, met late.
      const detail = !flow.handshake && ts < flow.firstSeen ? OUT_OF_TIME_ORDER : 'ports reused by a new connection (new SYN)';
      this.endOpenFlow(flow, ts, 'timeout', detail);
      this.table.forgetClosed(closedKey(flow));
      flow = this.startFlow(segment, flow.hash, ts);
    }
    flow.lastSeen = ts;
    const clock = time.now;
    flow.lastActive = clock;
    if (clock - flow.touchedAt >= time.activityStep) time.touch(flow, clock);
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
    this.time.endLingering(now, this.endReset);
    this.time.endIdle(now, (flow) => this.endOpenFlow(flow, now, 'timeout', 'idle'));
    this.table.expireClosed(now, this.closedLinger);
  }

  /**
   * Ends every open flow (buffers flushed with gaps): reason 'rst' for flows lingering after a
   * RST, else reason 'timeout', detail 'capture ended'.
   */
  finish(ts: Micros): void {
    this.time.endAll((flow) => this.endOpenFlow(flow, ts, 'timeout', 'capture ended'));
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
    const victim = this.time.oldest;
    if (victim === null) return;
    this.counters.evictedFlows++;
    this.endOpenFlow(victim, ts, 'evicted', `more than ${this.maxOpenFlows} open flows: the least recently active one ends`);
    this.table.forgetClosed(closedKey(victim));
  }

  /** Ends a flow that was reset: reason 'rst', at its last packet. */
  private readonly endReset = (flow: Flow): void => {
    const reset = flow.reset!;
    this.endFlow(flow, Math.max(reset.ts, flow.lastSeen), 'rst', `reset by ${roleName(reset.by.dir)}`);
  };

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
    const flow = new Flow(this.nextFlowId(), key, hash, syn, ts, this.time.now);
    this.table.add(flow);
    this.time.append(flow);
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
    const d = isFromClient(flow, segment) ? flow.c2s : flow.s2c;
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
    const fromClient = isFromClient(flow, segment);
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
      if (flow.reset === null) {
        this.confirmStart(flow, o, ts);
        this.closeNotes.setPeerClose(flow, o, { kind: 'FIN', ackSeq: segment.ack, hasAck, ts });
      }
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
      this.closeNotes.setPeerClose(flow, o, { kind: 'RST', ackSeq: segment.ack, hasAck, ts });
      flow.reset = { by: d, ts, lingerDeadline: this.time.now + this.rstLinger };
      if (this.rstLinger === 0 || o.halfClosed) this.endReset(flow);
      else this.time.addLingering(flow);
    } else if (flow.reset.by !== d) {
      this.endReset(flow);
    }
  }

  private startDirection(d: DirectionState, seq: number): void {
    d.start(seq);
    if (d.close !== null) this.closeNotes.onDirectionStart(d);
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
        this.closeNotes.noteBeforeStart(flow, d, Math.min(-start, length), ts);
      }
    }
    if (start - Math.max(d.nextOffset, d.peerAckOffset) > MAX_AHEAD) {
      counters.outOfWindowSegments++;
      return;
    }
    let end = start + length;
    if ((d.finOffset >= 0 && end > d.finOffset) || (d.peerCloseOffset >= 0 && end > d.peerCloseOffset)) {
      end = this.closeNotes.clipAtCloses(flow, d, start, end, ts);
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
      this.closeNotes.reportAfterOwnFin(flow, d, bytesSeenFrom(d, finOffset), d.maxEnd, ts);
      d.buffer.truncateFrom(finOffset);
      d.maxEnd = finOffset;
    }
    this.drain(flow, d, ts);
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
    this.table.remove(flow);
    this.time.unlink(flow);
    this.bufferedFlows.delete(flow);
    this.counters.openFlows--;
    this.table.rememberClosed(flow, ts);
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
