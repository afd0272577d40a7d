/**
 * Searching a whole flow for a byte pattern, incrementally: `step()` scans at most a budget of
 * bytes and returns, so the UI stays responsive, shows `fraction` as progress and cancels by
 * simply not calling `step()` again (or `cancel()`). Each direction's stream is read in large
 * slices by stream offset; the directions are scanned in turn by the arrival index of the
 * chunk reached, so the first match found in display order wins. Matches never span a gap.
 * Text queries use smart case (see `byteMatcher.ts`); bytes typed in hex match exactly.
 */
import type { Direction } from '../../core/types.js';
import { ByteMatcher, caselessPattern, type BytePattern } from '../byteMatcher.js';
import { queryBytes } from './queryBytes.js';
import type { ConversationSettings } from './settings.js';
import type { ConversationSource } from './source.js';
import { extentOf, readVia, resumeAfterGap } from './source.js';
import { UnitOrder, type UnitKey } from './units.js';
import { EventRowSearch } from './eventRows.js';
import type { Highlight } from './highlight.js';

/**
 * A match: the pattern's bytes at `offset` of direction `dir`, starting in chunk `chunk`; or, with
 * `unit`, an `=` row's text: a gap chunk's (at the gap's `offset`), or another event row's (see
 * eventRows.ts: `chunk` its place, `offset` its line, `dir` c2s).
 */
export interface SearchMatch {
  readonly dir: Direction;
  readonly offset: number;
  readonly length: number;
  readonly chunk: number;
  readonly unit?: UnitKey;
}

/** Where a search starts: after (forward) or before (backward) a match, or from a chunk index. */
export type SearchStart = { readonly match: SearchMatch } | { readonly chunk: number };

/** State after a step. `match` is set when done and found. */
export interface SearchStatus {
  readonly done: boolean;
  readonly match: SearchMatch | undefined;
  /** Share of the bytes to scan that were scanned, 0..1. */
  readonly fraction: number;
  /** The search went round the end (the start, backward) to look again from the other one. */
  readonly wrapped?: boolean;
}

/** Bytes read per slice. */
const SLICE = 1 << 20;

/**
 * The bytes to look for: in hex mode a string of hex digit pairs (spaces allowed: `0d0a`,
 * `0d 0a`) is taken as bytes, exactly; otherwise the text in the current encoding, its escapes
 * as the conversation shows them read as bytes (`\r\n`, `\x1b`: see queryBytes.ts), with smart
 * case (no upper-case letter in its text: ASCII letters match either case). Undefined for an
 * empty query.
 */
export function searchPattern(query: string, settings: ConversationSettings): BytePattern | undefined {
  if (query.length === 0) return undefined;
  const digits = hexDigits(query, settings);
  if (digits !== undefined && digits.length % 2 === 0) return { bytes: new Uint8Array(Buffer.from(digits, 'hex')) };
  const { bytes, upper, cased } = queryBytes(query, settings.encoding);
  return cased ? { bytes } : caselessPattern(bytes, upper);
}

/** True when `query` is bytes typed in hex (hex mode, pairs of hex digits, spaces allowed). */
export function isHexQuery(query: string, settings: ConversationSettings): boolean {
  return (hexDigits(query, settings)?.length ?? 1) % 2 === 0;
}

/**
 * Why a query not found may have missed, in hex mode: hex digits (spaces allowed) of an odd count
 * were searched as text, as only pairs are bytes. Undefined otherwise.
 */
export function hexPairsHint(query: string, settings: ConversationSettings): string | undefined {
  return (hexDigits(query, settings)?.length ?? 0) % 2 === 1 ? 'hex search takes pairs of hex digits: 0d0a' : undefined;
}

/** In hex mode, `query`'s hex digits with its spaces dropped when it has nothing else (and some); else undefined. */
function hexDigits(query: string, settings: ConversationSettings): string | undefined {
  if (settings.mode !== 'hex') return undefined;
  const compact = query.replace(/\s+/g, '');
  return /^[0-9a-fA-F]+$/.test(compact) ? compact : undefined;
}

/**
 * What the view should paint for a search: in hex mode the current match's bytes (and, for a text
 * query, its occurrences in the `=` rows); otherwise every occurrence of the query as it is
 * displayed (escaped like the data), with smart case; `match` as the current one. `typed`: the query read as bytes in the
 * settings' encoding, when the caller keeps it (see queryBytes).
 */
export function highlightFor(query: string, settings: ConversationSettings, match: SearchMatch | undefined, typed = query.length > 0 ? queryBytes(query, settings.encoding) : undefined): Highlight | undefined {
  const current = match && { current: match };
  const text = typed && { text: typed.shown, ignoreCase: !typed.cased, ...current };
  if (settings.mode !== 'hex') return text;
  if (!match) return undefined;
  const bytes = { dir: match.dir, offset: match.offset, length: match.length };
  // A text query is searched in the `=` rows too: their text is marked as in the text modes.
  return isHexQuery(query, settings) ? { bytes, current: match } : { bytes, ...text };
}

interface Cursor {
  readonly dir: Direction;
  /** Forward: next match start to try; backward: match starts must be below it. */
  position: number;
  /** Arrival index of the chunk at the cursor; Infinity (forward) / -1 (backward) when exhausted. */
  frontier: number;
  readonly begin: number;
  found: SearchMatch | undefined;
}

/**
 * One search over one flow. Owned by the pane; drop it to cancel. A search that finds nothing
 * from `start` to the end (the start, `backward`) looks once more from the other end, as vim's
 * does, and says so with `wrapped`.
 */
export class ConversationSearch {
  private cursors: Cursor[] = [];
  private readonly pattern: ByteMatcher;
  private total = 0;
  private scanned = 0;
  private finished: SearchStatus | undefined;
  private readonly buffer: Uint8Array;
  private wrapped = false;
  /** The `=` rows' part of the search, when `rows` asked for them. */
  private readonly rowSearch: EventRowSearch | undefined;
  /** The first event row (not a gap) matching from the start on, when `rows` asked for them. */
  private eventMatch: SearchMatch | undefined;

  /** `rows`: the settings the `=` rows are shown with, to search them too (a text query); without, bytes only. */
  constructor(
    private readonly source: ConversationSource,
    private readonly flowId: number,
    pattern: BytePattern,
    readonly backward: boolean,
    start: SearchStart,
    private readonly directions: readonly Direction[],
    rows?: ConversationSettings,
  ) {
    this.pattern = new ByteMatcher(pattern);
    this.rowSearch = rows && new EventRowSearch(source, flowId, this.pattern, rows, backward);
    this.buffer = new Uint8Array(SLICE + Math.max(0, this.pattern.length - 1));
    const chunks = source.getFlow(flowId)?.chunkCount ?? 0;
    this.scansAll = 'chunk' in start && (backward ? start.chunk >= chunks - 1 : start.chunk <= 0);
    this.place(start);
  }

  /** The search starts at the flow's first chunk (the last, backward): going round would find nothing new. */
  private readonly scansAll: boolean;

  /** Stops the search; later steps report done without a match. */
  cancel(): void {
    this.finished ??= { done: true, match: undefined, fraction: this.fraction() };
  }

  /**
   * Scans up to about `budget` bytes. Errors: a store read error ends the search (not found).
   */
  step(budget = 4 * SLICE): SearchStatus {
    if (this.finished) return this.finished;
    try {
      let spent = 0;
      while (spent < budget) {
        const decided = this.decided();
        if (decided) return this.decide(decided.match);
        const cursor = this.nextCursor();
        if (!cursor) break;
        spent += this.backward ? this.scanBackward(cursor) : this.scanForward(cursor);
      }
      const decided = this.decided();
      if (decided) return this.decide(decided.match);
      return { done: false, match: undefined, fraction: this.fraction() };
    } catch {
      return (this.finished = { done: true, match: undefined, fraction: this.fraction() });
    }
  }

  /** Done with `match`; or, nothing found and not yet round, on from the other end. */
  private decide(match: SearchMatch | undefined): SearchStatus {
    const flow = !match && !this.scansAll && !this.wrapped ? this.source.getFlow(this.flowId) : undefined;
    if (flow) {
      this.wrapped = true;
      this.place({ chunk: this.backward ? flow.chunkCount - 1 : 0 });
      return { done: false, match: undefined, fraction: 0 };
    }
    return (this.finished = { done: true, match, fraction: 1, wrapped: this.wrapped });
  }

  /** Sets a cursor per direction at `start`; the bytes between it and the end are the work to do. */
  private place(start: SearchStart): void {
    const { source, flowId, backward } = this;
    const flow = source.getFlow(flowId);
    let total = 0;
    this.cursors = [];
    this.scanned = 0;
    for (const dir of this.directions) {
      if (!flow) break;
      const extent = extentOf(flow, dir);
      const order = new UnitOrder(source, flowId, flow, dir);
      let position: number;
      // From an event row (not a gap), the bytes from the chunk shown after it (before it, backward).
      const row = 'match' in start && start.match.unit !== undefined && start.match.unit.kind !== 'chunk' ? start.match : undefined;
      if ('match' in start && !row && start.match.dir === dir) {
        position = backward ? start.match.offset : start.match.offset + 1;
      } else {
        const from = row ? (backward ? Math.floor(row.chunk) : Math.ceil(row.chunk)) : 'match' in start ? (backward ? start.match.chunk - 1 : start.match.chunk + 1) : start.chunk;
        const index = backward ? order.previousVisibleChunk(from) : order.nextVisibleChunk(from);
        const chunk = index < 0 ? undefined : source.getChunk(flowId, index);
        position = chunk ? (backward ? chunk.offset + chunk.length : chunk.offset) : backward ? 0 : extent;
      }
      const cursor: Cursor = { dir, position, frontier: 0, begin: position, found: undefined };
      this.updateFrontier(cursor);
      total += backward ? position : extent - position;
      this.cursors.push(cursor);
    }
    this.total = total;
    this.eventMatch = flow && this.rowSearch?.first(flow, start);
  }

  private fraction(): number {
    return this.total > 0 ? Math.min(1, this.scanned / this.total) : 1;
  }

  private exhausted(cursor: Cursor): boolean {
    return cursor.found !== undefined || (this.backward ? cursor.frontier < 0 : cursor.frontier === Infinity);
  }

  /** The answer when no cursor can find a better match any more. */
  private decided(): { match: SearchMatch | undefined } | undefined {
    let best: SearchMatch | undefined;
    for (const found of [...this.cursors.map((c) => c.found), this.eventMatch]) {
      if (found && (!best || (this.backward ? found.chunk > best.chunk : found.chunk < best.chunk))) best = found;
    }
    for (const c of this.cursors) {
      if (c.found || this.exhausted(c)) continue;
      if (!best) return undefined;
      if (this.backward ? c.frontier >= best.chunk : c.frontier <= best.chunk) return undefined;
    }
    return { match: best };
  }

  /** The live cursor whose reached chunk comes first in the search's direction. */
  private nextCursor(): Cursor | undefined {
    let chosen: Cursor | undefined;
    for (const c of this.cursors) {
      if (this.exhausted(c)) continue;
      if (!chosen || (this.backward ? c.frontier > chosen.frontier : c.frontier < chosen.frontier)) chosen = c;
    }
    return chosen;
  }

  private updateFrontier(cursor: Cursor): void {
    if (this.backward) {
      cursor.frontier = cursor.position <= 0 ? -1 : this.source.chunkAt(this.flowId, cursor.dir, cursor.position - 1);
      return;
    }
    const index = this.source.chunkAt(this.flowId, cursor.dir, cursor.position);
    cursor.frontier = index < 0 ? Infinity : index;
  }

  private found(cursor: Cursor, offset: number): void {
    const chunk = this.source.chunkAt(this.flowId, cursor.dir, offset);
    cursor.found = { dir: cursor.dir, offset, length: this.pattern.length, chunk };
  }

  /** Scans one slice forward from the cursor; returns the bytes consumed. */
  private scanForward(cursor: Cursor): number {
    const want = SLICE + this.pattern.length - 1;
    const bytes = readVia(this.source, this.flowId, cursor.dir, cursor.position, want, this.buffer);
    if (bytes.length === 0) {
      // A gap or hole: its row may match; else jump past it.
      const gap = this.rowSearch?.gapAt(cursor.dir, cursor.position, this.source.chunkAt(this.flowId, cursor.dir, cursor.position));
      if (gap) {
        cursor.found = gap;
        return 1;
      }
      const next = resumeAfterGap(this.source, this.flowId, cursor.dir, cursor.position);
      if (next === undefined || next <= cursor.position) cursor.frontier = Infinity;
      else {
        this.scanned += next - cursor.position;
        cursor.position = next;
        this.updateFrontier(cursor);
      }
      return 1;
    }
    const at = this.pattern.indexOf(bytes);
    const advance = bytes.length < want ? bytes.length : SLICE;
    if (at >= 0 && at < advance) {
      this.found(cursor, cursor.position + at);
      return at + 1;
    }
    cursor.position += advance;
    this.scanned += advance;
    this.updateFrontier(cursor);
    return advance;
  }

  /** Scans one slice backward from the cursor; returns the bytes consumed. */
  private scanBackward(cursor: Cursor): number {
    const end = cursor.position;
    let lower = Math.max(0, end - SLICE);
    let bytes = readVia(this.source, this.flowId, cursor.dir, lower, end - lower + this.pattern.length - 1, this.buffer);
    if (bytes.length < end - lower) {
      // A gap lies between: scan only the data chunk just below the cursor.
      const index = this.source.chunkAt(this.flowId, cursor.dir, end - 1);
      const chunk = index < 0 ? undefined : this.source.getChunk(this.flowId, index);
      if (!chunk || chunk.offset > end - 1) {
        cursor.frontier = -1;
        return 1;
      }
      if (chunk.kind === 'gap') {
        const gap = this.rowSearch?.gapAt(cursor.dir, cursor.position, index);
        if (gap) {
          cursor.found = gap;
          return 1;
        }
        this.scanned += end - chunk.offset;
        cursor.position = chunk.offset;
        this.updateFrontier(cursor);
        return 1;
      }
      lower = Math.max(chunk.offset, end - SLICE);
      bytes = readVia(this.source, this.flowId, cursor.dir, lower, end - lower + this.pattern.length - 1, this.buffer);
    }
    const at = end - lower - 1 >= 0 ? this.pattern.lastIndexOf(bytes, end - lower - 1) : -1;
    if (at >= 0) {
      this.found(cursor, lower + at);
      return end - lower - at;
    }
    this.scanned += end - lower;
    cursor.position = lower;
    this.updateFrontier(cursor);
    return Math.max(1, end - lower);
  }
}
