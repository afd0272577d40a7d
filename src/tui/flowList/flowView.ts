/**
 * The flow list's model: the flows shown (filter), their order (sort), the selected flow (focus)
 * and the scroll position, over a live {@link FlowSource}. Pure: no blessed, no timers; the app
 * calls {@link FlowView.refresh} once per frame and {@link FlowView.searchStep} while a `~text`
 * search is busy, then pulls the visible rows with {@link FlowView.rows}.
 *
 * Structures and costs (n = flows shown, k = flows changed in a frame, h = rows shown):
 * - `rows`: the shown flows in order ({@link SortedRows}: entries of id and cached sort key,
 *   sorted by key then id); `entries`: id → entry for every flow held.
 * - refresh: O(k log n) to read the changes and find the rows that leave or move; a flow
 *   arriving after the last row (every new flow in arrival order) is appended in O(1). Up to
 *   {@link SMALL_BATCH} changes are spliced one by one (O(n) memmove each); a bigger batch is
 *   removed in one pass and merged in in one O(n + k log k) pass. Never a full sort.
 * - moves (`j`, PgDn, `g`, `G`): O(1) with the focus position cached, O(log n) after a change;
 *   no flow record is read. `rows(top, h)` reads h records.
 * - setFilter / setSort: O(n log n), reading every record once.
 * The focus ({@link RowFocus}) stays on its flow across updates, inserts, removals and re-sorts;
 * when its flow leaves the view, the next row in the order is selected. Which flows match and
 * the text they show is {@link FlowMatcher}'s; the facts the columns fit, {@link ColumnFit}'s.
 */
import type { Filter, MessagesOf } from './filter.js';
import { UNICODE_GLYPHS, type Glyphs } from '../glyphs.js';
import type { SearchProgress } from './contentSearch.js';
import { FlowMatcher } from './flowMatcher.js';
import { windowRows } from './listWindow.js';
import { RowFocus } from './rowFocus.js';
import { keyMayChange, nextSortOrder, sortKey, type SortOrder } from './sortOrder.js';
import { SortedRows, type RowEntry } from './sortedRows.js';
import { ColumnFit } from './columnFit.js';
import type { EndpointColumns } from './columnLayout.js';
import type { RowPreview } from './rowFormat.js';
import type { ByteSource, FlowChanges, FlowSource, ListedFlow } from './source.js';
import { notFollowing, type Following } from '../following.js';

/** Above this many changes in one frame, rows are removed and inserted in one pass each. */
export const SMALL_BATCH = 32;

/** The list model; owns its change cursor (call `dispose`). */
export class FlowView {
  private readonly entries = new Map<number, RowEntry>();
  private readonly order = new SortedRows();
  private sortOrder: SortOrder = 'arrival';
  private readonly matcher: FlowMatcher;
  private readonly focus: RowFocus<RowEntry>;
  private readonly changes: FlowChanges;
  private readonly seen = new ColumnFit();

  /**
   * `onPending`: called when the store has changes for the next {@link refresh}. `messages`: the
   * flows' parsed messages, when kept (summaries in the preview column, message filter words).
   * `glyphs`: the terminal's, for the arrow and the ellipsis of the summaries. `following`: the
   * app's follow state, shared with the conversation.
   */
  constructor(
    private readonly source: FlowSource,
    bytes: ByteSource,
    onPending?: () => void,
    messages?: MessagesOf,
    glyphs: Glyphs = UNICODE_GLYPHS,
    private readonly following: Following = notFollowing(),
  ) {
    this.matcher = new FlowMatcher(bytes, messages, glyphs);
    this.focus = new RowFocus(this.order, following, () => this.newestRow());
    this.changes = source.watchChanges(onPending);
    for (const flow of source.flows()) this.entries.set(flow.id, this.newEntry(flow));
    this.rebuild();
    this.focus.settle(-1);
  }

  /** The latest timestamp of any flow seen: "now" for the age of open flows (capture time). */
  get latestTs(): number {
    return this.seen.latestTs;
  }

  /** The largest flow id seen: its digits make a number column that does not jump on scrolling. */
  get largestId(): number {
    return this.seen.largestId;
  }

  /** The widest client and server endpoints seen (display columns), and the client address all share if they do: the list's endpoint columns fit them. */
  get widestEndpoints(): EndpointColumns {
    return this.seen.widestEndpoints;
  }

  /**
   * What the preview column shows for `flow` (escaped), and what filters and searches read: the
   * summary of its messages when a protocol was recognised (`GET /a → 200 (3 req)`, `TLS
   * example.com h2`; `->` and `~` with ASCII glyphs; text as the messages mode shows it: a line's
   * bytes that are not UTF-8 as `\xNN`, a backslash single), else its first line. While the filter has
   * message words, the summary is of the exchange they point at (`#2 GET /nope → 404 (2 req)`).
   */
  describe(flow: ListedFlow): string {
    return this.matcher.describe(flow);
  }

  /** {@link describe}'s text with how the row colours it (see `FlowMatcher.preview`), its summary made once. */
  preview(flow: ListedFlow): RowPreview {
    return this.matcher.preview(flow);
  }

  /** The unit (HTTP exchange, line item) of flow `id` its row names (see {@link FlowMatcher.namedUnit}), if any: Enter opens the flow there. */
  namedUnit(id: number): number | undefined {
    return this.matcher.namedUnit(id);
  }

  /** Whether flow `id`'s bytes answer the filter's `~text` words as wanted (true without such words; false until searched). */
  bytesMatch(id: number): boolean {
    return this.matcher.bytesMatch(id);
  }

  /** Flows shown (after the filter). */
  get length(): number {
    return this.order.length;
  }

  /** Flows held by the store. */
  get total(): number {
    return this.source.size;
  }

  /** The current sort order (arrival at first). */
  get sort(): SortOrder {
    return this.sortOrder;
  }

  /** The current filter (`filter.text` for the status bar; MATCH_ALL at first). */
  get filter(): Filter {
    return this.matcher.filter;
  }

  /** The `~text` search's progress, or undefined when the filter has none. */
  get searchProgress(): (SearchProgress & { readonly busy: boolean }) | undefined {
    return this.matcher.searchProgress;
  }

  /** The focused flow's id, undefined when nothing is shown. */
  get focusedId(): number | undefined {
    return this.focus.entry?.id;
  }

  /** The focused row's index in the view, -1 when nothing is shown. */
  get focusIndex(): number {
    return this.focus.index;
  }

  /** Applies the store's changes since the previous call. Returns true when the rows changed. */
  refresh(): boolean {
    if (!this.changes.pending) return false;
    const ids = this.changes.take();
    const oldFocus = this.focusIndex;
    // Leaving rows are found by their keys while the rows are still sorted by them: new keys
    // are set after the batch's removals.
    const small = ids.length <= SMALL_BATCH;
    let rowsChanged = false;
    const touched: RowEntry[] = [];
    const keys: (number | string)[] = [];
    const shows: boolean[] = [];
    const mayMove = keyMayChange(this.sortOrder);
    for (const id of ids) {
      const flow = this.source.getFlow(id);
      let entry = this.entries.get(id);
      if (flow === undefined) {
        if (entry === undefined) continue;
        if (entry.shown) {
          this.order.remove(entry, small);
          rowsChanged = true;
        }
        this.entries.delete(id);
        this.matcher.forget(id);
        continue;
      }
      if (entry === undefined) {
        entry = this.newEntry(flow);
        this.entries.set(id, entry);
      }
      this.seen.changed(flow);
      this.matcher.queueSearch(flow);
      const key = mayMove ? sortKey(this.sortOrder, flow) : entry.key;
      const show = this.matcher.matches(flow);
      if (entry.shown) {
        if (show && key === entry.key) continue;
        this.order.remove(entry, small);
        rowsChanged = true;
      }
      touched.push(entry);
      keys.push(key);
      shows.push(show);
    }
    this.order.removeMarked();
    const moved: RowEntry[] = [];
    for (let i = 0; i < touched.length; i++) {
      touched[i].key = keys[i];
      if (shows[i]) moved.push(touched[i]);
    }
    if (!rowsChanged && moved.length === 0) return false;
    this.order.insertAll(moved, small);
    this.focus.settle(oldFocus);
    return true;
  }

  /**
   * Shows only the flows matching `filter`; a `~text` filter starts a byte search (see
   * {@link searchStep}), and any new filter drops the running search (that is how it is cancelled).
   */
  setFilter(filter: Filter): void {
    this.matcher.setFilter(filter);
    const oldFocus = this.focusIndex;
    this.rebuild();
    this.focus.settle(oldFocus);
  }

  /** Orders the flows by `order`; the focus stays on its flow. */
  setSort(order: SortOrder): void {
    if (order === this.sortOrder) return;
    this.sortOrder = order;
    for (const entry of this.entries.values()) {
      const flow = this.source.getFlow(entry.id);
      if (flow !== undefined) entry.key = sortKey(order, flow);
    }
    this.order.resort();
    this.focus.settle(-1);
  }

  /** Next sort order (`o`). */
  cycleSort(): SortOrder {
    this.setSort(nextSortOrder(this.sortOrder));
    return this.sortOrder;
  }

  /**
   * Searches about `budget` more bytes for a `~text` filter and shows the flows found (hides
   * those a `!~text` word now refuses). Returns true when rows changed; false when there is no
   * search or it is done (`searchProgress.busy`). `onAnswered` hears the flows whose
   * {@link bytesMatch} changed in this step, shown here or not (the exchange list reads them).
   */
  searchStep(budget: number, onAnswered?: (ids: readonly number[]) => void): boolean {
    const changed = this.matcher.searchStep(budget);
    if (changed.length > 0) onAnswered?.(changed);
    const oldFocus = this.focusIndex;
    const small = changed.length <= SMALL_BATCH;
    const moved: RowEntry[] = [];
    let removed = false;
    for (const id of changed) {
      const entry = this.entries.get(id);
      const flow = this.source.getFlow(id);
      if (entry === undefined || flow === undefined) continue;
      const show = this.matcher.matches(flow);
      if (entry.shown && !show) {
        this.order.remove(entry, small);
        removed = true;
      } else if (!entry.shown && show) {
        entry.key = sortKey(this.sortOrder, flow);
        moved.push(entry);
      }
    }
    this.order.removeMarked();
    if (moved.length === 0 && !removed) return false;
    this.order.insertAll(moved, small);
    this.focus.settle(oldFocus);
    return true;
  }

  /**
   * The list follows new flows (`F`): the focus goes to the newest flow's row at each change (the
   * last row; the first in the `newest` order); a move away from it turns it off. Set it with
   * {@link setFollow}.
   */
  get follow(): boolean {
    return this.following.on;
  }

  /** Turns following on (the focus goes to the newest flow's row now) or off. */
  setFollow(on: boolean): void {
    this.focus.setFollow(on);
  }

  /** The row where new flows arrive: the first in the `newest` order, else the last. */
  private newestRow(): number {
    return this.sortOrder === 'newest' ? 0 : this.order.length - 1;
  }

  /** Moves the focus by `delta` rows (negative: up), clamped to the list. */
  moveBy(delta: number): void {
    this.focus.moveBy(delta);
  }

  /** Focuses row `index` (clamped): 0 is `g`, `length - 1` is `G`. */
  moveTo(index: number): void {
    this.focus.moveTo(index);
  }

  /** The mouse wheel: the view of a pane of `height` rows and the focus move by `delta` rows (see `RowFocus.scrollBy`). */
  scrollBy(delta: number, height: number): void {
    this.focus.scrollBy(delta, height);
  }

  /** Whether the flow with this id is shown (held and matching the filter). */
  shows(id: number): boolean {
    return this.entries.get(id)?.shown === true;
  }

  /** Focuses the flow with this id when it is shown; returns whether it is. */
  focusFlow(id: number): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined || !entry.shown) return false;
    this.focus.focus(entry);
    return true;
  }

  /** The first row to draw in a pane of `height` rows, scrolled as little as needed to show the focus (see `RowFocus.top`). */
  top(height: number): number {
    return this.focus.top(height);
  }

  /** The records of rows [top, top + height), fewer at the end; reads only those records. */
  rows(top: number, height: number): ListedFlow[] {
    return windowRows(this.order.length, top, height, (i) => this.source.getFlow(this.order.at(i).id));
  }

  /** Ids of the flows shown, in the view's order (for `w`). O(n). */
  shownIds(): number[] {
    const ids: number[] = [];
    for (let i = 0; i < this.order.length; i++) ids.push(this.order.at(i).id);
    return ids;
  }

  /** Stops reading the store's changes. */
  dispose(): void {
    this.changes.close();
  }

  private newEntry(flow: ListedFlow): RowEntry {
    this.seen.added(flow);
    return { id: flow.id, key: sortKey(this.sortOrder, flow), shown: false };
  }

  /** Recomputes the rows from every entry (filter, then sort); queues a new search's flows. */
  private rebuild(): void {
    const shown: RowEntry[] = [];
    for (const entry of this.entries.values()) {
      const flow = this.source.getFlow(entry.id);
      if (flow === undefined) continue;
      this.matcher.queueSearch(flow);
      if (this.matcher.matches(flow)) shown.push(entry);
    }
    this.order.replaceAll(shown);
  }
}
