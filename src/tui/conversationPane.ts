/**
 * The conversation pane's state: the flow shown (a {@link ConversationView} kept while the same
 * flow stays selected, and its {@link MessagesMode}), which mode the user chose, the display
 * settings (kept across flows), and its search (a {@link PaneSearch}, which it forwards to). Pure: no blessed; the app asks for the painted rows
 * of a frame (and the display label of its title) and runs search steps between frames while
 * {@link ConversationPane.searching}.
 */
import type { Direction } from '../core/types.js';
import type { BytePattern } from './byteMatcher.js';
import { encodingLabel, nextEncoding } from '../render/encoding.js';
import type { Palette } from './color.js';
import { PaneSearch, type SearchOutcome } from './conversation/paneSearch.js';
import { textArrow, UNICODE_GLYPHS, type Glyphs } from './glyphs.js';
import { DEFAULT_SETTINGS, nextFilter, nextMode, nextTimestampMode, toggleHex, type ConversationSettings } from './conversation/settings.js';
import type { ConversationSource } from './conversation/source.js';
import { ConversationView } from './conversation/view.js';
import { paintLine } from './paint.js';
import type { MessagesOf } from './flowList/filter.js';
import { MessagesMode } from './conversation/messagesMode.js';
import type { MessageView } from './conversation/messageView.js';
import { exchangeMostInView, type ViewPlace } from './conversation/bodyInView.js';
import { notFollowing, type Following } from './following.js';

/** The pane; owned by the app. */
export class ConversationPane {
  private view: ConversationView | undefined;
  /** The messages mode of the flow shown, when that flow's protocol was recognised. */
  private readonly messages: MessagesMode;
  /** Messages mode: undefined follows the flow (on when a protocol was recognised); `m`/`x` set it. */
  private messagesWanted: boolean | undefined = undefined;
  /** The hex mode was entered from the messages mode with `x`: the next `x` goes back there. */
  private hexFromMessages = false;
  /**
   * The flow the user reads (shown with bytes while the pane had the focus) and whether it is in
   * the messages mode: kept while that flow stays shown, so messages parsed later do not change
   * the mode (and the window) under the reader; only `m` and `x` do.
   */
  private held: { readonly flowId: number; messages: boolean } | undefined = undefined;
  /** Enter with message filter words: the flow's messages mode opens at this exchange (see {@link openAt}). */
  private exchangeAnchor: { readonly flowId: number; readonly exchange: number } | undefined = undefined;
  private settingsValue: ConversationSettings = DEFAULT_SETTINGS;
  private readonly search: PaneSearch;

  /** `following`: the app's follow state (`F`), shared with the flow list; `glyphs`: the terminal's (the arrow of its own lines). */
  constructor(
    private readonly source: ConversationSource,
    private readonly messagesOf?: MessagesOf,
    private readonly following: Following = notFollowing(),
    glyphs: Glyphs = UNICODE_GLYPHS,
  ) {
    this.settingsValue = { ...DEFAULT_SETTINGS, arrow: textArrow(glyphs) };
    this.messages = new MessagesMode(source, messagesOf);
    this.search = new PaneSearch({
      source,
      following,
      view: () => this.view,
      messageView: () => this.messageView,
      settings: () => this.settingsValue,
    });
  }

  /** Keep the end in view as bytes arrive (`F`); a move up, `g`, `[`/`]` or a search match stops it. */
  get follow(): boolean {
    return this.following.on;
  }

  /** The messages view of the flow shown, while it is in the messages mode. */
  private get messageView(): MessageView | undefined {
    return this.messages.view;
  }

  /** True when the flow shown is in the messages mode. */
  get showingMessages(): boolean {
    return this.messageView !== undefined;
  }

  /** The raw display mode (text, hex, escaped) the settings hold. */
  get rawMode(): ConversationSettings['mode'] {
    return this.settingsValue.mode;
  }

  /** The flow shown, if any. */
  get flowId(): number | undefined {
    return this.view?.flowId;
  }

  /** True while a search is scanning (call {@link searchStep}). */
  get searching(): boolean {
    return this.search.searching;
  }

  /** True while the matches of the search shown are being counted (call {@link searchStep}). */
  get counting(): boolean {
    return this.search.counting;
  }

  /** `text utf-8 both`: the settings for the status row. */
  get displayLabel(): string {
    const s = this.settingsValue;
    const parts: string[] = [this.messageView ? 'messages' : s.mode];
    if (!this.messageView && s.mode !== 'hex') parts.push(encodingLabel(s.encoding));
    if (s.filter !== 'both') parts.push(s.filter === 'c2s' ? 'client only' : 'server only');
    return parts.join(' ');
  }

  /**
   * Shows `flowId` (undefined: nothing) in a window of `width` x `height`. `reading` (the pane has
   * the focus) holds the flow's display mode from the first such frame with bytes, while it stays shown.
   */
  show(flowId: number | undefined, width: number, height: number, reading = false): void {
    if (this.held !== undefined && this.held.flowId !== flowId) this.held = undefined;
    if (flowId === undefined) {
      this.view = undefined;
      this.messages.drop();
      this.cancelSearch();
      return;
    }
    this.showMessages(flowId, width, height);
    const anchored = this.exchangeAnchor?.flowId === flowId ? this.exchangeAnchor.exchange : undefined;
    const exchange = anchored !== undefined && !this.messageView ? this.exchangeStart(flowId, anchored) : undefined;
    this.exchangeAnchor = undefined;
    // Held once there is something to read: a flow opened before its first bytes takes the mode they bring.
    if (reading && this.held === undefined && (this.source.getFlow(flowId)?.chunkCount ?? 0) > 0) this.held = { flowId, messages: this.messageView !== undefined };
    if (this.view?.flowId !== flowId) {
      this.cancelSearch();
      this.search.forgetMatch();
      this.view = new ConversationView(this.source, flowId, this.settingsValue, width, height);
      if (this.follow) this.view.end();
    } else if (this.view.width !== width || this.view.height !== height) {
      this.view.resize(width, height);
    }
    // The views inside take the app's follow state at each frame, before they update.
    this.view.follow = this.follow;
    this.view.highlight = this.search.highlight();
    // The raw view is made only while it is the one painted (leaving the messages mode places it first).
    if (!this.messageView) this.view.update();
    if (exchange && anchored === 0) this.view.home();
    else if (exchange) this.view.showOffset(exchange.dir, exchange.offset);
  }

  /** Where unit `index` of `flowId` starts: an HTTP exchange's request's first byte (its response's without one), a line item's. */
  private exchangeStart(flowId: number, index: number): { readonly dir: Direction; readonly offset: number } | undefined {
    const messages = this.messagesOf?.(flowId);
    if (!messages?.http) return messages?.lines?.items[index];
    const exchange = messages.http.exchanges[index];
    return exchange?.request ?? exchange?.response;
  }

  /**
   * Flow `flowId` shown at its unit `exchange` (an HTTP exchange, or a line protocol's item: a
   * position), as a row names it or the exchange list selects it: the next frame showing that
   * flow puts it at the top (in a raw mode, its first byte; the first unit, the flow from its
   * start). Stops following unless
   * `keepFollowing` (the list's selection following new flows and exchanges).
   */
  openAt(flowId: number, exchange: number, keepFollowing = false): void {
    this.exchangeAnchor = { flowId, exchange };
    if (!keepFollowing) this.following.on = false;
  }

  /**
   * Enter on the exchange list's row for `exchange` of `flowId`: {@link openAt}, in the messages
   * mode, which stays chosen (as after `m`) when the flow's protocol was recognised.
   */
  openExchange(flowId: number, exchange: number): void {
    if (this.messages.offers(flowId)) this.wantMessages(true);
    this.openAt(flowId, exchange);
  }

  /** The painted rows of the window, joined with newlines ('' when no flow is shown). */
  paint(palette: Palette): string {
    if (this.messageView) return this.messageView.lines().map((line) => paintLine(line, this.view?.width ?? 80, palette)).join('\n');
    if (!this.view) return '';
    const width = this.view.width;
    return this.view.lines().map((line) => paintLine(line, width, palette)).join('\n');
  }

  /** Moves the window `rows` rows (negative: up); a move up stops following. */
  scroll(rows: number): void {
    if (this.messageView) this.messageView.scroll(rows);
    else this.view?.scrollBy(rows);
    if (rows < 0) this.following.on = false;
  }
  /**
   * PgDn/PgUp (`direction` 1/-1) by a window less one row (the last row stays in view), or by
   * `fraction` of the window (0.5: half a page); at least one row. See {@link scroll}.
   */
  page(direction: 1 | -1, fraction = 1): void {
    if (!this.view) return;
    const rows = Math.max(1, Math.floor((this.view.height - (fraction === 1 ? 1 : 0)) * fraction));
    this.scroll(direction * rows);
  }
  /** `g`: to the first row; stops following. */
  top(): void {
    if (this.messageView) this.messageView.home();
    else this.view?.home();
    this.following.on = false;
  }
  /** `G` (and `F` turned on): to the last row; following is left as it is. */
  bottom(): void {
    if (this.messageView) this.messageView.end();
    else this.view?.end();
  }

  /**
   * `]` (`direction` 1) and `[` (-1): to the next message or turn of the dialogue, or back to the
   * start of the one in view (see MessageView.nextUnit, ConversationView.nextTurn). Stops
   * following. False when the window did not move.
   */
  jump(direction: 1 | -1): boolean {
    const messages = this.messageView;
    const view = this.view;
    let moved = false;
    if (messages) moved = direction > 0 ? messages.nextUnit() : messages.previousUnit();
    else if (view) moved = direction > 0 ? view.nextTurn() : view.previousTurn();
    if (moved) this.following.on = false;
    return moved;
  }

  /**
   * The HTTP exchange (its index) the reader is at: in the messages mode the one the last jump
   * aimed at while the window stays there, else the one with the most rows in the window (see
   * MessageView.exchangeInWindow); in the raw modes the one whose bytes fill the most rows.
   */
  exchangeInView(): number | undefined {
    if (this.messageView) return this.messageView.exchangeInWindow();
    const exchanges = this.view === undefined ? undefined : this.messagesOf?.(this.view.flowId)?.http?.exchanges;
    return exchanges === undefined ? undefined : exchangeMostInView(exchanges, this.placesInView());
  }

  /**
   * What the window's rows show, top to bottom, for `b`: in the messages mode the message of each
   * row that shows one; in the raw modes the stream position of each data row.
   */
  placesInView(): ViewPlace[] {
    if (this.messageView) return this.messageView.placesInWindow();
    const places: ViewPlace[] = [];
    for (const line of this.view?.lines() ?? []) if (line.dir !== undefined && line.offset !== undefined) places.push({ dir: line.dir, offset: line.offset });
    return places;
  }

  /** Enter in messages mode: shows a cut body in full; false when there is none in the window. */
  expandBody(): boolean {
    return this.messageView?.expandInWindow() ?? false;
  }

  /**
   * `x`: hex <-> text, or from the messages mode to hex at the first bytes of the message at the
   * top, and back to the messages mode (at the message at the top) by the next `x`. Like the
   * other setting changes below, keeps the top line in place.
   */
  toggleHex(): void {
    if (this.messageView !== undefined) {
      this.leaveMessages('hex');
      this.hexFromMessages = true;
      return;
    }
    if (this.settingsValue.mode === 'hex' && this.hexFromMessages && this.messages.offers(this.view?.flowId)) {
      this.hexFromMessages = false;
      this.wantMessages(true);
      this.change({ mode: 'text' });
      this.messages.openAt(this.view?.topPlace());
      return;
    }
    this.hexFromMessages = false;
    this.wantMessages(false);
    this.change({ mode: toggleHex(this.settingsValue.mode) });
  }
  /**
   * `m`: text → hex → escaped → messages (for a flow whose protocol was recognised) → text. Into
   * and out of the messages mode, the message at the top stays at the top.
   */
  cycleMode(): void {
    this.hexFromMessages = false;
    if (this.messageView) return this.leaveMessages('text');
    const next = nextMode(this.settingsValue.mode);
    if (next === 'text' && this.messages.offers(this.view?.flowId)) {
      this.wantMessages(true);
      this.messages.openAt(this.view?.topPlace());
      return;
    }
    if (this.messagesWanted === true) this.wantMessages(false);
    this.change({ mode: next });
  }
  /** The next text encoding; returns its name (`Latin-1`). */
  cycleEncoding(): string {
    this.change({ encoding: nextEncoding(this.settingsValue.encoding) });
    return encodingLabel(this.settingsValue.encoding);
  }
  /** `d`: both directions -> client only -> server only -> both. */
  cycleDirections(): void {
    this.change({ filter: nextFilter(this.settingsValue.filter) });
  }
  /** `t`: absolute timestamps -> relative to the flow's start -> none -> absolute. */
  cycleTimestamps(): void {
    this.change({ timestamps: nextTimestampMode(this.settingsValue.timestamps) });
  }

  /**
   * Starts a search for `query` (text in the current encoding; in hex mode hex digit pairs are
   * bytes) from the top of the window, or from the last match for `n`/`N` (`query` undefined),
   * which go round the end once. `bytes`: what to look for in the raw modes in place of the
   * query's reading (see PaneSearch.start). Returns false when there is nothing to search (no
   * flow, empty query).
   */
  startSearch(query: string | undefined, backward: boolean, bytes?: BytePattern): boolean {
    return this.search.start(query, backward, bytes);
  }

  /** Scans one step of the running search or count; on a match, scrolls to it and highlights it. */
  searchStep(): SearchOutcome {
    return this.search.step();
  }

  /** Stops a running search (Esc); the last match stays highlighted. */
  cancelSearch(): void {
    this.search.cancel();
  }

  /** The count being made is not to be reported (the user moved on); it is kept for `n`. */
  dropCountReport(): void {
    this.search.dropCountReport();
  }

  /** Drops the highlight and the query (Esc with no search running); false when there was no query. */
  clearSearch(): boolean {
    this.messageView?.clearSearch();
    return this.search.clear();
  }

  /** Back to a raw mode, its window on the first bytes of the message at the top. */
  private leaveMessages(mode: ConversationSettings['mode']): void {
    const start = this.messageView?.startAtTop();
    this.wantMessages(false);
    this.change({ mode });
    if (start) this.view?.showOffset(start.dir, start.offset);
  }

  /** `m` or `x` chose the messages mode (`on`) or a raw one: for this flow and the next ones. */
  private wantMessages(on: boolean): void {
    this.messagesWanted = on;
    if (this.held) this.held.messages = on;
  }

  /** Keeps the messages view of `flowId` when its messages are to be shown (`m`, `x`, the flow held), else drops it. */
  private showMessages(flowId: number, width: number, height: number): void {
    const wanted = this.held?.flowId === flowId ? this.held.messages : this.messagesWanted !== false;
    const exchange = this.exchangeAnchor?.flowId === flowId ? this.exchangeAnchor.exchange : undefined;
    this.messages.show(flowId, wanted, width, height, this.settingsValue, this.follow, exchange);
  }

  private change(settings: Partial<ConversationSettings>): void {
    this.settingsValue = { ...this.settingsValue, ...settings };
    this.view?.setSettings(settings);
    // A hex-mode byte highlight means nothing in text mode and the reverse: rebuild it.
    if (this.view) this.view.highlight = this.search.highlight();
  }

}
