/**
 * A list's selection over its sorted rows: the focused entry, which stays on its entry across
 * inserts, removals and re-sorts; its row (cached, found again in O(log n) after a change); the
 * window of rows shown; and following (`F`), which keeps the focus on the newest row. Pure.
 */
import type { Following } from '../following.js';
import { clampRow, ListWindow } from './listWindow.js';
import type { RowEntry, SortedRows } from './sortedRows.js';

/** The focus of one list; the list says when its rows changed ({@link settle}). */
export class RowFocus<Entry extends RowEntry> {
  private focused: Entry | undefined;
  /** The focused entry's sort key when it was last focused or settled: where it stood, should it leave the rows with a new key. */
  private focusedKey: number | string = 0;
  /** Index of the focused entry in the rows, or -1 when it must be searched again. */
  private pos = -1;
  private readonly window = new ListWindow();

  /** `rows`: the list's rows (entries of type `Entry`); `newestRow`: the row new entries arrive at. */
  constructor(
    private readonly rows: SortedRows,
    private readonly following: Following,
    private readonly newestRow: () => number,
  ) {}

  /** The focused entry, undefined when no row is shown. */
  get entry(): Entry | undefined {
    return this.focused;
  }

  /** The focused row's index, -1 when no row is shown. */
  get index(): number {
    const focused = this.focused;
    if (focused === undefined) return -1;
    if (this.pos < 0 || this.pos >= this.rows.length || this.rows.at(this.pos) !== focused) {
      this.pos = focused.shown ? this.rows.indexOf(focused) : -1;
    }
    return this.pos;
  }

  /** Moves the focus by `delta` rows (negative: up), clamped to the list. */
  moveBy(delta: number): void {
    const at = this.index;
    if (at >= 0) this.moveTo(at + delta);
  }

  /** Focuses row `index` (clamped); a move off the newest row stops following. */
  moveTo(index: number): void {
    if (this.rows.length === 0) return;
    const at = clampRow(index, this.rows.length);
    this.setFocus(this.rows.at(at) as Entry);
    this.pos = at;
    if (at !== this.newestRow()) this.following.on = false;
  }

  /**
   * The mouse wheel: the view of a pane of `height` rows moves by `delta` rows, as far as the
   * list goes, and the focus by `delta` too (clamped), so it keeps its place on the screen until
   * the view reaches an end.
   */
  scrollBy(delta: number, height: number): void {
    this.window.scrollBy(delta, height, this.rows.length, this.index);
    this.moveBy(delta);
  }

  /**
   * The first row to draw in a pane of `height` rows: the previous one, scrolled as little as
   * needed to show the focus, and never past the end. O(1) with the focus position known.
   */
  top(height: number): number {
    return this.window.top(height, this.rows.length, this.index);
  }

  /** Turns following on (the focus goes to the newest row now) or off. */
  setFollow(on: boolean): void {
    this.following.on = on;
    if (on) this.moveTo(this.newestRow());
  }

  /** Focuses `entry`, a shown one. */
  focus(entry: Entry): void {
    this.setFocus(entry);
    this.pos = -1;
  }

  private setFocus(entry: Entry | undefined): void {
    this.focused = entry;
    if (entry !== undefined) this.focusedKey = entry.key;
  }

  /**
   * After the rows changed: the focus stays on its entry; an entry no longer shown (filtered out,
   * evicted) gives it to the row that now stands where it stood in the order (the next one; the
   * last row when it was past the end); with no entry focused, row `oldFocus`, clamped; when
   * following, the newest row.
   */
  settle(oldFocus: number): void {
    this.pos = -1;
    const count = this.rows.length;
    const focused = this.focused;
    if (count === 0) this.setFocus(undefined);
    else if (this.following.on) this.setFocus(this.rows.at(this.newestRow()) as Entry);
    else if (focused === undefined) this.setFocus(this.rows.at(clampRow(oldFocus, count)) as Entry);
    // Where it stood: under the key it had then (a flow leaving a filter may have changed its key too).
    else if (!focused.shown) this.setFocus(this.rows.at(clampRow(this.rows.lowerBound({ id: focused.id, key: this.focusedKey, shown: false }), count)) as Entry);
    else this.focusedKey = focused.key;
  }
}
