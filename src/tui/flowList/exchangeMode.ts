/**
 * The flow list pane's second view (`v`): the exchange list, built when switched on and dropped
 * when switched off, with what the app asks of it: list keys, the pane's text, the status
 * counts. Switching keeps the place: the flow selected opens the exchange list on its first
 * exchange (the one the filter's message words point at), and back on the flow list the
 * exchange's flow is selected. The filter is the flow list's, shared.
 */
import type { Palette } from '../color.js';
import type { Following } from '../following.js';
import { inGlyphs, type Glyphs } from '../glyphs.js';
import { paintRow, paintTitle } from '../paint.js';
import { exchangeText } from './exchangeFields.js';
import { exchangeHeaderRow, formatExchangeRows } from './exchangeFormat.js';
import { ExchangeView, type ExchangeSource } from './exchangeView.js';
import type { Filter, MessagesOf } from './filter.js';
import { findNext, type RowFound } from './findRow.js';
import type { FlowView } from './flowView.js';
import { noMatchText } from './noMatchText.js';

/** What the exchange list is built from. */
export interface ExchangeModeDeps {
  readonly source: ExchangeSource;
  readonly messages: MessagesOf | undefined;
  /** The flow list: its filter, its `~text` answers, its selection. */
  readonly flows: FlowView;
  readonly following: Following;
  /** The store has changes for the next refresh. */
  readonly onPending: () => void;
}

/** The exchange list when on; off at first. */
export class ExchangeMode {
  private view: ExchangeView | undefined;

  constructor(private readonly deps: ExchangeModeDeps) {}

  /** The exchange list's rows while it is on, else undefined: what `shownList` decides on. */
  get rows(): ExchangeView | undefined {
    return this.view;
  }

  /** `v`: switches between flows and exchanges; returns what the status row says. */
  toggle(): string {
    const { flows } = this.deps;
    if (this.view) {
      const focused = this.view.focused;
      this.dispose();
      if (focused) flows.focusFlow(focused.flowId);
      return 'a row per flow (v: exchanges)';
    }
    const messages = this.deps.messages;
    if (messages === undefined) return 'v: no messages are parsed in this run';
    const view = new ExchangeView(this.deps.source, messages, (id) => flows.bytesMatch(id), this.deps.following, this.deps.onPending, flows.filter);
    const id = flows.focusedId;
    // An HTTP flow's named unit is an exchange (a line protocol's flow has no rows here).
    if (id !== undefined) view.focusFlow(id, flows.namedUnit(id) ?? 0);
    this.view = view;
    return 'a row per exchange (v: flows)';
  }

  /** `/`, `n`, `N`: the row found for `query`, undefined when none; the focus goes there. */
  find(query: string, backward: boolean): RowFound | undefined {
    const view = this.view;
    const found = view === undefined ? undefined : findNext(view, query, backward, exchangeText);
    if (found) view!.moveTo(found.index);
    return found;
  }

  /** The flow list's filter changed: the exchange list, when shown, shows only the exchanges matching `filter`. */
  setFilter(filter: Filter): void {
    this.view?.setFilter(filter);
  }

  /** The flow list's byte search answered for flows `ids`: their rows are filtered again. */
  recheck(ids: readonly number[]): void {
    this.view?.recheck(ids);
  }

  /** Reads the store's and messages' changes (once a frame, unless paused). */
  refresh(): void {
    this.view?.refresh();
  }

  /** A file's flow `flowId` was parsed (see `ExchangeView.messagesChanged`). */
  messagesChanged(flowId: number): void {
    this.view?.messagesChanged(flowId);
  }

  /** F: follow new exchanges. */
  setFollow(on: boolean): void {
    this.view?.setFollow(on);
  }

  /** When on, the status row's counts (exchanges listed and shown) and order (when not arrival); else nothing. */
  counts(): { flows: number; shown: number; sort: string; noun: 'exchange' } | undefined {
    const view = this.view;
    if (view === undefined) return undefined;
    return { flows: view.total, shown: view.length, sort: view.sort === 'arrival' ? '' : view.sort, noun: 'exchange' };
  }

  /**
   * The pane's title row and rows, painted, for a pane `width` × `height`; `busy`: flows or their messages are still coming (what an empty pane says).
   */
  paint(width: number, height: number, glyphs: Glyphs, palette: Palette, focused: boolean, busy: boolean): { title: string; rows: string } {
    const view = this.view!;
    const digits = this.numberColumns(view);
    const title = paintTitle(exchangeHeaderRow(width, digits, view.widestMethod).text, width, focused, palette);
    const rows = formatExchangeRows(view.rows(view.top(height), height), { width, glyphs, focused: view.focused, numberColumns: digits, methodColumns: view.widestMethod });
    const text = rows.map((row) => paintRow(row, palette, focused)).join('\n');
    const empty = view.total > 0 ? noMatchText('exchange', view.filter.text, width) : busy ? ' no HTTP exchange yet…' : ' no HTTP exchange in these flows (v: flows)';
    return { title, rows: text || inGlyphs(empty, glyphs) };
  }

  /** The focused row's text as {@link paint} shows it ('' when none). */
  focusedRowText(width: number, glyphs: Glyphs): string {
    const view = this.view;
    const focused = view?.focused;
    if (view === undefined || focused === undefined) return '';
    const options = { width, glyphs, focused, numberColumns: this.numberColumns(view), methodColumns: view.widestMethod };
    return formatExchangeRows([focused], options)[0]?.text ?? '';
  }

  /** The number column's width: the flow list's biggest id too, so it does not widen as a file's messages are parsed. */
  private numberColumns(view: ExchangeView): number {
    return String(Math.max(100, this.deps.flows.largestId, view.largestFlow)).length + 1 + String(Math.max(1, view.largestExchange)).length;
  }

  /** Drops the exchange list (stops reading the store's changes). */
  dispose(): void {
    this.view?.dispose();
    this.view = undefined;
  }
}
