/**
 * Which flows the flow list shows, and the text it shows for each: the filter, the byte search
 * its `~text` words start, and the preview column's text (a summary of the flow's messages, else
 * its first line) that filters and searches read. Pure: the list asks, per flow.
 */
import { lineText } from '../conversation/messageLines.js';
import { inGlyphs, UNICODE_GLYPHS, type Glyphs } from '../glyphs.js';
import { shownQuery } from '../textMatch.js';
import { ContentSearch, type SearchProgress } from './contentSearch.js';
import { matchesWithoutBytes, MATCH_ALL, withoutTextWords, type Filter, type MessagesOf } from './filter.js';
import { matchedExchange } from './matchedExchange.js';
import { PreviewCache } from './preview.js';
import type { RowPreview } from './rowFormat.js';
import type { ByteSource, ListedFlow } from './source.js';

/** The flow list's filter and what it reads; MATCH_ALL at first. */
export class FlowMatcher {
  private active: Filter = MATCH_ALL;
  /** The words a flow must match to be byte-searched: the filter's but its text words (the exchange list reads them per exchange). */
  private searchGate: Filter = MATCH_ALL;
  private search: ContentSearch | undefined;
  /** Previews (first lines), cached per flow. */
  private readonly previews: PreviewCache;
  private readonly previewOf = (flow: ListedFlow): string => this.describe(flow);

  /** `messages`: the flows' parsed messages, when kept; `glyphs`: the terminal's (arrow, ellipsis). */
  constructor(
    private readonly bytes: ByteSource,
    private readonly messages?: MessagesOf,
    private readonly glyphs: Glyphs = UNICODE_GLYPHS,
  ) {
    this.previews = new PreviewCache(bytes);
  }

  /** The current filter. */
  get filter(): Filter {
    return this.active;
  }

  /** Makes `filter` the filter; its `~text` words start a new byte search (any running one is dropped). */
  setFilter(filter: Filter): void {
    this.active = filter;
    this.searchGate = withoutTextWords(filter);
    this.search = filter.needles.length > 0 ? new ContentSearch(this.bytes, filter.needles) : undefined;
  }

  /**
   * The preview column's text for `flow`, escaped: its messages' summary (of the exchange the filter
   * points at; text as the messages mode shows it: for a proxied flow whose upstream could not be
   * reached, that), else its first line.
   */
  describe(flow: ListedFlow): string {
    const summary = this.summaryOf(this.messages?.(flow.id));
    return summary ? this.shown(summary) : this.previews.get(flow);
  }

  /**
   * {@link describe}'s text with how the row colours it, its summary made once: `summarized` when
   * it is the messages' summary (text flowspy wrote around the captured words), not the first
   * line; `replied` when that summary ends in an outcome flowspy composed (see
   * `FlowMessages.summaryReplied`).
   */
  preview(flow: ListedFlow): RowPreview {
    const messages = this.messages?.(flow.id);
    const summary = this.summaryOf(messages);
    if (!summary) return { text: this.previews.get(flow), summarized: false, replied: false };
    return { text: this.shown(summary), summarized: true, replied: messages!.summaryReplied() };
  }

  /** The summary of a flow's `messages`, unescaped ('' without one). */
  private summaryOf(messages: ReturnType<MessagesOf>): string {
    return messages?.summary(matchedExchange(this.active, messages), lineText) ?? '';
  }

  /**
   * `summary` as the list shows it: arrows and ellipses in the glyph set (before the escaping,
   * which writes any other character an ASCII terminal cannot draw as `\u{hex}`), then escaped as
   * a query is shown (a line's `\xNN` and `\` single, as the messages mode shows them).
   */
  private shown(summary: string): string {
    return shownQuery(inGlyphs(summary, this.glyphs));
  }

  /**
   * The unit of flow `id` its row names: the HTTP exchange the filter's message words point at,
   * else the one its summary is of when not the first (`#2 GET … → after-close`), else the line
   * protocol's command whose error reply it names (`! SMTP RCPT TO:<x@y.test> → 554`), as a
   * position in `http.exchanges` or `lines.items`; undefined for none.
   */
  namedUnit(id: number): number | undefined {
    const messages = this.messages?.(id);
    return matchedExchange(this.active, messages) ?? messages?.summedExchange() ?? messages?.failedItem();
  }

  /** Whether flow `id`'s bytes answer the filter's `~text` words as wanted (true without such words; false until searched). */
  bytesMatch(id: number): boolean {
    return this.search === undefined || this.search.matches(id);
  }

  /** Whether `flow` passes the filter, its bytes as searched so far included. */
  matches(flow: ListedFlow): boolean {
    if (this.search !== undefined && !this.search.matches(flow.id)) return false;
    return matchesWithoutBytes(this.active, flow, this.previewOf, this.messages);
  }

  /** Queues `flow` for the byte search when its other words match and its answer may change. */
  queueSearch(flow: ListedFlow): void {
    const search = this.search;
    if (search === undefined || search.settled(flow.id)) return;
    if (matchesWithoutBytes(this.searchGate, flow, this.previewOf, this.messages)) search.enqueue(flow.id);
  }

  /** Drops what is kept of flow `id` (it left the store). */
  forget(id: number): void {
    this.previews.forget(id);
    this.search?.forget(id);
  }

  /** The byte search's progress, or undefined when the filter has none. */
  get searchProgress(): (SearchProgress & { readonly busy: boolean }) | undefined {
    return this.search === undefined ? undefined : { ...this.search.progress, busy: this.search.busy };
  }

  /** Searches about `budget` more bytes; returns the flows whose {@link bytesMatch} changed (none when no search is busy). */
  searchStep(budget: number): readonly number[] {
    if (this.search === undefined || !this.search.busy) return [];
    return this.search.step(budget);
  }
}
