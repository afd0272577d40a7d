/**
 * The conversation pane's search: the query and its last match, the running `/` scan, and the
 * count of matches (`match 3 of 17`) made after a match is shown. Owned by the pane, which
 * lends it what it reads (see {@link SearchHost}); no blessed.
 */
import type { Direction } from '../../core/types.js';
import { shownQuery } from '../textMatch.js';
import type { Following } from '../following.js';
import type { BytePattern } from '../byteMatcher.js';
import { MatchCounter } from './matchCount.js';
import { QueryBytesMemo, type QueryBytes } from './queryBytes.js';
import type { MessageView } from './messageView.js';
import { ConversationSearch, hexPairsHint, highlightFor, isHexQuery, searchPattern, type SearchMatch, type SearchStart } from './search.js';
import type { ConversationSettings } from './settings.js';
import type { ConversationSource } from './source.js';
import type { ConversationView, DisplayLine, Highlight } from './view.js';

/** Bytes scanned per search step (one step per event-loop turn). */
const SEARCH_STEP_BYTES = 8 << 20;

/** Time a step of the count may take, in ms (looked at between slices of bytes or lines): keys wait about no longer. */
const COUNT_STEP_MS = 20;

/** Bytes the raw modes' count scans between two looks at the time. */
const COUNT_SLICE_BYTES = 1 << 20;

/** What a search step did, for the status row. */
export type SearchOutcome =
  | { readonly kind: 'found'; readonly wrapped?: 'top' | 'bottom'; readonly count?: string }
  /** `hint`: why it may have missed (see hexPairsHint; a body the messages mode reads in part). */
  | { readonly kind: 'not-found'; readonly query: string; readonly hint?: string }
  | { readonly kind: 'busy'; readonly fraction: number }
  /** The match is shown; its count (`match 3 of 17`) is still being made: step again, say nothing. */
  | { readonly kind: 'counting' };

type FoundOutcome = Extract<SearchOutcome, { kind: 'found' }>;

/** What the search uses of the pane: the flow's bytes, the views shown now, the settings, the follow state. */
export interface SearchHost {
  readonly source: ConversationSource;
  /** The app's follow state: a match shown stops following. */
  readonly following: Following;
  /** The raw modes' view of the flow shown (undefined: no flow). */
  view(): ConversationView | undefined;
  /** The messages mode's view, when the flow shown is in that mode. */
  messageView(): MessageView | undefined;
  settings(): ConversationSettings;
}

/** One pane's search state; the pane forwards its search members here. */
export class PaneSearch {
  private query = '';
  /** The bytes the query stands for when they were given with it (see {@link start}). */
  private given: BytePattern | undefined;
  private lastMatch: SearchMatch | undefined;
  /** The window the last match put in view (see windowKey): `n` goes on from the match while it stays. */
  private matchWindow = '';
  private search: ConversationSearch | undefined;
  /** The count of the last byte search's matches, with what it counted (see startCount). */
  private counter: { readonly key: string; readonly counter: MatchCounter } | undefined;
  /** The next step of the count of a match found whose outcome waits for it (see countStep, messageCountStep). */
  private countPending: (() => SearchOutcome) | undefined;
  /** A messages-mode search is answered at once; its outcome waits for the next step. */
  private messageOutcome: SearchOutcome | undefined;
  /** The query as bytes, read again only when it or the encoding changed (the pane asks for the highlight at every frame). */
  private readonly typed = new QueryBytesMemo();
  /** The highlight last made, and what it was made of (see highlight). */
  private shown: { readonly query: string; readonly mode: string; readonly typed: QueryBytes; readonly match: SearchMatch | undefined; readonly highlight: Highlight | undefined } | undefined;

  constructor(private readonly host: SearchHost) {}

  /** True while a search is scanning (call {@link step}). */
  get searching(): boolean {
    return this.search !== undefined || this.messageOutcome !== undefined;
  }

  /** True while the matches of the search shown are being counted (call {@link step}). */
  get counting(): boolean {
    return this.countPending !== undefined;
  }

  /** The raw modes' highlight of the query and its last match under the current settings (undefined without a query). */
  highlight(): Highlight | undefined {
    if (this.query === '') return undefined;
    const settings = this.host.settings();
    const typed = this.typed.get(this.query, settings.encoding);
    // The same object while nothing it is made of changed: the view keeps the current match's ranges per highlight.
    const last = this.shown;
    if (last?.query === this.query && last.mode === settings.mode && last.typed === typed && last.match === this.lastMatch) return last.highlight;
    const highlight = highlightFor(this.query, settings, this.lastMatch, typed);
    this.shown = { query: this.query, mode: settings.mode, typed, match: this.lastMatch, highlight };
    return highlight;
  }

  /** Another flow is shown: the last match (a position in the old one) is gone; the query stays. */
  forgetMatch(): void {
    this.lastMatch = undefined;
  }

  /**
   * Starts a search for `query` (see ConversationPane.startSearch), or from the last match for
   * `n`/`N` (`query` undefined). `bytes`: what the raw modes look for, when the query comes with
   * them (a list filter's `~text`: bytes that may be no UTF-8, text even in hex mode), in place of
   * its reading under the settings; kept for `n`. False when there is nothing to search.
   */
  start(query: string | undefined, backward: boolean, bytes?: BytePattern): boolean {
    const view = this.host.view();
    if (!view) return false;
    // A count still being made is of the search before: not reported.
    this.countPending = undefined;
    if (query !== undefined) {
      this.query = query;
      this.given = bytes;
      this.lastMatch = undefined;
    }
    const messageView = this.host.messageView();
    if (messageView) {
      if (this.query === '') return false;
      const found = messageView.find(this.query, backward, query === undefined);
      // The window moved to the match: the next frame must not take it back to the end.
      if (found) this.host.following.on = false;
      // Whether bodies were read in part is looked at (a walk over them) only when nothing was found.
      const partly = (): { hint?: string } => (messageView.readsPart ? { hint: 'bodies read in part: text mode searches all' } : {});
      this.messageOutcome = found ? foundOutcome(messageView.wrapped, backward) : { kind: 'not-found', query: shownQuery(this.query), ...partly() };
      return true;
    }
    const settings = this.host.settings();
    const pattern = this.pattern(settings);
    if (!pattern) return false;
    // `n` goes on from the match while the window stays where the match put it; once it moved (G, PgDn), from the window, as less does.
    const last = this.lastMatch;
    const top = topDataLine(view);
    const start = last && windowKey(top) === this.matchWindow ? { match: last } : this.windowStart(view.flowId, top);
    this.search = new ConversationSearch(this.host.source, view.flowId, pattern, backward, start, directionsOf(settings), this.rowSettings(settings));
    return true;
  }

  /** Scans one step of the running search (or count); on a match, scrolls to it and highlights it. */
  step(): SearchOutcome {
    const pending = this.messageOutcome;
    this.messageOutcome = undefined;
    // The match is said (and drawn) at once; its count, which may read bodies whole, in the next steps.
    if (pending?.kind === 'found') this.countPending = () => this.messageCountStep(pending);
    if (pending) return pending;
    if (this.countPending && !this.search) return this.countPending();
    const search = this.search;
    const view = this.host.view();
    if (!search || !view) return { kind: 'not-found', query: shownQuery(this.query) };
    const status = search.step(SEARCH_STEP_BYTES);
    if (!status.done) return { kind: 'busy', fraction: status.fraction };
    this.search = undefined;
    if (!status.match) return { kind: 'not-found', query: shownQuery(this.query), hint: this.given ? undefined : hexPairsHint(this.query, this.host.settings()) };
    this.lastMatch = status.match;
    this.host.following.on = false;
    view.highlight = this.highlight();
    if (status.match.unit) view.showUnit(status.match.unit);
    else view.showOffset(status.match.dir, status.match.offset);
    this.matchWindow = windowKey(topDataLine(view));
    const outcome = foundOutcome(status.wrapped === true, search.backward);
    this.startCount(view.flowId, status.match, outcome);
    return outcome;
  }

  /** Stops a running search and the count's report; the last match stays highlighted. */
  cancel(): void {
    this.search?.cancel();
    this.search = undefined;
    this.countPending = undefined;
  }

  /** The count being made is not to be reported (the user moved on); it is kept for `n`. */
  dropCountReport(): void {
    this.countPending = undefined;
  }

  /** Drops the query and the raw modes' highlight; false when there was no query. */
  clear(): boolean {
    if (this.query === '') return false;
    this.query = '';
    this.lastMatch = undefined;
    const view = this.host.view();
    if (view) view.highlight = undefined;
    return true;
  }

  /** The bytes to look for: those given with the query, else the query's under `settings`. */
  private pattern(settings: ConversationSettings): BytePattern | undefined {
    return this.given ?? searchPattern(this.query, settings);
  }

  /** The settings to search the `=` rows with: a text query's (bytes typed in hex are looked for in the bytes only). */
  private rowSettings(settings: ConversationSettings): ConversationSettings | undefined {
    return this.given === undefined && isHexQuery(this.query, settings) ? undefined : settings;
  }

  /** Counts the matches of the search (or takes on the count made for the same flow and query) for `match`. */
  private startCount(flowId: number, match: SearchMatch, outcome: FoundOutcome): void {
    const source = this.host.source;
    const s = this.host.settings();
    const flow = source.getFlow(flowId);
    const pattern = this.pattern(s);
    if (!flow || !pattern) return;
    // A flow that grew is counted on from where its count stopped (its bytes only ever grow).
    const key = [flowId, s.mode, s.encoding, s.filter, this.query, this.given ? 'given' : ''].join('\n');
    if (this.counter?.key === key) this.counter.counter.grow();
    else this.counter = { key, counter: new MatchCounter(source, flowId, pattern, directionsOf(s), this.rowSettings(s)) };
    this.countPending = () => this.countStep(match, outcome);
  }

  /** One step of the messages mode's count; when done (or the mode left), the found outcome again with its count. */
  private messageCountStep(outcome: FoundOutcome): SearchOutcome {
    const view = this.host.messageView();
    const count = view?.matchCount(performance.now() + COUNT_STEP_MS);
    if (view && count === undefined) return { kind: 'counting' };
    this.countPending = undefined;
    return count ? { ...outcome, count } : outcome;
  }

  /** One step of counting (slices until {@link COUNT_STEP_MS} passed); when done, the found outcome again with its count. */
  private countStep(match: SearchMatch, outcome: FoundOutcome): SearchOutcome {
    const counter = this.counter!.counter;
    const deadline = performance.now() + COUNT_STEP_MS;
    while (!counter.step(COUNT_SLICE_BYTES)) if (performance.now() > deadline) return { kind: 'counting' };
    this.countPending = undefined;
    return { ...outcome, count: counter.describe(match) };
  }

  /**
   * Where a new search starts: at the first data byte of the window (as if a match ended just
   * before it), or at the first chunk when the window shows no data.
   */
  private windowStart(flowId: number, top: DisplayLine | undefined): SearchStart {
    if (!top) return { chunk: 0 };
    const chunk = Math.max(0, this.host.source.chunkAt(flowId, top.dir!, top.offset!));
    return { match: { dir: top.dir!, offset: top.offset! - 1, length: 1, chunk } };
  }
}


/** The directions the settings' filter shows, searched and counted in. */
function directionsOf(settings: ConversationSettings): Direction[] {
  return settings.filter === 'both' ? ['c2s', 's2c'] : [settings.filter];
}

/** The window's first data row (with a direction and an offset), if it shows one. */
function topDataLine(view: ConversationView): DisplayLine | undefined {
  return view.lines().find((line) => line.dir !== undefined && line.offset !== undefined);
}

/** Where the window stands: its first data row's direction and offset ('' without one). */
function windowKey(top: DisplayLine | undefined): string {
  return top ? `${top.dir}:${top.offset}` : '';
}

/** A match, found after going round from the top (forward) or the bottom (`backward`) when `wrapped`. */
function foundOutcome(wrapped: boolean, backward: boolean): FoundOutcome {
  return wrapped ? { kind: 'found', wrapped: backward ? 'bottom' : 'top' } : { kind: 'found' };
}
