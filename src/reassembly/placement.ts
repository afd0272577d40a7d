/**
 * Placing a direction's bytes (R4, R5, R6, R10, R11): in-order bytes are delivered at once as
 * views of the segment, out-of-order ones wait in the direction's buffer, overlaps keep the
 * first copy (conflicts counted and noted), bytes out of the window, before offset 0 or beyond
 * a close are counted, not placed. What now continues the stream is delivered before returning.
 */
import type { Micros } from '../core/types.js';
import type { TcpSegment } from '../decode/types.js';
import { bytesSeenFrom, clipsAtCloses } from './closeNotes.js';
import { drain, emitData, emitGap, MAX_AHEAD, note, type ReassemblyContext } from './context.js';
import type { DirectionState, Flow } from './flowState.js';
import { moveStartBack } from './streamStart.js';
import { formatCount } from '../core/count.js';

const MAX_CONFLICT_NOTES_PER_DIRECTION = 5;

/**
 * Places the bytes `[start, start + length)` of direction d; the segment's payload holds the
 * captured prefix (R10: the rest is a known-missing piece, a gap when its turn comes).
 */
export function acceptData(
  ctx: ReassemblyContext,
  flow: Flow,
  d: DirectionState,
  start: number,
  segment: TcpSegment,
  length: number,
  ts: Micros,
): void {
  const fileOffset = segment.payloadFileOffset;
  const payload = segment.payload;
  const counters = ctx.counters;
  if (length <= 1 && start === d.nextOffset - 1) {
    counters.keepAlives++;
    return;
  }
  if (start < 0) {
    if (d.tentativeUntil >= 0 && start >= -MAX_AHEAD) {
      moveStartBack(d, segment.seq);
      start = 0;
    } else {
      ctx.closeNotes.noteBeforeStart(flow, d, Math.min(-start, length), ts);
    }
  }
  if (start - Math.max(d.nextOffset, d.peerAckOffset) > MAX_AHEAD) {
    counters.outOfWindowSegments++;
    return;
  }
  let end = start + length;
  if (clipsAtCloses(d, end)) end = ctx.closeNotes.clipAtCloses(flow, d, start, end, ts, segment);
  if (end <= d.nextOffset) {
    if (end > start) countDropped(ctx, start, end, d.nextOffset);
    return;
  }
  if (end > d.maxEnd) d.maxEnd = end;
  const capturedEnd = Math.min(end, start + payload.length);
  if (capturedEnd > start) placePiece(ctx, flow, d, start, capturedEnd, payload, start, fileOffset, ts);
  if (end > capturedEnd) {
    const missingStart = Math.max(capturedEnd, start, d.nextOffset);
    if (end > missingStart) counters.truncatedBytes += end - missingStart;
    placePiece(ctx, flow, d, Math.max(capturedEnd, start), end, null, start, -1, ts);
  }
  drain(ctx, flow, d, ts);
  if (!d.buffer.isEmpty) ctx.bufferedFlows.add(flow);
}

/**
 * R11: d's FIN at stream offset `finOffset` (the first FIN wins; one before offset 0 is
 * ignored): bytes seen beyond it are counted and dropped, then what reaches it is delivered.
 */
export function setFin(ctx: ReassemblyContext, flow: Flow, d: DirectionState, finOffset: number, ts: Micros): void {
  if (d.finOffset >= 0 || finOffset < 0) return;
  d.finOffset = finOffset;
  if (d.maxEnd > finOffset) {
    ctx.closeNotes.reportAfterOwnFin(flow, d, bytesSeenFrom(d, finOffset), d.maxEnd, ts);
    d.buffer.truncateFrom(finOffset);
    d.maxEnd = finOffset;
  }
  drain(ctx, flow, d, ts);
}

/** Counts `[start, end)` (all before `next`) as unplaceable (< 0) or duplicate. */
function countDropped(ctx: ReassemblyContext, start: number, end: number, next: number): void {
  const bound = Math.min(end, next);
  if (start < 0) {
    ctx.counters.unplaceableBytes += Math.min(bound, 0) - start;
    if (bound > 0) ctx.counters.duplicateBytes += bound;
  } else {
    ctx.counters.duplicateBytes += bound - start;
  }
}

/** Delivers or buffers `[start, end)`; `src` (null: known missing) holds offset `srcStart` onwards. */
function placePiece(
  ctx: ReassemblyContext,
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
    countDropped(ctx, start, Math.min(end, d.nextOffset), d.nextOffset);
    start = d.nextOffset;
    if (start >= end) return;
  }
  if (start === d.nextOffset && d.tentativeUntil < 0) {
    const head = d.buffer.firstOffset();
    if (end <= head) {
      deliverDirect(ctx, flow, d, start, end, src, srcStart, fileOffset, ts);
      return;
    }
    if (head > start) {
      deliverDirect(ctx, flow, d, start, head, src, srcStart, fileOffset, ts);
      start = head;
    }
  }
  const outcome = ctx.insertOutcome;
  d.bufferFor(ctx.counters, flow).insert(start, end, src, srcStart, ts, fileOffset, outcome);
  ctx.counters.duplicateBytes += outcome.duplicateBytes;
  if (outcome.conflictOffset >= 0) noteConflict(ctx, flow, d, outcome.conflictOffset, ts);
}

/** Counts an overlap whose bytes differ from the first copy, and notes the first few per direction. */
function noteConflict(ctx: ReassemblyContext, flow: Flow, d: DirectionState, offset: number, ts: Micros): void {
  ctx.counters.overlapConflicts++;
  if (d.conflictNotes >= MAX_CONFLICT_NOTES_PER_DIRECTION) return;
  d.conflictNotes++;
  const more =
    d.conflictNotes === MAX_CONFLICT_NOTES_PER_DIRECTION ? '; further conflicts in this direction are counted, not noted' : '';
  note(ctx, flow, ts, `retransmission at ${d.dir} offset ${formatCount(offset)} carries different bytes (first copy kept)${more}`);
}

/** Delivers `[start, end)` at d's next offset: data from `src`, or a gap when `src` is null. */
function deliverDirect(
  ctx: ReassemblyContext,
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
    emitGap(ctx, flow, d, end - start, ts, true);
    return;
  }
  const from = start - srcStart;
  emitData(ctx, flow, d, src, from, end - start, ts, fileOffset >= 0 ? fileOffset + from : -1);
}
