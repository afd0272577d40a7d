/**
 * The conversation pane's state: the flow shown (a {@link ConversationView} kept while the same
 * flow stays selected), the display settings (kept across flows), and the running search. Pure:
 * no blessed; the app asks for the title and the painted rows of a frame and runs search steps
 * between frames while {@link ConversationPane.searching}.
 */
import type { Direction } from '../core/types.js';
import { encodingLabel, nextEncoding } from '../render/encoding.js';
import { escapeText } from '../render/escape.js';
import type { Palette } from './color.js';
import { ConversationSearch, highlightFor, searchPattern, type SearchMatch, type SearchStart } from './conversation/search.js';
import { DEFAULT_SETTINGS, nextFilter, nextMode, nextTimestampMode, toggleHex, type ConversationSettings } from './conversation/settings.js';
import type { ConversationSource } from './conversation/source.js';
import { ConversationView } from './conversation/view.js';
import { paintLine } from './paint.js';

/** Bytes scanned per search step (one step per event-loop turn). */
const SEARCH_STEP_BYTES = 8 << 20;

/** What a search step did, for the status row. */
export type SearchOutcome =
  | { readonly kind: 'found' }
  | { readonly kind: 'not-found'; readonly query: string }
  | { readonly kind: 'busy'; readonly fraction: number };

/** The pane; owned by the app. */
export class ConversationPane {
  private view: ConversationView | undefined;
  private settingsValue: ConversationSettings = DEFAULT_SETTINGS;
  private query = '';
  private lastMatch: SearchMatch | undefined;
  private search: ConversationSearch | undefined;
  /** Keep the end in view as bytes arrive (`F`). */
  follow = false;

  constructor(private readonly source: ConversationSource) {}

  get settings(): ConversationSettings {
    return this.settingsValue;
  }

  /** The flow shown, if any. */
  get flowId(): number | undefined {
    return this.view?.flowId;
  }

  /** True while a search is scanning (call {@link searchStep}). */
  get searching(): boolean {
    return this.search !== undefined;
  }

  /** `text utf-8 both`: the settings for the status row. */
  get displayLabel(): string {
    const s = this.settingsValue;
    const parts: string[] = [s.mode];
    if (s.mode !== 'hex') parts.push(encodingLabel(s.encoding));
    if (s.filter !== 'both') parts.push(s.filter === 'c2s' ? 'client only' : 'server only');
    return parts.join(' ');
  }

  /** Shows `flowId` (undefined: nothing) in a window of `width` x `height`. */
  show(flowId: number | undefined, width: number, height: number): void {
    if (flowId === undefined) {
      this.view = undefined;
      this.cancelSearch();
      return;
    }
    if (this.view?.flowId !== flowId) {
      this.cancelSearch();
      this.lastMatch = undefined;
      this.view = new ConversationView(this.source, flowId, this.settingsValue, width, height);
      if (this.follow) this.view.end();
    } else if (this.view.width !== width || this.view.height !== height) {
      this.view.resize(width, height);
    }
    this.view.follow = this.follow;
    this.view.highlight = this.query === '' ? undefined : highlightFor(this.query, this.settingsValue, this.lastMatch);
    this.view.update();
  }

  /** The painted rows of the window, joined with newlines ('' when no flow is shown). */
  paint(palette: Palette): string {
    if (!this.view) return '';
    const width = this.view.width;
    return this.view.lines().map((line) => paintLine(line, width, palette)).join('\n');
  }

  /** Moves: rows (negative: up), pages, half pages, top, bottom. A move up stops following. */
  scroll(rows: number): void {
    this.view?.scrollBy(rows);
    if (rows < 0) this.follow = false;
  }
  page(direction: 1 | -1, fraction = 1): void {
    if (!this.view) return;
    const rows = Math.max(1, Math.floor((this.view.height - (fraction === 1 ? 1 : 0)) * fraction));
    this.scroll(direction * rows);
  }
  top(): void {
    this.view?.home();
    this.follow = false;
  }
  bottom(): void {
    this.view?.end();
  }

  /** `x`, `m`, `e`, `d`, `t`: change a setting, keeping the top line in place. */
  toggleHex(): void {
    this.change({ mode: toggleHex(this.settingsValue.mode) });
  }
  cycleMode(): void {
    this.change({ mode: nextMode(this.settingsValue.mode) });
  }
  cycleEncoding(): void {
    this.change({ encoding: nextEncoding(this.settingsValue.encoding) });
  }
  cycleDirections(): void {
    this.change({ filter: nextFilter(this.settingsValue.filter) });
  }
  cycleTimestamps(): void {
    this.change({ timestamps: nextTimestampMode(this.settingsValue.timestamps) });
  }

  /**
   * Starts a search for `query` (text in the current encoding; in hex mode hex digit pairs are
   * bytes) from the top of the window, or from the last match for `n`/`N` (`again`). Returns
   * false when there is nothing to search (no flow, empty query).
   */
  startSearch(query: string | undefined, backward: boolean): boolean {
    const view = this.view;
    if (!view) return false;
    const again = query === undefined;
    if (!again) {
      this.query = query;
      this.lastMatch = undefined;
    }
    const pattern = searchPattern(this.query, this.settingsValue);
    if (!pattern) return false;
    const directions: Direction[] = this.settingsValue.filter === 'both' ? ['c2s', 's2c'] : [this.settingsValue.filter];
    const start = this.lastMatch ? { match: this.lastMatch } : this.windowStart(view);
    this.search = new ConversationSearch(this.source, view.flowId, pattern, backward, start, directions);
    return true;
  }

  /** Scans one step of the running search; on a match, scrolls to it and highlights it. */
  searchStep(): SearchOutcome {
    const search = this.search;
    if (!search || !this.view) return { kind: 'not-found', query: escapeText(this.query) };
    const status = search.step(SEARCH_STEP_BYTES);
    if (!status.done) return { kind: 'busy', fraction: status.fraction };
    this.search = undefined;
    if (!status.match) return { kind: 'not-found', query: escapeText(this.query) };
    this.lastMatch = status.match;
    this.follow = false;
    this.view.follow = false;
    this.view.highlight = highlightFor(this.query, this.settingsValue, status.match);
    this.view.showOffset(status.match.dir, status.match.offset);
    return { kind: 'found' };
  }

  /** Stops a running search (Esc); the last match stays highlighted. */
  cancelSearch(): void {
    this.search?.cancel();
    this.search = undefined;
  }

  /** Drops the highlight and the query (Esc with no search running). */
  clearSearch(): boolean {
    if (this.query === '') return false;
    this.query = '';
    this.lastMatch = undefined;
    if (this.view) this.view.highlight = undefined;
    return true;
  }

  private change(settings: Partial<ConversationSettings>): void {
    this.settingsValue = { ...this.settingsValue, ...settings };
    this.view?.setSettings(settings);
    // A hex-mode byte highlight means nothing in text mode and the reverse: rebuild it.
    if (this.view && this.query !== '') this.view.highlight = highlightFor(this.query, this.settingsValue, this.lastMatch);
  }

  /**
   * Where a new search starts: at the first data byte of the window (as if a match ended just
   * before it), or at the first chunk when the window shows no data.
   */
  private windowStart(view: ConversationView): SearchStart {
    const top = view.lines().find((line) => line.dir !== undefined && line.offset !== undefined);
    if (!top) return { chunk: 0 };
    const chunk = Math.max(0, this.source.chunkAt(view.flowId, top.dir!, top.offset!));
    return { match: { dir: top.dir!, offset: top.offset! - 1, length: 1, chunk } };
  }
}
