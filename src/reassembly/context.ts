/**
 * The state the reassembly rules share (settings, counters, clock, flow table, buffered flows)
 * and the ways they emit events (data, gap, buffered pieces with the half-close, note). One context per {@link Reassembler},
 * made by it and passed to the rule modules' plain functions; only the reassembler's own calls
 * reach it. Events go to the sink synchronously, in order.
 */
import { DOUBLE_ZERO } from '../core/fields.js';
import type { FlowEventSink, Micros } from '../core/types.js';
import { CloseNoteRules } from './closeNotes.js';
import { FlowClock } from './clock.js';
import { CapturedDataEvent } from './dataEvent.js';
import type { DirectionState, Flow } from './flowState.js';
import { FlowTable } from './flowTable.js';
import { newStats, type MutableStats, type ReassemblerOptions } from './options.js';
import type { Reassembler } from './reassembler.js';
import type { InsertOutcome } from './segment-buffer.js';

const DEFAULT_MAX_PER_FLOW = 2 * 1024 * 1024;
const DEFAULT_MAX_TOTAL = 64 * 1024 * 1024;
const DEFAULT_IDLE_TIMEOUT = 10 * 60 * 1_000_000;
const DEFAULT_CLOSED_LINGER = 2 * 60 * 1_000_000;
const DEFAULT_MAX_RECENTLY_CLOSED = 16384;
const DEFAULT_RST_LINGER = 1_000_000;
const DEFAULT_MAX_OPEN_FLOWS = 500_000;

/** Largest TCP window (scale 14); data further ahead is not believed (R4). */
export const MAX_AHEAD = 2 ** 30;

/** The shared state of one reassembler (plain data: the rules are functions taking it). */
export class ReassemblyContext {
  readonly sink: FlowEventSink;
  /** The one object of every data event this reassembler emits (FlowEventSink: valid during the call). */
  readonly dataEvent = new CapturedDataEvent(0, 'c2s', 0, 0, DOUBLE_ZERO, -1, new Uint8Array(0), 0);
  readonly maxPerFlow: number;
  readonly maxTotal: number;
  readonly closedLinger: number;
  readonly nextFlowId: () => number;
  readonly rstLinger: number;
  readonly maxOpenFlows: number;
  /** Time, activity list and the queue of flows lingering after a RST or a close. */
  readonly time: FlowClock;
  /** Open and recently closed flows. */
  readonly table: FlowTable;
  readonly closeNotes: CloseNoteRules;
  /** Flows that may hold buffered bytes (those without are dropped when met, R8). */
  readonly bufferedFlows = new Set<Flow>();
  /** Scratch result of every buffer insert. */
  readonly insertOutcome: InsertOutcome = { duplicateBytes: 0, conflictOffset: -1 };
  readonly counters: MutableStats = newStats();

  constructor(options: ReassemblerOptions) {
    this.sink = options.emit;
    this.maxPerFlow = options.maxBufferedBytesPerFlow ?? DEFAULT_MAX_PER_FLOW;
    this.maxTotal = options.maxBufferedBytesTotal ?? DEFAULT_MAX_TOTAL;
    this.closedLinger = options.closedLingerMicros ?? DEFAULT_CLOSED_LINGER;
    this.rstLinger = Math.max(0, options.rstLingerMicros ?? DEFAULT_RST_LINGER);
    this.maxOpenFlows = Math.max(1, options.maxOpenFlows ?? DEFAULT_MAX_OPEN_FLOWS);
    this.time = new FlowClock(options.idleTimeoutMicros ?? DEFAULT_IDLE_TIMEOUT);
    this.table = new FlowTable(options.flowHashBits ?? 30, Math.max(0, options.maxRecentlyClosed ?? DEFAULT_MAX_RECENTLY_CLOSED));
    this.closeNotes = new CloseNoteRules(this.counters, (flow, ts, text) => note(this, flow, ts, text));
    let counter = 0;
    this.nextFlowId = options.nextFlowId ?? (() => ++counter);
  }
}

/** R5: delivers `source[start, start + length)` at d's next offset. */
export function emitData(
  ctx: ReassemblyContext,
  flow: Flow,
  d: DirectionState,
  source: Uint8Array,
  start: number,
  length: number,
  ts: Micros,
  fileOffset: number,
): void {
  const offset = d.advance(length);
  ctx.counters.payloadBytes += length;
  if (!d.buffer.isEmpty) d.buffer.deliveredTs = ts;
  ctx.sink(ctx.dataEvent.refill(flow.id, d.dir, offset, length, ts, fileOffset, source, start));
}

/**
 * Declares `length` bytes lost at d's next offset (nothing when `length` <= 0). The gap is
 * stamped no later than the arrival of the first bytes still buffered after it (a gap found
 * late, at a buffer bound, an ack or the end, must not carry a time after the data it precedes),
 * nor earlier than the event before it (R5).
 * `notCaptured`: the bytes are the part of a segment the capture's snap length cut off (R10).
 */
export function emitGap(ctx: ReassemblyContext, flow: Flow, d: DirectionState, length: number, declaredAt: Micros, notCaptured = false): void {
  if (length <= 0) return;
  const buffer = d.buffer;
  const ts = Math.max(Math.min(declaredAt, buffer.firstTs()), buffer.deliveredTs);
  if (!buffer.isEmpty) buffer.deliveredTs = ts;
  const offset = d.advance(length);
  d.lastGapEnd = d.nextOffset;
  ctx.counters.gaps++;
  ctx.counters.gapBytes += length;
  ctx.sink(notCaptured ? { type: 'gap', flowId: flow.id, dir: d.dir, offset, length, ts, notCaptured } : { type: 'gap', flowId: flow.id, dir: d.dir, offset, length, ts });
}

/**
 * R5: delivers the buffered pieces of d that now continue the stream, then checks d's FIN (R11:
 * half-close). A piece is stamped when it became contiguous: at its own arrival, or at the event
 * before it when that is later (the bytes that filled the hole, a piece before it).
 */
export function drain(ctx: ReassemblyContext, flow: Flow, d: DirectionState, ts: Micros): void {
  if (d.tentativeUntil >= 0) return;
  const buffer = d.buffer;
  let at = buffer.deliveredTs;
  while (!buffer.isEmpty && buffer.firstOffset() === d.nextOffset) {
    const piece = buffer.shift()!;
    at = Math.max(at, piece.ts);
    if (piece.bytes === null) emitGap(ctx, flow, d, piece.end - piece.offset, at, true);
    else emitData(ctx, flow, d, piece.bytes, 0, piece.bytes.length, at, piece.fileOffset);
  }
  if (buffer.isEmpty) d.releaseEmptyBuffer();
  if (d.finOffset >= 0 && !d.halfClosed && d.nextOffset >= d.finOffset) {
    d.closeHalf();
    ctx.sink({ type: 'half-close', flowId: flow.id, dir: d.dir, ts });
  }
}

/** Emits (and counts) a note of `flow`. */
export function note(ctx: ReassemblyContext, flow: Flow, ts: Micros, text: string): void {
  ctx.counters.notes++;
  ctx.sink({ type: 'note', flowId: flow.id, ts, text });
}
