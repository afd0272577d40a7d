/**
 * The searches as the app drives them: `/` and `n`/`N` in either pane, and the steps of the long
 * ones run between frames (the conversation's `/` scan and match count, the list's `~text`
 * filter over the bytes), with their progress and outcome in the status message.
 */
import { escapeText } from '../render/escape.js';
import type { ConversationPane } from './conversationPane.js';
import type { SearchOutcome } from './conversation/paneSearch.js';
import type { ExchangeMode } from './flowList/exchangeMode.js';
import { findRow } from './flowList/findRow.js';
import type { FlowView } from './flowList/flowView.js';
import { shownList } from './flowList/shownList.js';
import type { RedrawScheduler } from './redraw.js';
import type { StatusMessage } from './statusMessage.js';

/** Bytes of `~text` search per step between frames. */
const CONTENT_SEARCH_STEP = 4 << 20;

/** What the searches use of the app. */
export interface SearchScene {
  readonly conversation: Pick<ConversationPane, 'searching' | 'counting' | 'startSearch' | 'searchStep'>;
  readonly list: FlowView;
  readonly exchanges: Pick<ExchangeMode, 'rows' | 'find' | 'recheck'>;
  readonly scheduler: Pick<RedrawScheduler, 'soon' | 'now'>;
  readonly status: StatusMessage;
  /** True once the app quit: no step runs after it. */
  quitting(): boolean;
}

/** The searches of one app; the list's query is kept here for `n` and `N`. */
export class SearchSteps {
  private listQuery = '';
  private stepping = false;

  constructor(private readonly scene: SearchScene) {}

  /** `/` answered in the conversation: starts the search for `text` ('' does nothing). */
  searchConversation(text: string): void {
    if (text === '') return;
    if (!this.scene.conversation.startSearch(text, false)) return this.scene.status.say('nothing to search');
    this.scheduleSteps();
  }

  /** `/` answered in the list: moves to the next row holding `text`. */
  searchList(text: string): void {
    this.listQuery = text;
    this.findInList(false);
  }

  /** `n` (`N`: `backward`): the last search again, in the list when `inList`, else in the conversation. */
  again(backward: boolean, inList: boolean): void {
    if (inList) return this.findInList(backward);
    if (!this.scene.conversation.startSearch(undefined, backward)) return this.scene.status.say('no search yet: press /');
    this.scheduleSteps();
  }

  private findInList(backward: boolean): void {
    const { list, exchanges, status } = this.scene;
    if (this.listQuery === '') return status.say('no search yet: press /');
    if (shownList(list, exchanges).kind === 'exchanges') {
      if (exchanges.find(this.listQuery, backward) < 0) status.say(`not in the rows: ${escapeText(this.listQuery)}`);
      return;
    }
    const index = findRow(list, this.listQuery, backward);
    // The list's rows hold addresses, states and summaries; the bytes are searched by the filter.
    if (index < 0) return status.say(`not in the rows: ${escapeText(this.listQuery)} (f ~text searches the bytes)`);
    list.moveTo(index);
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
        let answered = false;
        const rowsChanged = list.searchStep(CONTENT_SEARCH_STEP, (ids) => {
          exchanges.recheck(ids);
          answered = true;
        });
        if (rowsChanged || answered) scheduler.soon();
        more ||= list.searchProgress?.busy === true;
        if (!more) scheduler.soon();
      }
      if (more) this.scheduleSteps();
    });
  }

  private reportSearch(outcome: SearchOutcome): void {
    const { status } = this.scene;
    if (outcome.kind === 'busy') status.say(`searching ${Math.floor(outcome.fraction * 100)}%  Esc cancels`);
    else if (outcome.kind === 'found') status.say([outcome.wrapped && `search went round: from the ${outcome.wrapped}`, outcome.count].filter(Boolean).join(', '));
    else if (outcome.kind === 'not-found') status.say(`not found: ${outcome.query}`);
  }
}
