/**
 * Counting a search's matches in a whole flow, for `match 3 of 17`: every start of the pattern
 * in the directions searched (overlapping ones too, as `n` finds them), never across a gap.
 * Incremental like the search itself: `step()` scans at most a budget of bytes, and a flow that
 * grew is counted on from where the count stopped ({@link grow}). Keeps the matches' places, up
 * to {@link MAX_COUNTED}; past that it says only that there are more.
 */
import { formatCount } from '../../core/count.js';
import type { Direction } from '../../core/types.js';
import { ByteMatcher, type BytePattern } from '../byteMatcher.js';
import type { SearchMatch } from './search.js';
import type { ConversationSource } from './source.js';
import { extentOf, readVia, resumeAfterGap } from './source.js';
import { EventRowSearch, eventRows, rowHas } from './eventRows.js';
import type { ConversationSettings } from './settings.js';

/** Matches counted at most: past it the count reads `10,000+`. */
export const MAX_COUNTED = 10_000;

/** Bytes read per slice. */
const SLICE = 1 << 20;

/** The count so far of a flow's matches. Owned by the pane; drop it to stop. */
export class MatchCounter {
  private readonly matcher: ByteMatcher;
  private readonly buffer: Uint8Array;
  private ends: number[];
  /** Per direction searched: where the scan stands. */
  private readonly cursors: { dir: Direction; position: number }[];
  /** Match places as (arrival index of the chunk, offset), in display order once done. */
  private places: { chunk: number; offset: number; dir: Direction; event?: boolean }[] = [];
  private over = false;
  private finished = false;
  /** The gap rows' part of the count, when `rows` asked for them. */
  private readonly gapRows: EventRowSearch | undefined;

  /** `rows`: the settings the `=` rows are shown with, to count their matches too (see search.ts); without, bytes only. */
  constructor(
    private readonly source: ConversationSource,
    private readonly flowId: number,
    pattern: BytePattern,
    directions: readonly Direction[],
    private readonly rows?: ConversationSettings,
  ) {
    this.matcher = new ByteMatcher(pattern);
    this.gapRows = rows && new EventRowSearch(source, flowId, this.matcher, rows, false);
    this.buffer = new Uint8Array(SLICE + Math.max(0, this.matcher.length - 1));
    this.cursors = directions.map((dir) => ({ dir, position: 0 }));
    this.ends = this.extents();
  }

  /** The flow got more bytes (live): counts on from where it stopped, at the next {@link step}s. */
  grow(): void {
    const ends = this.extents();
    if (ends.every((end, k) => end === this.ends[k])) return;
    this.ends = ends;
    if (!this.over) this.finished = false;
  }

  private extents(): number[] {
    const flow = this.source.getFlow(this.flowId);
    return this.cursors.map(({ dir }) => (flow ? extentOf(flow, dir) : 0));
  }

  /** True while direction `k` may hold a match not counted yet. */
  private left(k: number): boolean {
    return this.ends[k] - this.cursors[k].position >= this.matcher.length;
  }

  /** True once every byte was scanned (or the cap was reached). */
  get done(): boolean {
    return this.finished;
  }

  /** Scans up to about `budget` bytes; returns {@link done}. A store read error ends the count as it stands. */
  step(budget = 4 * SLICE): boolean {
    if (this.finished) return true;
    try {
      let spent = 0;
      for (let k = 0; k < this.cursors.length && spent < budget && !this.over; k++) {
        while (spent < budget && this.left(k) && !this.over) spent += this.scan(k);
      }
      if (!this.over && this.cursors.some((_, k) => this.left(k))) return false;
    } catch {
      // The count stands as far as it got.
    }
    this.countEventRows();
    this.places.sort((a, b) => a.chunk - b.chunk || a.offset - b.offset);
    this.finished = true;
    return true;
  }

  /** The event rows (not gaps) that match, as places (made again at each end of a count: a flow grows); past the cap, {@link over}. */
  private countEventRows(): void {
    this.places = this.places.filter((p) => p.event !== true);
    const rows = this.rows;
    const flow = rows ? this.source.getFlow(this.flowId) : undefined;
    if (!rows || !flow) return;
    for (const row of eventRows(this.source, this.flowId, flow, rows)) {
      if (!rowHas(this.matcher, row.text, rows)) continue;
      if (this.places.length === MAX_COUNTED) {
        this.over = true;
        return;
      }
      this.places.push({ chunk: row.chunk, offset: row.line, dir: 'c2s', event: true });
    }
  }

  /**
   * `match 3 of 17` for `match` (one the search found; `of 10,000+` past the cap; its number left
   * out when it is not among those counted), or '' before the count is done.
   */
  describe(match: SearchMatch): string {
    if (!this.finished) return '';
    const total = `${formatCount(this.places.length)}${this.over ? '+' : ''}`;
    const places = this.places;
    let low = 0;
    let high = places.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const p = places[mid];
      if (p.chunk < match.chunk || (p.chunk === match.chunk && p.offset < match.offset)) low = mid + 1;
      else high = mid;
    }
    const at = places[low];
    const known = at !== undefined && at.dir === match.dir && at.offset === match.offset;
    return known ? `match ${formatCount(low + 1)} of ${total}` : `${total} matches`;
  }

  /** Scans one slice of direction `k` from its cursor; returns the bytes consumed (at least 1). */
  private scan(k: number): number {
    const cursor = this.cursors[k];
    const { source, flowId } = this;
    const want = Math.min(SLICE + this.matcher.length - 1, this.ends[k] - cursor.position);
    const bytes = readVia(source, flowId, cursor.dir, cursor.position, want, this.buffer);
    if (bytes.length === 0) {
      // A gap (its row counted when it matches) or a hole: on to the next chunk's bytes.
      const gap = this.gapRows?.gapAt(cursor.dir, cursor.position, source.chunkAt(flowId, cursor.dir, cursor.position));
      if (gap) {
        if (this.places.length === MAX_COUNTED) this.over = true;
        else this.places.push({ chunk: gap.chunk, offset: gap.offset, dir: gap.dir });
      }
      const next = resumeAfterGap(source, flowId, cursor.dir, cursor.position) ?? this.ends[k];
      const moved = Math.max(1, next - cursor.position);
      cursor.position = next > cursor.position ? next : this.ends[k];
      return moved;
    }
    // Starts in the last length-1 bytes are looked for in the next slice, or once the flow grew
    // (the next read starts with them); a gap ends what a match can span.
    const advance = bytes.length < want ? bytes.length : bytes.length - (this.matcher.length - 1);
    this.matcher.eachStart(bytes, advance, (at) => {
      if (this.places.length === MAX_COUNTED) {
        this.over = true;
        return false;
      }
      const offset = cursor.position + at;
      this.places.push({ chunk: source.chunkAt(flowId, cursor.dir, offset), offset, dir: cursor.dir });
      return true;
    });
    cursor.position += advance;
    return advance;
  }
}
