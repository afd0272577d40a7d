/**
 * The exchange list's model (`v`): one row per HTTP exchange of every flow, with the flow
 * list's filter, its own sort orders and a focus that stays on its exchange. Pure: no blessed, no
 * timers; the app calls {@link ExchangeView.refresh} once per frame and pulls the visible rows.
 *
 * Where rows come from: the store's changes say which flows got events (live capture, proxy,
 * `-r -`: their messages are parsed from the same events); a file's messages are parsed after
 * the load without store changes, so {@link messagesChanged} names each flow parsed for the next
 * refresh to look at. A flow is looked at in O(new exchanges + exchanges still growing): settled exchanges are
 * read again only when the filter's answer for the flow's state changed (see `flowAnswer`).
 * Costs as the flow list's (see `flowView.ts`, `sortedRows.ts`): moves O(1), `rows(top, h)`
 * O(h), a batch of k changes O(k log n) or one O(n + k log k) merge, filter and sort O(n log n).
 */
import type { FlowMessages } from '../../messages/flowMessages.js';
import { notFollowing, type Following } from '../following.js';
import { exchangeMethod, exchangeSettled, type ListedExchange } from './exchangeFields.js';
import { ExchangeByteSearch, type ExchangeByteSource } from './exchangeBytes.js';
import { exchangeMatchesFilter, filterReadsFlow, flowAnswer, type FilteredExchange } from './exchangeFilter.js';
import { exchangeKey, nextExchangeOrder, sortFields, type ExchangeOrder, type SortFields } from './exchangeSort.js';
import { MATCH_ALL, type Filter } from './filter.js';
import { windowRows } from './listWindow.js';
import { RowFocus } from './rowFocus.js';
import { SortedRows, type RowEntry } from './sortedRows.js';
import { stringColumns } from '../width.js';
import type { FlowChanges, FlowSource, ListedFlow } from './source.js';

/** The flows and their bytes (the store). */
export type ExchangeSource = FlowSource & ExchangeByteSource;

/** Above this many changes in one frame, rows are inserted in one merge. */
const SMALL_BATCH = 32;

/** One row: `id` is the order it was listed in (ties of the sort keys). */
interface ExchangeEntry extends RowEntry, FilteredExchange {
  /** Its fields no longer change. */
  settled: boolean;
  /** The flow's last time when listed: the arrival key of an exchange with no time of its own. */
  readonly seen: number;
  /** Its key for every order. */
  readonly keys: SortFields;
}

/** A flow's exchanges listed so far. */
interface FlowTrack {
  readonly listed: ExchangeEntry[];
  unsettled: ExchangeEntry[];
  /** The filter's {@link flowAnswer} for the flow when its rows were last filtered ('' when the filter reads no flow state). */
  answer: string;
}

/** A row's new key and filter answer, applied at the end of a refresh. */
interface Update {
  readonly entry: ExchangeEntry;
  readonly key: number;
  readonly show: boolean;
}

/** The exchange list model; owns a change cursor on the store (call `dispose`). */
export class ExchangeView {
  private readonly tracks = new Map<number, FlowTrack>();
  /** Flows whose messages were parsed outside the store's events since the last refresh. */
  private parsed = new Set<number>();
  private readonly order = new SortedRows();
  private sortOrder: ExchangeOrder = 'arrival';
  private activeFilter: Filter = MATCH_ALL;
  private readsFlow = false;
  /** The filter's `~text` words on each exchange's own bytes (none without such a word). */
  private byteSearch: ExchangeByteSearch | undefined;
  private readonly focus: RowFocus<ExchangeEntry>;
  private listed = 0;
  /** The next row's `id`: the order rows were listed in. */
  private nextId = 0;
  private updates: Update[] = [];
  private added: ExchangeEntry[] = [];
  private readonly changes: FlowChanges;
  /** The biggest flow number listed: the digits of the number column's flow part. */
  largestFlow = 0;
  /** The biggest exchange number listed (from 1): the digits of the number column's `#n` part. */
  largestExchange = 0;
  /** Columns of the widest method listed (`-` without a request): the method column's width. */
  widestMethod = 1;

  /**
   * `messages`: the flows' parsed messages; `bytesMatch`: the flow list's answer for the
   * filter's `~text` words (an exchange shows only in a flow it found, when its own bytes hold
   * the words not negated); `following`: the app's `F` state (the focus goes to the last row);
   * `filter`: the rows shown from the start (as {@link setFilter} would, without a second pass).
   */
  constructor(
    private readonly source: ExchangeSource,
    private readonly messages: (flowId: number) => FlowMessages | undefined,
    private readonly bytesMatch: (flowId: number) => boolean,
    following: Following = notFollowing(),
    onPending?: () => void,
    filter: Filter = MATCH_ALL,
  ) {
    this.focus = new RowFocus(this.order, following, () => this.order.length - 1);
    this.useFilter(filter);
    this.changes = source.watchChanges(onPending);
    for (const flow of source.flows()) this.look(flow.id);
    this.updates = [];
    this.added = [];
    this.rebuild();
    this.focus.settle(-1);
  }

  /** Rows shown (after the filter). */
  get length(): number {
    return this.order.length;
  }

  /** Exchanges listed, shown or not. */
  get total(): number {
    return this.listed;
  }

  /** The order the rows are in (`o` cycles it). */
  get sort(): ExchangeOrder {
    return this.sortOrder;
  }

  /** The filter the rows passed (the flow list's, shared). */
  get filter(): Filter {
    return this.activeFilter;
  }

  /** The focused exchange, undefined when no row is shown. */
  get focused(): ListedExchange | undefined {
    return this.focus.entry;
  }

  /** The focused row's index, -1 when no row is shown. */
  get focusIndex(): number {
    return this.focus.index;
  }

  /** Flow `flowId`'s messages were parsed outside the store's events (a file's, after its load): the next refresh looks at it. */
  messagesChanged(flowId: number): void {
    this.parsed.add(flowId);
  }

  /** Applies the changes since the previous call; returns true when the rows changed. */
  refresh(): boolean {
    const changed = this.changes.pending ? this.changes.take() : [];
    const ids = this.parsed;
    this.parsed = new Set();
    for (const id of changed) ids.add(id);
    if (ids.size === 0) return false;
    const oldFocus = this.focusIndex;
    let removed = false;
    for (const id of ids) removed = this.look(id) || removed;
    return this.apply(oldFocus, removed);
  }

  /** Shows only the exchanges matching `filter`. */
  setFilter(filter: Filter): void {
    this.useFilter(filter);
    const oldFocus = this.focusIndex;
    this.rebuild();
    this.focus.settle(oldFocus);
  }

  /** The `~text` answers of flows `ids` changed (the byte search went on): their rows are filtered again. Returns true when the rows changed. */
  recheck(ids: readonly number[]): boolean {
    const oldFocus = this.focusIndex;
    let removed = false;
    for (const id of ids) removed = this.look(id) || removed;
    return this.apply(oldFocus, removed);
  }

  /** Orders the rows by `order`; the focus stays on its exchange. */
  setSort(order: ExchangeOrder): void {
    if (order === this.sortOrder) return;
    this.sortOrder = order;
    for (const track of this.tracks.values()) for (const entry of track.listed) entry.key = exchangeKey(order, entry.keys);
    this.order.resort();
    this.focus.settle(-1);
  }

  /** Next sort order (`o`). */
  cycleSort(): ExchangeOrder {
    this.setSort(nextExchangeOrder(this.sortOrder));
    return this.sortOrder;
  }

  /** Moves the focus by `delta` rows, clamped. */
  moveBy(delta: number): void {
    this.focus.moveBy(delta);
  }

  /** Focuses row `index` (clamped); a move off the last row stops following. */
  moveTo(index: number): void {
    this.focus.moveTo(index);
  }

  /** The mouse wheel: the view of a pane of `height` rows and the focus move by `delta` rows, as the flow list's do. */
  scrollBy(delta: number, height: number): void {
    this.focus.scrollBy(delta, height);
  }

  /** Follows new exchanges (`F`): the focus goes to the last row now and at each change. */
  setFollow(on: boolean): void {
    this.focus.setFollow(on);
  }

  /** Focuses the first shown exchange of flow `flowId` at or after position `index`, else its last shown; returns whether one is shown. */
  focusFlow(flowId: number, index = 0): boolean {
    const shown = this.tracks.get(flowId)?.listed.filter((entry) => entry.shown) ?? [];
    const entry = shown.find((e) => e.index >= index) ?? shown[shown.length - 1];
    if (entry === undefined) return false;
    this.focus.focus(entry);
    return true;
  }

  /** Whether some exchange of flow `flowId` is shown. */
  showsFlow(flowId: number): boolean {
    return this.tracks.get(flowId)?.listed.some((entry) => entry.shown) === true;
  }

  /** The flows with an exchange shown, in arrival (id) order. O(flows listed). */
  shownFlowIds(): number[] {
    const ids: number[] = [];
    for (const [id, track] of this.tracks) if (track.listed.some((entry) => entry.shown)) ids.push(id);
    return ids.sort((a, b) => a - b);
  }

  /** The first row to draw in a pane of `height` rows, scrolled as little as needed to show the focus. */
  top(height: number): number {
    return this.focus.top(height);
  }

  /** Rows [top, top + height), fewer at the end. */
  rows(top: number, height: number): ListedExchange[] {
    return windowRows(this.order.length, top, height, (i): ListedExchange => this.order.at(i) as ExchangeEntry);
  }

  /** Stops reading the store's changes. */
  dispose(): void {
    this.changes.close();
  }

  /**
   * Looks at flow `id`: lists its new exchanges, queues updates of those still growing (of all
   * its rows when the filter's answer for the flow changed). Returns true when rows were removed.
   */
  private look(id: number): boolean {
    const flow = this.source.getFlow(id);
    const track = this.tracks.get(id);
    if (flow === undefined) {
      if (track === undefined) return false;
      this.tracks.delete(id);
      this.listed -= track.listed.length;
      let removed = false;
      for (const entry of track.listed) {
        if (!entry.shown) continue;
        this.order.remove(entry, false);
        removed = true;
      }
      return removed;
    }
    const messages = this.messages(id);
    const over = messages?.isOver === true;
    const exchanges = messages?.http?.exchanges;
    if (exchanges === undefined && track === undefined) return false;
    const answer = this.flowAnswer(flow);
    const own = track ?? { listed: [], unsettled: [], answer };
    if (track === undefined) this.tracks.set(id, own);
    const answerChanged = answer !== own.answer;
    own.answer = answer;
    for (const entry of answerChanged ? own.listed : own.unsettled) {
      if (!entry.settled) sortFields(entry, entry.seen, entry.keys);
      this.updates.push({ entry, key: exchangeKey(this.sortOrder, entry.keys), show: this.matches(flow, entry) });
    }
    for (let i = own.listed.length; exchanges !== undefined && i < exchanges.length; i++) {
      const listed = { flowId: id, index: i, exchange: exchanges[i] };
      const keys = sortFields(listed, flow.lastTs);
      const entry: ExchangeEntry = { id: this.nextId++, key: exchangeKey(this.sortOrder, keys), shown: false, ...listed, settled: false, seen: flow.lastTs, keys };
      own.listed.push(entry);
      own.unsettled.push(entry);
      this.listed++;
      if (id > this.largestFlow) this.largestFlow = id;
      if (i + 1 > this.largestExchange) this.largestExchange = i + 1;
      this.widestMethod = Math.max(this.widestMethod, stringColumns(exchangeMethod(listed.exchange)));
      if (this.matches(flow, entry)) this.added.push(entry);
    }
    own.unsettled = own.unsettled.filter((entry) => !(entry.settled ||= over || exchangeSettled(entry.exchange)));
    return false;
  }

  /** Applies the queued updates and additions; keeps the focus (see {@link settle}). */
  private apply(oldFocus: number, removed: boolean): boolean {
    const updates = this.updates;
    const moved = this.added;
    this.updates = [];
    this.added = [];
    let rowsChanged = removed;
    for (const update of updates) {
      const entry = update.entry;
      if (entry.shown && update.show && update.key === entry.key) continue;
      if (entry.shown) {
        this.order.remove(entry, false);
        rowsChanged = true;
      }
    }
    this.order.removeMarked();
    for (const update of updates) {
      if (update.entry.shown) continue;
      update.entry.key = update.key;
      if (update.show) moved.push(update.entry);
    }
    if (!rowsChanged && moved.length === 0) return false;
    this.order.insertAll(moved, moved.length <= SMALL_BATCH);
    this.focus.settle(oldFocus);
    return true;
  }

  private flowAnswer(flow: ListedFlow): string {
    return this.readsFlow ? flowAnswer(this.activeFilter, flow, this.bytesMatch) : '';
  }

  private matches(flow: ListedFlow, entry: ExchangeEntry): boolean {
    const search = this.byteSearch;
    const bytesMatch = search === undefined ? this.bytesMatch : (id: number) => this.bytesMatch(id) && search.holdsAll(id, entry.exchange);
    return exchangeMatchesFilter(this.activeFilter, flow, entry, bytesMatch);
  }

  private useFilter(filter: Filter): void {
    this.activeFilter = filter;
    this.readsFlow = filterReadsFlow(filter);
    this.byteSearch = filter.needles.some((n) => !n.negated) ? new ExchangeByteSearch(this.source, filter.needles) : undefined;
  }

  /** Recomputes the rows from every exchange listed (filter; the keys are kept up to date). */
  private rebuild(): void {
    const shown: ExchangeEntry[] = [];
    for (const [id, track] of this.tracks) {
      const flow = this.source.getFlow(id);
      if (flow === undefined) continue;
      track.answer = this.flowAnswer(flow);
      for (const entry of track.listed) if (this.matches(flow, entry)) shown.push(entry);
    }
    this.order.replaceAll(shown);
  }
}
