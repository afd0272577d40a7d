/**
 * The order of what a conversation shows, as *units*: the flow start, each note (placed before
 * the first chunk that arrived after it), each chunk cut into spans of at most {@link SPAN_BYTES},
 * and the tail (half-closes, whose times are not kept, and the end). Navigation between units
 * costs O(log n) store look-ups even when a direction filter hides long runs of chunks, so
 * nothing walks the whole flow.
 */
import { otherDirection, type Direction } from '../../core/types.js';
import type { DirectionFilter } from './settings.js';
import type { ConversationFlow, ConversationSource } from './source.js';
import { extentOf } from './source.js';
import { flowMarks } from './marks.js';

/** Largest piece of a chunk rendered at once (a multiple of 16, so hex rows stay aligned). */
export const SPAN_BYTES = 8192;

/** One unit of a conversation. Notes are numbered in arrival order. */
export type UnitKey =
  | { readonly kind: 'head' }
  | { readonly kind: 'note'; readonly note: number }
  | { readonly kind: 'chunk'; readonly chunk: number; readonly span: number }
  | { readonly kind: 'tail' };

/** The flow-start unit (always first). */
export const HEAD: UnitKey = { kind: 'head' };
/** The tail unit (always last). */
export const TAIL: UnitKey = { kind: 'tail' };

/** Chunks scanned one by one before a filtered look-up switches to a binary search. */
const LINEAR_PROBE = 32;

/** Spans of a chunk of `length` bytes (a gap is one span). */
function spanCount(length: number, kind: 'data' | 'gap'): number {
  return kind === 'gap' ? 1 : Math.max(1, Math.ceil(length / SPAN_BYTES));
}

/** Same unit? */
export function sameUnit(a: UnitKey, b: UnitKey): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'note') return a.note === (b as typeof a).note;
  if (a.kind === 'chunk') return a.chunk === (b as typeof a).chunk && a.span === (b as typeof a).span;
  return true;
}

/**
 * Navigation over one flow's units for one direction filter. Built per use from the current
 * flow record (cheap: notes are few); holds no per-chunk state.
 */
export class UnitOrder {
  /** For each mark (see `marks.ts`), the index of the first chunk shown after it (non-decreasing). */
  private readonly anchors: number[];
  /** The flow's chunk count when this order was made (it is valid while it and {@link markCount} hold). */
  readonly chunkCount: number;
  /** The flow's mark count when this order was made. */
  readonly markCount: number;

  constructor(
    private readonly source: ConversationSource,
    private readonly flowId: number,
    readonly flow: ConversationFlow,
    readonly filter: DirectionFilter,
  ) {
    this.chunkCount = flow.chunkCount;
    const marks = flowMarks(flow);
    this.markCount = marks.length;
    this.anchors = [];
    let previous = 0;
    for (const mark of marks) {
      previous = Math.min(Math.max(previous, mark.chunk), this.chunkCount);
      this.anchors.push(previous);
    }
  }

  /** The index of the first chunk shown after note (or FIN mark) `note`: the note is shown just before it. */
  anchorOf(note: number): number {
    return this.anchors[note] ?? this.chunkCount;
  }

  /** The unit after `unit`, or undefined after the tail. */
  next(unit: UnitKey): UnitKey | undefined {
    switch (unit.kind) {
      case 'tail':
        return undefined;
      case 'head':
        return this.firstFrom(0, 0);
      case 'note':
        return this.firstFrom(this.anchors[unit.note] ?? this.chunkCount, unit.note + 1);
      case 'chunk': {
        const chunk = this.source.getChunk(this.flowId, unit.chunk);
        if (chunk && unit.span + 1 < spanCount(chunk.length, chunk.kind)) return { kind: 'chunk', chunk: unit.chunk, span: unit.span + 1 };
        return this.firstFrom(unit.chunk + 1, this.firstNoteFrom(unit.chunk + 1));
      }
    }
  }

  /** The unit before `unit`, or undefined before the head. */
  previous(unit: UnitKey): UnitKey | undefined {
    switch (unit.kind) {
      case 'head':
        return undefined;
      case 'tail':
        return this.lastBefore(this.chunkCount, this.anchors.length - 1);
      case 'note': {
        const anchor = this.anchors[unit.note] ?? this.chunkCount;
        return this.lastBefore(anchor, unit.note - 1);
      }
      case 'chunk': {
        if (unit.span > 0) return { kind: 'chunk', chunk: unit.chunk, span: unit.span - 1 };
        // Notes anchored at this chunk come before it.
        return this.lastBefore(unit.chunk, this.firstNoteFrom(unit.chunk + 1) - 1);
      }
    }
  }

  /** The last span of chunk `index`. */
  lastSpanOf(index: number): UnitKey {
    const chunk = this.source.getChunk(this.flowId, index);
    return { kind: 'chunk', chunk: index, span: chunk ? spanCount(chunk.length, chunk.kind) - 1 : 0 };
  }

  /** Index of the first visible chunk at or after `index`, or -1. */
  nextVisibleChunk(index: number): number {
    const dir = this.filterDir();
    if (dir === undefined) return index >= this.chunkCount ? -1 : Math.max(0, index);
    return this.nextChunkOf(dir, index);
  }

  /** Index of the last visible chunk at or before `index`, or -1. */
  previousVisibleChunk(index: number): number {
    const dir = this.filterDir();
    if (dir === undefined) return Math.max(-1, Math.min(index, this.chunkCount - 1));
    return this.previousChunkOf(dir, index);
  }

  /** Index of the first chunk of direction `dir` at or after `index`, or -1. O(log n) look-ups. */
  nextChunkOf(dir: Direction, index: number): number {
    if (index >= this.chunkCount) return -1;
    for (let i = Math.max(0, index), k = 0; i < this.chunkCount && k < LINEAR_PROBE; i++, k++) {
      if (this.source.getChunk(this.flowId, i)?.dir === dir) return i;
    }
    // Smallest stream offset whose chunk index is >= index (chunk indexes grow with offsets).
    let low = 0;
    let high = extentOf(this.flow, dir);
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const at = this.source.chunkAt(this.flowId, dir, mid);
      if (at < 0 || at >= index) high = mid;
      else low = mid + 1;
    }
    const found = low < extentOf(this.flow, dir) ? this.source.chunkAt(this.flowId, dir, low) : -1;
    return found >= index && found < this.chunkCount ? found : -1;
  }

  /** Index of the last chunk of direction `dir` at or before `index`, or -1. O(log n) look-ups. */
  previousChunkOf(dir: Direction, index: number): number {
    index = Math.min(index, this.chunkCount - 1);
    if (index < 0) return -1;
    for (let i = index, k = 0; i >= 0 && k < LINEAR_PROBE; i--, k++) {
      if (this.source.getChunk(this.flowId, i)?.dir === dir) return i;
    }
    // Largest stream offset whose chunk index is <= index.
    let low = -1;
    let high = extentOf(this.flow, dir) - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const at = this.source.chunkAt(this.flowId, dir, mid);
      if (at >= 0 && at <= index) low = mid;
      else high = mid - 1;
    }
    return low < 0 ? -1 : this.source.chunkAt(this.flowId, dir, low);
  }

  /**
   * The first chunk of the turn after the one `unit` is in, or -1 when there is none. A turn is
   * a run of chunks of one direction in arrival order; with a direction filter, the shown
   * direction's chunks between two of the other direction's.
   */
  nextTurn(unit: UnitKey): number {
    if (unit.kind === 'tail') return -1;
    const chunk = this.chunkAtOrBefore(unit);
    return chunk < 0 ? this.nextVisibleChunk(0) : this.turnAfter(chunk);
  }

  /**
   * The first chunk of the turn `unit` is in, or of the turn before when `unit` is already that
   * chunk's first span and `atFirstRow` (the window starts at its first row); HEAD when there is
   * no turn before; undefined at the head.
   */
  previousTurn(unit: UnitKey, atFirstRow: boolean): number | typeof HEAD | undefined {
    if (unit.kind === 'head') return undefined;
    const chunk = this.chunkAtOrBefore(unit);
    if (chunk < 0) return HEAD;
    const start = this.turnStart(chunk);
    if (!(unit.kind === 'chunk' && unit.chunk === start && unit.span === 0 && atFirstRow)) return start;
    const before = this.previousVisibleChunk(start - 1);
    return before < 0 ? HEAD : this.turnStart(before);
  }

  /** The last visible chunk shown at or before `unit`, or -1. */
  private chunkAtOrBefore(unit: UnitKey): number {
    switch (unit.kind) {
      case 'head': return -1;
      case 'chunk': return unit.chunk;
      case 'note': return this.previousVisibleChunk((this.anchors[unit.note] ?? this.chunkCount) - 1);
      case 'tail': return this.previousVisibleChunk(this.chunkCount - 1);
    }
  }

  /** The first visible chunk of the turn holding visible chunk `index`. */
  private turnStart(index: number): number {
    const dir = this.source.getChunk(this.flowId, index)?.dir;
    if (dir === undefined) return index;
    return this.nextVisibleChunk(this.previousChunkOf(otherDirection(dir), index - 1) + 1);
  }

  /** The first visible chunk of the turn after the one holding chunk `index`, or -1. */
  private turnAfter(index: number): number {
    const dir = this.source.getChunk(this.flowId, index)?.dir;
    if (dir === undefined) return -1;
    const other = this.nextChunkOf(otherDirection(dir), index + 1);
    return other < 0 ? -1 : this.nextVisibleChunk(other);
  }

  private filterDir(): Direction | undefined {
    return this.filter === 'both' ? undefined : this.filter;
  }

  /** First unit at or after chunk `index`, with notes numbered from `note` on. */
  private firstFrom(index: number, note: number): UnitKey {
    const chunk = this.nextVisibleChunk(index);
    const noteAnchor = note < this.anchors.length ? this.anchors[note] : Infinity;
    if (noteAnchor !== Infinity && (chunk < 0 || noteAnchor <= chunk)) return { kind: 'note', note };
    return chunk >= 0 ? { kind: 'chunk', chunk, span: 0 } : TAIL;
  }

  /** Last unit before chunk `index`, with notes numbered up to `note`. */
  private lastBefore(index: number, note: number): UnitKey {
    const chunk = this.previousVisibleChunk(index - 1);
    if (note >= 0 && note < this.anchors.length && this.anchors[note] > chunk) return { kind: 'note', note };
    return chunk >= 0 ? this.lastSpanOf(chunk) : HEAD;
  }

  /** First note anchored at or after chunk `index`. */
  private firstNoteFrom(index: number): number {
    let note = 0;
    while (note < this.anchors.length && this.anchors[note] < index) note++;
    return note;
  }
}
