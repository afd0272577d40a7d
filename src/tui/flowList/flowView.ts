/**
 * The flow list's model: the flows shown (filter), their order (sort), the selected flow (focus)
 * and the scroll position, over a live {@link FlowSource}. Pure: no blessed, no timers; the app
 * calls {@link FlowView.refresh} once per frame and {@link FlowView.searchStep} while a `~text`
 * search is busy, then pulls the visible rows with {@link FlowView.rows}.
 *
 * Structures and costs (n = flows shown, k = flows changed in a frame, h = rows shown):
 * - `order`: the shown flows' entries (id, cached sort key), sorted by key then id (engines
 *   number flows as they start: id order is arrival order); `entries`: id → entry for every
 *   flow held.
 * - refresh: O(k log n) to read the changes and find the rows that leave or move; a flow
 *   arriving after the last row (every new flow in arrival order) is appended in O(1). In a
 *   batch of up to {@link SMALL_BATCH} changes, each leaving or moving row is spliced (an O(n)
 *   memmove); in a bigger batch the leaving rows are spliced out at once when contiguous (the
 *   oldest flows evicted, in arrival order), else swept out in one in-place pass, and the moving rows merged in in one O(n + k log k) pass. Never a full sort.
 * - moves (`j`, PgDn, `g`, `G`): O(1) with the focus position cached, O(log n) after a change;
 *   no flow record is read. `rows(top, h)` reads h records.
 * - setFilter / setSort: O(n log n), reading every record once.
 * The focus is a flow id: it stays on its flow across updates, inserts, removals and re-sorts;
 * when its flow leaves the view, the row that took its place (or the last) is selected.
 */
import type { Filter } from './filter.js';
import { matchesWithoutBytes, MATCH_ALL } from './filter.js';
import { ContentSearch, type SearchProgress } from './contentSearch.js';
import { PreviewCache } from './preview.js';
import { keyMayChange, nextSortOrder, sortKey, type SortOrder } from './sortOrder.js';
import type { ByteSource, FlowChanges, FlowSource, ListedFlow } from './source.js';

/** Above this many moved rows in one frame, they are merged in one pass instead of spliced. */
export const SMALL_BATCH = 32;

/** One flow as the view orders it. */
interface Entry {
  /** The flow's id: engines number flows in the order they start, so this is arrival order. */
  readonly id: number;
  key: number | string;
  /** In `order`. */
  shown: boolean;
}

function compare(a: Entry, b: Entry): number {
  const x = a.key;
  const y = b.key;
  if (typeof x === 'number') return (x as number) - (y as number) || a.id - b.id;
  if (x < y) return -1;
  if (x > y) return 1;
  return a.id - b.id;
}

/** The list model; owns its change cursor (call `dispose`). */
export class FlowView {
  private readonly entries = new Map<number, Entry>();
  private order: Entry[] = [];
  private sortOrder: SortOrder = 'arrival';
  private activeFilter: Filter = MATCH_ALL;
  private search: ContentSearch | undefined;
  private focusId: number | undefined;
  /** Index of the focused entry in `order`, or -1 when it must be searched again. */
  private focusPos = -1;
  private scrollTop = 0;
  private readonly changes: FlowChanges;
  /** Previews (first lines), cached per flow. */
  readonly previews: PreviewCache;
  private readonly previewOf = (flow: ListedFlow): string => this.previews.get(flow);
  /** The latest timestamp of any flow seen: "now" for the age of open flows (capture time). */
  latestTs = 0;
  /** The list follows new flows: the focus goes to the last row at each refresh. */
  follow = false;

  /** `onPending`: called when the store has changes for the next {@link refresh}. */
  constructor(
    private readonly source: FlowSource,
    private readonly bytes: ByteSource,
    onPending?: () => void,
  ) {
    this.previews = new PreviewCache(bytes);
    this.changes = source.watchChanges(onPending);
    for (const flow of source.flows()) this.entries.set(flow.id, this.newEntry(flow));
    this.rebuild();
    this.settle(-1);
  }

  /** Flows shown (after the filter). */
  get length(): number {
    return this.order.length;
  }

  /** Flows held by the store. */
  get total(): number {
    return this.source.size;
  }

  get sort(): SortOrder {
    return this.sortOrder;
  }

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
    if (this.focusPos < 0 || this.order[this.focusPos]?.id !== this.focusId) {
      const entry = this.entries.get(this.focusId);
      this.focusPos = entry !== undefined && entry.shown ? this.indexOf(entry) : -1;
    }
    return this.focusPos;
  }

  /** Applies the store's changes since the previous call. Returns true when the rows changed. */
  refresh(): boolean {
    if (!this.changes.pending) return false;
    const ids = this.changes.take();
    const oldFocus = this.focusIndex;
    // Leaving rows are found by their current keys while `order` is still sorted by them (new
    // keys are set after): spliced at once in a small batch, swept in one pass in a big one.
    const small = ids.length <= SMALL_BATCH;
    let sweepFrom = this.order.length;
    let sweepLast = -1;
    let leaving = 0;
    let rowsChanged = false;
    const touched: Entry[] = [];
    const keys: (number | string)[] = [];
    const shows: boolean[] = [];
    const mayMove = keyMayChange(this.sortOrder);
    for (const id of ids) {
      const flow = this.source.getFlow(id);
      let entry = this.entries.get(id);
      if (flow === undefined) {
        if (entry === undefined) continue;
        if (entry.shown) {
          const at = this.takeOut(entry, small);
          if (at < this.order.length) [sweepFrom, sweepLast, leaving] = [Math.min(sweepFrom, at), Math.max(sweepLast, at), leaving + 1];
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
        const at = this.takeOut(entry, small);
        if (at < this.order.length) [sweepFrom, sweepLast, leaving] = [Math.min(sweepFrom, at), Math.max(sweepLast, at), leaving + 1];
        rowsChanged = true;
      }
      touched.push(entry);
      keys.push(key);
      shows.push(show);
    }
    // Contiguous leaving rows (the oldest flows evicted, in arrival order) go in one splice.
    if (leaving > 0 && sweepLast - sweepFrom + 1 === leaving) this.order.splice(sweepFrom, leaving);
    else if (leaving > 0) this.sweep(sweepFrom);
    const moved: Entry[] = [];
    for (let i = 0; i < touched.length; i++) {
      touched[i].key = keys[i];
      if (shows[i]) moved.push(touched[i]);
    }
    if (!rowsChanged && moved.length === 0) return false;
    this.insertAll(moved, small);
    this.settle(oldFocus);
    return true;
  }

  /**
   * Shows only the flows matching `filter`; a `~text` filter starts a byte search (see
   * {@link searchStep}), and any new filter drops the running search (that is how it is cancelled).
   */
  setFilter(filter: Filter): void {
    this.activeFilter = filter;
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
    this.order.sort(compare);
    this.settle(-1);
  }

  /** Next sort order (`o`). */
  cycleSort(): SortOrder {
    this.setSort(nextSortOrder(this.sortOrder));
    return this.sortOrder;
  }

  /**
   * Searches about `budget` more bytes for a `~text` filter and shows the flows found. Returns
   * true when rows were added; false when there is no search or it is done (`searchProgress.busy`).
   */
  searchStep(budget: number): boolean {
    if (this.search === undefined || !this.search.busy) return false;
    const found = this.search.step(budget);
    const moved: Entry[] = [];
    for (const id of found) {
      const entry = this.entries.get(id);
      const flow = this.source.getFlow(id);
      if (entry === undefined || flow === undefined || entry.shown || !this.matches(flow)) continue;
      entry.key = sortKey(this.sortOrder, flow);
      moved.push(entry);
    }
    if (moved.length === 0) return false;
    const oldFocus = this.focusIndex;
    this.insertAll(moved, moved.length <= SMALL_BATCH);
    this.settle(oldFocus);
    return true;
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
    const at = Math.max(0, Math.min(this.order.length - 1, index));
    this.focusId = this.order[at].id;
    this.focusPos = at;
    if (at < this.order.length - 1) this.follow = false;
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
    const rows = Math.max(1, height);
    const at = this.focusIndex;
    let top = this.scrollTop;
    if (at >= 0) {
      if (at < top) top = at;
      else if (at >= top + rows) top = at - rows + 1;
    }
    top = Math.max(0, Math.min(top, this.order.length - rows));
    this.scrollTop = top;
    return top;
  }

  /** The records of rows [top, top + height), fewer at the end; reads only those records. */
  rows(top: number, height: number): ListedFlow[] {
    const out: ListedFlow[] = [];
    const end = Math.min(this.order.length, Math.max(0, top) + Math.max(0, height));
    for (let i = Math.max(0, top); i < end; i++) {
      const flow = this.source.getFlow(this.order[i].id);
      if (flow !== undefined) out.push(flow);
    }
    return out;
  }

  /** Stops reading the store's changes. */
  dispose(): void {
    this.changes.close();
  }

  /** Queues a flow for the `~text` search when the other words match it and it is not found yet. */
  private queueSearch(flow: ListedFlow): void {
    const search = this.search;
    if (search === undefined || search.matches(flow.id)) return;
    if (matchesWithoutBytes(this.activeFilter, flow, this.previewOf)) search.enqueue(flow.id);
  }

  private newEntry(flow: ListedFlow): Entry {
    if (flow.lastTs > this.latestTs) this.latestTs = flow.lastTs;
    return { id: flow.id, key: sortKey(this.sortOrder, flow), shown: false };
  }

  private matches(flow: ListedFlow): boolean {
    if (this.search !== undefined && !this.search.matches(flow.id)) return false;
    return matchesWithoutBytes(this.activeFilter, flow, this.previewOf);
  }

  /** Recomputes `order` from every entry (filter, then sort); queues a new search's flows. */
  private rebuild(): void {
    for (const entry of this.order) entry.shown = false;
    const order: Entry[] = [];
    for (const entry of this.entries.values()) {
      const flow = this.source.getFlow(entry.id);
      if (flow === undefined) continue;
      this.queueSearch(flow);
      if (!this.matches(flow)) continue;
      entry.shown = true;
      order.push(entry);
    }
    order.sort(compare);
    this.order = order;
    this.focusPos = -1;
  }

  /** Position of a shown entry, by binary search on its current key. */
  private indexOf(entry: Entry): number {
    const at = this.lowerBound(entry);
    return this.order[at] === entry ? at : this.order.indexOf(entry);
  }

  /** First position whose entry is not before `entry`. */
  private lowerBound(entry: Entry): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.order[mid], entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Takes a shown entry out of the rows: spliced out now (returns `order.length`), or only
   * marked (returns its position, where `sweep` must start).
   */
  private takeOut(entry: Entry, now: boolean): number {
    const at = this.indexOf(entry);
    entry.shown = false;
    if (!now) return at;
    this.order.splice(at, 1);
    return this.order.length;
  }

  /** Drops the entries marked not shown from `order[from..]`, in place. */
  private sweep(from: number): void {
    const order = this.order;
    let kept = from;
    for (let i = from; i < order.length; i++) if (order[i].shown) order[kept++] = order[i];
    order.length = kept;
  }

  /** Inserts entries not shown yet: appended, spliced one by one, or merged in one pass. */
  private insertAll(moved: Entry[], small: boolean): void {
    for (const e of moved) e.shown = true;
    const order = this.order;
    if (small) {
      for (const e of moved) {
        if (order.length === 0 || compare(order[order.length - 1], e) < 0) order.push(e);
        else order.splice(this.lowerBound(e), 0, e);
      }
      return;
    }
    moved.sort(compare);
    if (order.length === 0 || compare(order[order.length - 1], moved[0]) < 0) {
      for (const e of moved) order.push(e);
      return;
    }
    const merged: Entry[] = new Array(order.length + moved.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < order.length && j < moved.length) merged[k++] = compare(order[i], moved[j]) <= 0 ? order[i++] : moved[j++];
    while (i < order.length) merged[k++] = order[i++];
    while (j < moved.length) merged[k++] = moved[j++];
    this.order = merged;
  }

  /**
   * After a change: keeps the focus on its flow, else puts it on row `oldFocus` (the row that
   * took its place) or the last; under `follow`, on the last row.
   */
  private settle(oldFocus: number): void {
    this.focusPos = -1;
    if (this.order.length === 0) {
      this.focusId = undefined;
    } else if (this.follow) {
      this.focusId = this.order[this.order.length - 1].id;
    } else {
      const entry = this.focusId === undefined ? undefined : this.entries.get(this.focusId);
      if (entry === undefined || !entry.shown) {
        this.focusId = this.order[Math.max(0, Math.min(oldFocus, this.order.length - 1))].id;
      }
    }
  }
}
