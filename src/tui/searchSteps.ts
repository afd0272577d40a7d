/**
 * The searches as the app drives them: `/` and `n`/`N` in either pane, and the steps of the long
 * ones run between frames (the conversation's `/` scan and match count, the list's `~text`
 * filter over the bytes), with their progress and outcome in the status message.
 */
import { escapeText } from '../render/escape.js';
import type { ConversationPane } from './conversationPane.js';
import type { SearchOutcome } from './conversation/paneSearch.js';
import type { ExchangeMode } from './flowList/exchangeMode.js';
import { formatCount } from '../core/count.js';
import { findRow, matchExcerpt, type RowFound } from './flowList/findRow.js';
import { shownQuery, smartIncludes } from './textMatch.js';
import type { FlowView } from './flowList/flowView.js';
import type { Filter } from './flowList/filter.js';
import type { BytePattern } from './byteMatcher.js';
import { shownList } from './flowList/shownList.js';
import type { RedrawScheduler } from './redraw.js';
import type { StatusMessage } from './statusMessage.js';

/** Bytes of `~text` search per step between frames. */
const CONTENT_SEARCH_STEP = 4 << 20;

/** Columns of text around what a list search matched out of sight, at most. */
const EXCERPT_COLUMNS = 40;

/** What the searches use of the app. */
export interface SearchScene {
  readonly conversation: Pick<ConversationPane, 'searching' | 'counting' | 'startSearch' | 'searchStep' | 'cancelSearch' | 'clearSearch'>;
  readonly list: FlowView;
  readonly exchanges: Pick<ExchangeMode, 'rows' | 'find' | 'recheck'>;
  readonly scheduler: Pick<RedrawScheduler, 'soon' | 'now'>;
  readonly status: StatusMessage;
  /** The list's focused row as the screen shows it (for saying what a search matched out of sight). */
  shownRowText(): string;
  readonly ellipsis: string;
  /** True once the app quit: no step runs after it. */
  quitting(): boolean;
}

/** The searches of one app; the list's query is kept here for `n` and `N`. */
export class SearchSteps {
  private listQuery = '';
  private stepping = false;
  /** The list filter's `~text` (as typed) the conversation's search was carried from, not one typed: its outcomes say so. */
  private carried: string | undefined = undefined;

  constructor(private readonly scene: SearchScene) {}

  /** `/` answered in the conversation: starts the search for `text` ('' does nothing). */
  searchConversation(text: string): void {
    if (text === '') return;
    this.carried = undefined;
    if (!this.scene.conversation.startSearch(text, false)) return this.scene.status.say('nothing to search');
    this.scheduleSteps();
  }

  /** `/` answered in the list: moves to the next row holding `text`. */
  searchList(text: string): void {
    this.listQuery = text;
    this.findInList(false);
  }

  /**
   * `n` (`N`: `backward`): the last search again, in the list when `inList`, else in the
   * conversation; there, with no search typed yet, the list filter's `~text` (as less and sngrep
   * carry a filter into the view), the filter's as it is now.
   */
  again(backward: boolean, inList: boolean): void {
    if (inList) return this.findInList(backward);
    const conversation = this.scene.conversation;
    const typedOrSameFilter = this.carried === undefined || filterNeedle(this.scene.list.filter)?.source === this.carried;
    if (typedOrSameFilter && conversation.startSearch(undefined, backward)) return this.scheduleSteps();
    this.carryFilter(backward);
  }

  /**
   * Starts the conversation's search for the list filter's `~text`; without one, drops a search
   * carried from an earlier filter and says there is no search.
   */
  private carryFilter(backward: boolean): void {
    const conversation = this.scene.conversation;
    const term = filterNeedle(this.scene.list.filter);
    // Its bytes are searched as they are, not read again from text (in hex mode `~2024` is text).
    if (!term || !conversation.startSearch(Buffer.from(term.pattern.bytes).toString('utf8'), backward, term.pattern)) {
      if (this.carried !== undefined) {
        conversation.cancelSearch();
        conversation.clearSearch();
        this.carried = undefined;
      }
      return this.scene.status.say('no search yet: press /');
    }
    this.carried = term.source;
    this.scheduleSteps();
  }

  private findInList(backward: boolean): void {
    const { list, exchanges, status } = this.scene;
    if (this.listQuery === '') return status.say('no search yet: press /');
    const inExchanges = shownList(list, exchanges).kind === 'exchanges';
    const found = inExchanges ? exchanges.find(this.listQuery, backward) : findRow(list, this.listQuery, backward);
    // The list's rows hold addresses, states and summaries; the bytes are searched by the filter.
    if (found === undefined) return status.say(`not in the rows: ${shownQuery(this.listQuery)}${inExchanges ? '' : ' (f ~text searches the bytes)'}`);
    if (!inExchanges) list.moveTo(found.index);
    status.say(this.describeFound(found));
  }

  /** `match 2 of 7`, and what matched when the row as shown does not hold it (a summary cut short). */
  private describeFound(found: RowFound): string {
    const { status, shownRowText, ellipsis } = this.scene;
    const count = `match ${formatCount(found.ordinal)} of ${formatCount(found.total)}`;
    const shown = smartIncludes(shownRowText(), escapeText(this.listQuery));
    if (shown) return count;
    return `${count}: ${matchExcerpt(found.text, this.listQuery, Math.max(12, Math.min(EXCERPT_COLUMNS, status.columns() - count.length - 2)), ellipsis)}`;
  }

  /** Runs search steps (conversation `/`, list `~text`) between frames until both are done; once per pending turn. */
  scheduleSteps(): void {
    if (this.stepping) return;
    this.stepping = true;
    setImmediate(() => {
      this.stepping = false;
      if (this.scene.quitting()) return;
      const { conversation, list, exchanges, scheduler } = this.scene;
      let more = false;
      if (conversation.searching || conversation.counting) {
        const outcome = conversation.searchStep();
        this.reportSearch(outcome);
        more ||= outcome.kind === 'busy' || conversation.counting;
        if (outcome.kind === 'busy') scheduler.soon();
        else if (outcome.kind !== 'counting') scheduler.now();
      }
      if (list.searchProgress?.busy) {
        list.searchStep(CONTENT_SEARCH_STEP, (ids) => exchanges.recheck(ids));
        // Rows found, or only the progress the status row counts: drawn at the engine updates' pace.
        scheduler.soon();
        more ||= list.searchProgress?.busy === true;
      }
      if (more) this.scheduleSteps();
    });
  }

  private reportSearch(outcome: SearchOutcome): void {
    const { status } = this.scene;
    const from = this.carried === undefined ? '' : `filter's ~${escapeText(this.carried)}: `;
    if (outcome.kind === 'busy') status.say(`${from}searching ${Math.floor(outcome.fraction * 100)}%  Esc cancels`);
    else if (outcome.kind === 'found') status.say(from + [outcome.wrapped && `search went round: from the ${outcome.wrapped}`, outcome.count ?? (from ? 'found' : '')].filter(Boolean).join(', '));
    else if (outcome.kind === 'not-found') status.say(`${from}not found: ${outcome.query}${outcome.hint ? ` (${outcome.hint})` : ''}`);
  }
}

/** The first `~text` word of `filter` (not `!~text`): its bytes and its text as typed; undefined without one. */
function filterNeedle(filter: Filter): { readonly pattern: BytePattern; readonly source: string } | undefined {
  const term = filter.terms.find((t) => t.kind === 'bytes' && t.negated !== true);
  return term?.kind === 'bytes' ? term : undefined;
}
