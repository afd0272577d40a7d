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
 * The focus is a flow id: it stays on its flow across updates, inserts, removals and re-sorts;
 * when its flow leaves the view, the row that took its place (or the last) is selected.
 */
import type { Filter } from './filter.js';
import { matchesWithoutBytes, MATCH_ALL, withoutTextWords, type MessagesOf } from './filter.js';
import { escapeText } from '../../render/escape.js';
import { textArrow, UNICODE_GLYPHS, type Glyphs } from '../glyphs.js';
import { ContentSearch, type SearchProgress } from './contentSearch.js';
import { PreviewCache } from './preview.js';
import { clampRow, ListWindow, windowRows } from './listWindow.js';
import { matchedExchange } from './matchedExchange.js';
import { keyMayChange, nextSortOrder, sortKey, type SortOrder } from './sortOrder.js';
import { SortedRows, type RowEntry } from './sortedRows.js';
import { endpointColumns } from './rowFormat.js';
import type { ByteSource, FlowChanges, FlowSource, ListedFlow } from './source.js';
import { notFollowing, type Following } from '../following.js';

/** Above this many changes in one frame, rows are removed and inserted in one pass each. */
export const SMALL_BATCH = 32;

/** The list model; owns its change cursor (call `dispose`). */
export class FlowView {
  private readonly entries = new Map<number, RowEntry>();
  private readonly order = new SortedRows();
  private sortOrder: SortOrder = 'arrival';
  private activeFilter: Filter = MATCH_ALL;
  private search: ContentSearch | undefined;
  /** The words a flow must match to be byte-searched: the filter's but its text words (the exchange list reads them per exchange). */
  private searchGate: Filter = MATCH_ALL;
  private focusId: number | undefined;
  /** Index of the focused entry in the rows, or -1 when it must be searched again. */
  private focusPos = -1;
  private readonly window = new ListWindow();
  private readonly changes: FlowChanges;
  /** Previews (first lines), cached per flow. */
  readonly previews: PreviewCache;
  private readonly previewOf = (flow: ListedFlow): string => this.describe(flow);
  /** The latest timestamp of any flow seen: "now" for the age of open flows (capture time). */
  latestTs = 0;
  /** The largest flow id seen: its digits make a number column that does not jump on scrolling. */
  largestId = 0;
  /** The widest client and server endpoints seen (display columns), and the client and server addresses all share if they do: the list's endpoint columns fit them. */
  readonly widestEndpoints: { client: number; server: number; sharedClient: string | undefined; sharedServer: string | undefined } = { client: 0, server: 0, sharedClient: undefined, sharedServer: undefined };
  /** Two flows seen had different client (server) addresses: no shared one any more. */
  private clientsDiffer = false;
  private serversDiffer = false;

  /**
   * `onPending`: called when the store has changes for the next {@link refresh}. `messages`: the
   * flows' parsed messages, when kept (summaries in the preview column, message filter words).
   * `glyphs`: the terminal's, for the arrow and the ellipsis of the summaries. `following`: the
   * app's follow state, shared with the conversation.
   */
  constructor(
    private readonly source: FlowSource,
    private readonly bytes: ByteSource,
    onPending?: () => void,
    private readonly messages?: MessagesOf,
    private readonly glyphs: Glyphs = UNICODE_GLYPHS,
    private readonly following: Following = notFollowing(),
  ) {
    this.previews = new PreviewCache(bytes);
    this.changes = source.watchChanges(onPending);
    for (const flow of source.flows()) this.entries.set(flow.id, this.newEntry(flow));
    this.rebuild();
    this.settle(-1);
  }

  /**
   * What the preview column shows for `flow` (escaped), and what filters and searches read: the
   * summary of its messages when a protocol was recognised (`GET /a → 200 (3 req)`, `TLS
   * example.com h2`; `->` and `~` with ASCII glyphs), else its first line. While the filter has
   * message words, the summary is of the exchange they point at (`#2 GET /nope → 404 (2 req)`).
   */
  describe(flow: ListedFlow): string {
    const messages = this.messages?.(flow.id);
    const summary = messages?.summary(matchedExchange(this.activeFilter, messages));
    if (!summary) return this.previews.get(flow);
    const text = escapeText(summary);
    return this.glyphs === UNICODE_GLYPHS ? text : text.replaceAll('→', textArrow(this.glyphs)).replaceAll('…', this.glyphs.ellipsis);
  }

  /** The exchange of flow `id` the filter's message words point at (see `matchedExchange.ts`), if any. */
  matchedExchange(id: number): number | undefined {
    return matchedExchange(this.activeFilter, this.messages?.(id));
  }

  /** Whether flow `id`'s bytes answer the filter's `~text` words as wanted (true without such words; false until searched). */
  bytesMatch(id: number): boolean {
    return this.search === undefined || this.search.matches(id);
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
    return this.activeFilter;
  }

  /** The `~text` search's progress, or undefined when the filter has none. */
  get searchProgress(): (SearchProgress & { readonly busy: boolean }) | undefined {
    return this.search === undefined ? undefined : { ...this.search.progress, busy: this.search.busy };
  }

  /** The focused flow's id, undefined when nothing is shown. */
  get focusedId(): number | undefined {
    return this.focusId;
  }

  /** The focused row's index in the view, -1 when nothing is shown. */
  get focusIndex(): number {
    if (this.focusId === undefined) return -1;
    if (this.focusPos < 0 || this.focusPos >= this.order.length || this.order.at(this.focusPos).id !== this.focusId) {
      const entry = this.entries.get(this.focusId);
      this.focusPos = entry !== undefined && entry.shown ? this.order.indexOf(entry) : -1;
    }
    return this.focusPos;
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
        this.previews.forget(id);
        this.search?.forget(id);
        continue;
      }
      if (entry === undefined) {
        entry = this.newEntry(flow);
        this.entries.set(id, entry);
      }
      if (flow.lastTs > this.latestTs) this.latestTs = flow.lastTs;
      this.queueSearch(flow);
      const key = mayMove ? sortKey(this.sortOrder, flow) : entry.key;
      const show = this.matches(flow);
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
    this.settle(oldFocus);
    return true;
  }

  /**
   * Shows only the flows matching `filter`; a `~text` filter starts a byte search (see
   * {@link searchStep}), and any new filter drops the running search (that is how it is cancelled).
   */
  setFilter(filter: Filter): void {
    this.activeFilter = filter;
    this.searchGate = withoutTextWords(filter);
    this.search = filter.needles.length > 0 ? new ContentSearch(this.bytes, filter.needles) : undefined;
    const oldFocus = this.focusIndex;
    this.rebuild();
    this.settle(oldFocus);
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
    this.settle(-1);
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
    if (this.search === undefined || !this.search.busy) return false;
    const changed = this.search.step(budget);
    if (changed.length > 0) onAnswered?.(changed);
    const oldFocus = this.focusIndex;
    const small = changed.length <= SMALL_BATCH;
    const moved: RowEntry[] = [];
    let removed = false;
    for (const id of changed) {
      const entry = this.entries.get(id);
      const flow = this.source.getFlow(id);
      if (entry === undefined || flow === undefined) continue;
      const show = this.matches(flow);
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
    this.settle(oldFocus);
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
    this.following.on = on;
    if (on && this.order.length > 0) this.moveTo(this.newestRow());
  }

  /** The row where new flows arrive: the first in the `newest` order, else the last. */
  private newestRow(): number {
    return this.sortOrder === 'newest' ? 0 : this.order.length - 1;
  }

  /** Moves the focus by `delta` rows (negative: up), clamped to the list. */
  moveBy(delta: number): void {
    const at = this.focusIndex;
    if (at < 0) return;
    this.moveTo(at + delta);
  }

  /** Focuses row `index` (clamped): 0 is `g`, `length - 1` is `G`. */
  moveTo(index: number): void {
    if (this.order.length === 0) return;
    const at = clampRow(index, this.order.length);
    this.focusId = this.order.at(at).id;
    this.focusPos = at;
    if (at !== this.newestRow()) this.following.on = false;
  }

  /**
   * The mouse wheel: the view of a pane of `height` rows moves by `delta` rows, as far as the
   * list goes, and the focus by `delta` too (clamped), so it keeps its place on the screen until
   * the view reaches an end.
   */
  scrollBy(delta: number, height: number): void {
    this.window.scrollBy(delta, height, this.order.length, this.focusIndex);
    this.moveBy(delta);
  }

  /** Whether the flow with this id is shown (held and matching the filter). */
  shows(id: number): boolean {
    return this.entries.get(id)?.shown === true;
  }

  /** Focuses the flow with this id when it is shown; returns whether it is. */
  focusFlow(id: number): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined || !entry.shown) return false;
    this.focusId = id;
    this.focusPos = -1;
    return true;
  }

  /**
   * The first row to draw in a pane of `height` rows: the previous one, scrolled as little as
   * needed to show the focus, and never past the end. O(1) with the focus position known.
   */
  top(height: number): number {
    return this.window.top(height, this.order.length, this.focusIndex);
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

  /** Queues a flow for the `~text` search when the other words but text words match it and its answer may change. */
  private queueSearch(flow: ListedFlow): void {
    const search = this.search;
    if (search === undefined || search.settled(flow.id)) return;
    if (matchesWithoutBytes(this.searchGate, flow, this.previewOf, this.messages)) search.enqueue(flow.id);
  }

  private newEntry(flow: ListedFlow): RowEntry {
    if (flow.lastTs > this.latestTs) this.latestTs = flow.lastTs;
    if (flow.id > this.largestId) this.largestId = flow.id;
    const widest = this.widestEndpoints;
    widest.client = Math.max(widest.client, endpointColumns(flow.key.client));
    widest.server = Math.max(widest.server, endpointColumns(flow.key.server));
    if (!this.clientsDiffer && widest.sharedClient !== flow.key.client.addr) {
      this.clientsDiffer = widest.sharedClient !== undefined;
      widest.sharedClient = this.clientsDiffer ? undefined : flow.key.client.addr;
    }
    if (!this.serversDiffer && widest.sharedServer !== flow.key.server.addr) {
      this.serversDiffer = widest.sharedServer !== undefined;
      widest.sharedServer = this.serversDiffer ? undefined : flow.key.server.addr;
    }
    return { id: flow.id, key: sortKey(this.sortOrder, flow), shown: false };
  }

  private matches(flow: ListedFlow): boolean {
    if (this.search !== undefined && !this.search.matches(flow.id)) return false;
    return matchesWithoutBytes(this.activeFilter, flow, this.previewOf, this.messages);
  }

  /** Recomputes the rows from every entry (filter, then sort); queues a new search's flows. */
  private rebuild(): void {
    const shown: RowEntry[] = [];
    for (const entry of this.entries.values()) {
      const flow = this.source.getFlow(entry.id);
      if (flow === undefined) continue;
      this.queueSearch(flow);
      if (this.matches(flow)) shown.push(entry);
    }
    this.order.replaceAll(shown);
    this.focusPos = -1;
  }

  /**
   * After a change: keeps the focus on its flow, else puts it on row `oldFocus` (the row that
   * took its place) or the last; under `follow`, on the newest flow's row.
   */
  private settle(oldFocus: number): void {
    this.focusPos = -1;
    if (this.order.length === 0) {
      this.focusId = undefined;
    } else if (this.follow) {
      this.focusId = this.order.at(this.newestRow()).id;
    } else {
      const entry = this.focusId === undefined ? undefined : this.entries.get(this.focusId);
      if (entry === undefined || !entry.shown) {
        this.focusId = this.order.at(clampRow(oldFocus, this.order.length)).id;
      }
    }
  }
}
