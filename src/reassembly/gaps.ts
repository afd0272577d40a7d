/**
 * When a hole in an open flow becomes a gap (R7, R8; R9, at the end, is in ending.ts): an ack
 * captured beyond it, after one segment of grace, or a buffer bound that forces a skip ahead.
 * Called by the core after each segment of the flow on the general path.
 */
import type { Micros } from '../core/types.js';
import { drain, emitGap, type ReassemblyContext } from './context.js';
import { endIfClosed } from './ending.js';
import type { DirectionState, Flow } from './flowState.js';
import { confirmStart } from './streamStart.js';

/**
 * R7, one segment of grace: an ack beyond the hole start was seen in an earlier segment of
 * this flow, and the segment just processed did not fill the hole either. (Captures reorder a
 * little: multi-queue NICs, IP fragments completed late; the grace lets the missing bytes arrive
 * right after the ack.)
 */
export function resolvePendingAck(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  if (flow.segments > d.ackLossArmedAt) settleHole(ctx, flow, d, ts);
}

/**
 * R7 when no segment of grace will come (the capture ended, the flow went idle): an ack beyond
 * a hole start, still in its grace, settles the hole now (at `ts`).
 */
export function settleArmedAcks(ctx: ReassemblyContext, flow: Flow, ts: Micros): void {
  if (flow.c2s.ackLossArmedAt >= 0) settleHole(ctx, flow, flow.c2s, ts);
  if (flow.s2c.ackLossArmedAt >= 0) settleHole(ctx, flow, flow.s2c, ts);
}

/** R7's grace is over for d: a hole its peer acknowledged beyond becomes a gap. */
function settleHole(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  d.ackLossArmedAt = -1;
  if (d.peerAckOffset > d.nextOffset) resolveByAck(ctx, flow, d, ts);
}

/**
 * R7: a segment just captured acknowledges beyond the hole start, so the hole will not be
 * filled: gap up to the highest ack or the next buffered byte (or the FIN), then deliver.
 */
function resolveByAck(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  while (d.peerAckOffset > d.nextOffset) {
    let holeEnd = d.buffer.firstOffset();
    if (holeEnd === Infinity) {
      if (d.finOffset > d.nextOffset) holeEnd = d.finOffset;
      else return;
    }
    emitGap(ctx, flow, d, Math.min(holeEnd, d.peerAckOffset) - d.nextOffset, ts);
    drain(ctx, flow, d, ts);
  }
}

/**
 * R8: keeps `flow` and the total under their buffer bounds (skipping ahead in the direction
 * holding most, of this flow or of the flow holding most); a flow a skip completes ends.
 */
export function enforceBounds(ctx: ReassemblyContext, flow: Flow, ts: Micros): void {
  while (flow.bufferedBytes > ctx.maxPerFlow) {
    skipAhead(ctx, flow, flow.c2s.buffer.cost >= flow.s2c.buffer.cost ? flow.c2s : flow.s2c, ts);
  }
  const bufferedFlows = ctx.bufferedFlows;
  while (ctx.counters.bufferedBytes > ctx.maxTotal) {
    let biggest: Flow | null = null;
    for (const candidate of bufferedFlows) {
      if (candidate.bufferedBytes === 0) bufferedFlows.delete(candidate);
      else if (biggest === null || candidate.bufferedBytes > biggest.bufferedBytes) biggest = candidate;
    }
    if (biggest === null) break;
    skipAhead(ctx, biggest, biggest.c2s.buffer.cost >= biggest.s2c.buffer.cost ? biggest.c2s : biggest.s2c, ts);
    if (biggest !== flow) endIfClosed(ctx, biggest, ts);
  }
  if (flow.bufferedBytes === 0) bufferedFlows.delete(flow);
}

/** R8: skips to the first buffered piece of d (gap), then delivers what follows. */
function skipAhead(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  confirmStart(ctx, flow, d, ts);
  const head = d.buffer.firstOffset();
  if (head === Infinity) return;
  ctx.counters.bufferLimitSkips++;
  if (head > d.nextOffset) emitGap(ctx, flow, d, head - d.nextOffset, ts);
  drain(ctx, flow, d, ts);
}
