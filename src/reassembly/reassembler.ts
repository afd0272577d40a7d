/**
 * TCP reassembly: decoded {@link TcpSegment}s in, {@link FlowEvent}s out (see DESIGN.md).
 * Pure: no timers, no I/O; time comes only from the `ts` passed in. Events go to a sink
 * callback, synchronously and in order.
 *
 * Contract kept for every flow: exactly one `flow-start` first and one `flow-end` last; the
 * `data` and `gap` events of a direction tile its stream from offset 0, without overlap, in
 * increasing offset order; gaps are explicit, never zero-filled data; nothing is lost silently.
 * The policies (roles, offset 0, overlaps, when a hole becomes a gap, closing, expiry, bounds)
 * are the numbered rules of docs/reassembly.md (R1..R20).
 *
 * This file is the feed and dispatch core (with the fast path, R20): it finds the segment's
 * flow and hands the segment's parts to the rules, plain functions over one shared
 * {@link ReassemblyContext}: flowStart.ts (R2, R14, R15), streamStart.ts (R3), placement.ts
 * (R4..R6, R10, R11), gaps.ts (R7, R8), ending.ts (R9, R11, R12, R18), closeNotes.ts (R3, R11,
 * R13), clock.ts (R12, R16, R18); context.ts holds the shared state and emits the events,
 * options.ts declares the settings and counters.
 */

import { countOf } from '../core/count.js';
import { seqAdd } from '../core/seq.js';
import { CAPTURE_ENDED, type FlowEvent, type Micros } from '../core/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../decode/types.js';
import { clipsAtCloses } from './closeNotes.js';
import { emitData, note, ReassemblyContext } from './context.js';
import { endIfClosed, endLingered, endOpenFlow, onReset } from './ending.js';
import type { Flow } from './flowState.js';
import { isNewSynAfterClose, startFlow, synStartsNewConnection } from './flowStart.js';
import { closedKey, flowMapKey, isFromClient } from './flowTable.js';
import { enforceBounds, resolvePendingAck, settleArmedAcks } from './gaps.js';
import type { ReassemblerOptions, ReassemblyStats } from './options.js';
import { acceptData, setFin } from './placement.js';
import { confirmStart, settleByAck, startAtSyn, startDirection, startMidStream } from './streamStart.js';

export type { ReassemblerOptions, ReassemblyStats } from './options.js';

/** flow-end detail of a guessed flow whose handshake, stamped before it, comes later in the file. */
const OUT_OF_TIME_ORDER = 'capture out of time order: the handshake of this connection, stamped earlier, comes later in the file and starts a new flow';

/**
 * Turns TCP segments into flow events. Rules: docs/reassembly.md.
 *
 * - `feed(segment, ts)`: one decoded segment with its capture time (the segment and its payload
 *   are only read during the call; what must wait is copied).
 * - `expireIdle(now)`: ends lingering flows whose linger time is over (reason 'rst', or 'fin'
 *   after a close, R11) and flows idle longer than the idle timeout (reason 'timeout'); cheap
 *   enough to call often.
 * - `finish(ts)`: ends every open flow (reason 'timeout', detail 'capture ended'; 'rst' for a flow
 *   lingering after a RST, 'fin' for one lingering after its close or whose FINs an R7 ack in
 *   its grace delivers).
 * - `stats`: live counters.
 */
export class Reassembler {
  /** The state every rule shares. */
  private readonly ctx: ReassemblyContext;
  /** Ends a flow lingering after a RST or its close (the clock's callback). */
  private readonly endLingered: (flow: Flow) => void;

  constructor(options: ReassemblerOptions) {
    const ctx = new ReassemblyContext(options);
    this.ctx = ctx;
    this.endLingered = (flow: Flow): void => endLingered(ctx, flow);
    if (options.fastPath === false) {
      this.feed = (segment: TcpSegment, ts: Micros): void => this.feedAny(segment, ts, ctx.table.cached(segment));
    }
  }

  /** Live counters (the same object on every read; do not modify). */
  get stats(): ReassemblyStats {
    return this.ctx.counters;
  }

  /** Feeds one decoded TCP segment captured at `ts`. */
  feed(segment: TcpSegment, ts: Micros): void {
    const cached = this.ctx.table.cached(segment);
    if (cached === null || (segment.flags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0 || !this.continueEstablished(cached, segment, ts)) {
      this.feedAny(segment, ts, cached);
    }
  }

  /**
   * R20, the common case, done whole or not at all (false: nothing was changed): a segment
   * without SYN, FIN or RST of an open flow found in the port cache, carrying nothing or, whole,
   * the bytes that continue its direction's stream, which no close rule counts or clips (see
   * clipsAtCloses: the server's reply after the client's FIN takes this path); the flow has
   * nothing buffered, no R7 pending, and no touch of the activity list due; no
   * lingering flow is due, and the flow is not lingering after its close (R11: its last ACK ends
   * it). What {@link feedAny} does for such a segment, without its general machinery: a small
   * function, optimised early in a capture and rarely deoptimised.
   */
  private continueEstablished(flow: Flow, segment: TcpSegment, ts: Micros): boolean {
    const ctx = this.ctx;
    const time = ctx.time;
    const clock = ts > time.now ? ts : time.now;
    if (clock - flow.touchedAt >= time.activityStep) return false;
    if (time.nextLingerDeadline < clock || flow.closing !== null) return false;
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
      if (!d.started || d.finOffset >= 0 || d.tentativeUntil >= 0) return false;
      start = d.offsetOf(segment.seq);
      if (start !== d.nextOffset || clipsAtCloses(d, start + length)) return false;
    }
    const ackFor = (segment.flags & TCP_ACK) !== 0 && o.started ? o : null;
    // An ack past the peer's hole before its FIN may arm R7: the general path decides.
    if (ackFor !== null && o.finOffset > o.nextOffset) return false;

    const counters = ctx.counters;
    counters.segments++;
    counters.fastPathSegments++;
    time.now = clock;
    flow.lastSeen = ts;
    flow.lastActive = clock;
    flow.segments++;
    if (length > 0) {
      if (start + length > d.maxEnd) d.maxEnd = start + length;
      emitData(ctx, flow, d, segment.payloadBuffer, segment.payloadStart, length, ts, segment.payloadFileOffset);
    } else if (d.started && d.offsetOf(segment.seq) === d.nextOffset - 1) {
      counters.keepAlives++;
    }
    if (ackFor !== null) {
      const ackOffset = ackFor.offsetOf(segment.ack);
      if (ackOffset > ackFor.peerAckOffset) ackFor.peerAckOffset = ackOffset;
    }
    return true;
  }

  /** Any segment: the general path. `cached`: the segment's flow found in the port cache, or null. */
  private feedAny(segment: TcpSegment, ts: Micros, cached: Flow | null): void {
    const ctx = this.ctx;
    const counters = ctx.counters;
    counters.segments++;
    const time = ctx.time;
    if (ts > time.now) time.now = ts;
    if (time.nextLingerDeadline < time.now) {
      time.endLingering(time.now, this.endLingered);
      if (cached !== null && cached.ended) cached = null;
    }
    const table = ctx.table;
    let flow = cached ?? table.lookup(segment);
    const flags = segment.flags;
    if (flow === null) {
      const mapKey = flowMapKey(segment.srcAddr, segment.srcPort, segment.dstAddr, segment.dstPort, segment.vlan);
      const closed = table.closed(mapKey);
      if (closed !== undefined) {
        if (ts - closed.closedAt <= ctx.closedLinger && !isNewSynAfterClose(segment, closed, ts)) {
          counters.lateSegments++;
          return;
        }
        table.forgetClosed(mapKey);
      }
      flow = startFlow(ctx, segment, table.missedHash, ts);
    } else if ((flags & TCP_SYN) !== 0 && synStartsNewConnection(flow, segment)) {
      // A SYN stamped before a guessed flow's first packet is no later connection reusing the
      // ports: the file is out of time order and this is the connection's own handshake, met late.
      const detail = flow.guessedStart !== null && ts < flow.guessedStart ? OUT_OF_TIME_ORDER : 'ports reused by a new connection (new SYN)';
      endOpenFlow(ctx, flow, ts, 'timeout', detail);
      table.forgetClosed(closedKey(flow));
      flow = startFlow(ctx, segment, flow.hash, ts);
    }
    flow.lastSeen = ts;
    const clock = time.now;
    flow.lastActive = clock;
    if (clock - flow.touchedAt >= time.activityStep) time.touch(flow, clock);
    flow.segments++;
    // R7's grace segment, when it comes from the other direction, cannot fill the hole: the hole
    // is resolved first, so its gap and the bytes after it come before this segment's bytes.
    const other = isFromClient(flow, segment) ? flow.s2c : flow.c2s;
    if (other.ackLossArmedAt >= 0) resolvePendingAck(ctx, flow, other, ts);
    this.process(flow, segment, ts);
    if (!flow.ended) {
      if (flow.c2s.tentativeUntil >= 0 && flow.segments >= flow.c2s.tentativeUntil) confirmStart(ctx, flow, flow.c2s, ts);
      if (flow.s2c.tentativeUntil >= 0 && flow.segments >= flow.s2c.tentativeUntil) confirmStart(ctx, flow, flow.s2c, ts);
      if (flow.c2s.ackLossArmedAt >= 0) resolvePendingAck(ctx, flow, flow.c2s, ts);
      if (flow.s2c.ackLossArmedAt >= 0) resolvePendingAck(ctx, flow, flow.s2c, ts);
      if (flow.bufferedBytes > 0) enforceBounds(ctx, flow, ts);
      endIfClosed(ctx, flow, ts);
    }
    if (counters.bufferedBytes > counters.peakBufferedBytes) counters.peakBufferedBytes = counters.bufferedBytes;
  }

  /**
   * Ends the lingering flows whose linger time is over at `now` (reason 'rst' after a RST, 'fin'
   * after a close, R11), then (reason 'timeout', detail 'idle'; 'fin' when an R7 ack in its grace
   * delivers both FINs) every flow without packets for longer than the idle timeout (measured on
   * the highest capture time fed, so timestamps stepping back do not age flows).
   * Cost: O(flows ended + flows touched within one `activityStep` of the cutoff), and the idle
   * scan runs only when `now` advanced by a quarter step (at most 250 ms) since the last one, so
   * a flow may end up to that much after its timeout. Call it as often as convenient.
   */
  expireIdle(now: Micros): void {
    const ctx = this.ctx;
    ctx.time.endLingering(now, this.endLingered);
    ctx.time.endIdle(now, (flow) => endQuiet(ctx, flow, now, 'idle'));
    ctx.table.expireClosed(now, ctx.closedLinger);
  }

  /**
   * Ends the open flows (buffers flushed with gaps), oldest first, at most `maxFlows` of them (a
   * caller with a screen to serve ends a scan's many flows in batches): reason 'rst' for flows
   * lingering after a RST, 'fin' for those lingering after their close (or whose FINs an R7 ack
   * in its grace delivers), else reason 'timeout', detail 'capture ended'. Returns true once no
   * open flow is left. No packet may be fed after the first call.
   */
  finish(ts: Micros, maxFlows = Number.POSITIVE_INFINITY): boolean {
    const ctx = this.ctx;
    // Nothing arrives after the end: the flows it ends need no place in the closed table (R14).
    ctx.table.stopRemembering();
    return ctx.time.endAll((flow) => endQuiet(ctx, flow, ts, CAPTURE_ENDED), maxFlows);
  }

  /** The general path's dispatch of one segment of `flow`: SYN, data, ack, FIN, RST in turn. */
  private process(flow: Flow, segment: TcpSegment, ts: Micros): void {
    const ctx = this.ctx;
    const fromClient = isFromClient(flow, segment);
    const d = fromClient ? flow.c2s : flow.s2c;
    const o = fromClient ? flow.s2c : flow.c2s;
    const flags = segment.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    const hasAck = (flags & TCP_ACK) !== 0;

    if (syn) {
      if (!d.synSeen) startAtSyn(ctx, flow, d, segment.seq, ts);
      if (hasAck && !o.started) startDirection(ctx, o, segment.ack);
    }
    const dataSeq = syn ? seqAdd(segment.seq, 1) : segment.seq;
    const length = Math.max(segment.payloadLength, segment.capturedLength);
    if (!d.started && (length > 0 || fin)) startMidStream(ctx, flow, d, dataSeq);

    // The ack first: the peer's bytes it settles were sent before this segment's (R3), so they come first.
    if (hasAck && o.started) {
      if (o.tentativeUntil >= 0) settleByAck(ctx, flow, o, segment.ack, ts);
      const ackOffset = o.offsetOf(segment.ack);
      if (ackOffset > o.peerAckOffset) o.peerAckOffset = ackOffset;
      // R7 is applied after the NEXT segment of the flow (see resolvePendingAck).
      if (ackOffset > o.nextOffset && o.ackLossArmedAt < 0 && (!o.buffer.isEmpty || o.finOffset > o.nextOffset)) {
        o.ackLossArmedAt = flow.segments;
      }
    }

    if (length > 0) {
      acceptData(ctx, flow, d, d.offsetOf(dataSeq), segment, length, ts);
      if (rst) note(ctx, flow, ts, `RST carried ${countOf(length, 'byte')}`);
    } else if (d.started && !syn && !fin && !rst && d.offsetOf(dataSeq) === d.nextOffset - 1) {
      ctx.counters.keepAlives++;
    }

    if (fin && d.started) {
      confirmStart(ctx, flow, d, ts);
      setFin(ctx, flow, d, d.offsetOf(dataSeq) + length, ts);
      // After a RST, a FIN says nothing about when the other side's bytes were sent.
      if (flow.reset === null) {
        confirmStart(ctx, flow, o, ts);
        ctx.closeNotes.setPeerClose(flow, o, { kind: 'FIN', ackSeq: segment.ack, hasAck, ts, seenFrom: seqAdd(dataSeq, length + 1) });
      }
    }
    if (rst) {
      confirmStart(ctx, flow, d, ts);
      confirmStart(ctx, flow, o, ts);
      onReset(ctx, flow, d, o, segment, ts);
    }
  }
}

/**
 * Ends a flow no packet reaches any more (the capture ended, or it went idle: reason 'timeout',
 * `detail`). An ack in R7's grace settles its hole first, at the flow's last packet: a FIN it
 * delivers on both sides ends the flow as closed (R11), not as timed out.
 */
function endQuiet(ctx: ReassemblyContext, flow: Flow, ts: Micros, detail: string): void {
  if (flow.reset === null && flow.closing === null && (flow.c2s.ackLossArmedAt >= 0 || flow.s2c.ackLossArmedAt >= 0)) {
    settleArmedAcks(ctx, flow, flow.lastSeen);
    endIfClosed(ctx, flow, flow.lastSeen);
    if (flow.ended) return;
  }
  endOpenFlow(ctx, flow, ts, 'timeout', detail);
}
