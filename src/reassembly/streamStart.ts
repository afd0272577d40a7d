/**
 * Where a direction's stream offset 0 lies (R3). With a SYN it is ISN+1; without one (capture
 * started mid-stream) it is tentative: the lowest sequence number seen so far, nothing of the
 * direction is delivered, an earlier segment or a late SYN moves it back, and it is settled by
 * the peer's ack, a FIN, a RST, a buffer bound, the reorder window or the flow's end.
 */
import { seqAdd } from '../core/seq.js';
import type { Micros } from '../core/types.js';
import { drain, MAX_AHEAD, type ReassemblyContext } from './context.js';
import type { DirectionState, Flow } from './flowState.js';

/** Segments of a flow during which a mid-stream direction's offset 0 may still move back (R3). */
const REORDER_WINDOW_SEGMENTS = 8;

/** Fixes d's offset 0 at sequence number `seq` (the close notes of a late start follow, R13). */
export function startDirection(ctx: ReassemblyContext, d: DirectionState, seq: number): void {
  d.start(seq);
  if (d.rare !== null) ctx.closeNotes.onDirectionStart(d);
}

/**
 * R3: d starts at `seq` without a SYN: offset 0 stays tentative for the reorder window, unless
 * the flow is closing or reset already.
 */
export function startMidStream(ctx: ReassemblyContext, flow: Flow, d: DirectionState, seq: number): void {
  startDirection(ctx, d, seq);
  if ((d.rare === null || d.rare.peerClose === null) && flow.reset === null) d.tentativeUntil = flow.segments + REORDER_WINDOW_SEGMENTS;
}

/** R3: the first SYN of d (sequence number `isn`): offset 0 is ISN+1, settled now. */
export function startAtSyn(ctx: ReassemblyContext, flow: Flow, d: DirectionState, isn: number, ts: Micros): void {
  d.sawSyn();
  if (!d.started) startDirection(ctx, d, seqAdd(isn, 1));
  else if (d.tentativeUntil >= 0) moveStartBack(d, seqAdd(isn, 1));
  confirmStart(ctx, flow, d, ts);
}

/**
 * R3: the receiver's ack `ackSeq` settles the tentative direction o: bytes before it were
 * received (offset 0 stays), bytes from it on are still to come (offset 0 moves back to it).
 */
export function settleByAck(ctx: ReassemblyContext, flow: Flow, o: DirectionState, ackSeq: number, ts: Micros): void {
  const acked = o.offsetOf(ackSeq);
  if (acked < 0 && acked >= -MAX_AHEAD) moveStartBack(o, ackSeq);
  confirmStart(ctx, flow, o, ts);
}

/**
 * R3: moves a tentative offset 0 back to sequence number `seq` (before it). Nothing of the
 * direction was delivered yet: the buffered pieces and the highest end move with it.
 */
export function moveStartBack(d: DirectionState, seq: number): void {
  const delta = -d.offsetOf(seq);
  d.nextSeq = seq | 0;
  d.maxEnd += delta;
  d.buffer.moveOffsets(delta);
}

/** R3: the start of d is known now (no-op when it was): what waited is delivered. */
export function confirmStart(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  if (d.tentativeUntil < 0) return;
  d.tentativeUntil = -1;
  drain(ctx, flow, d, ts);
  if (!d.buffer.isEmpty) ctx.bufferedFlows.add(flow);
}
