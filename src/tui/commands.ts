/**
 * What each keymap command does to the panes and the app state (the flow or exchange list, the
 * conversation, focus and zoom, follow and pause, prompts opened, help, quit). The keys and the
 * mouse come here once they are commands; the app redraws after.
 */
import { escapeText } from '../render/escape.js';
import type { ActionKeys } from './actionKeys.js';
import type { AppState, Focus } from './appState.js';
import type { ConversationPane } from './conversationPane.js';
import type { ExchangeMode } from './flowList/exchangeMode.js';
import { MATCH_ALL } from './flowList/filter.js';
import type { FlowView } from './flowList/flowView.js';
import { shownList } from './flowList/shownList.js';
import type { Following } from './following.js';
import type { Command } from './keymap.js';
import { listRows, type ScreenLayout } from './layout.js';
import { PromptBar } from './promptBar.js';
import type { RedrawScheduler } from './redraw.js';
import type { SearchSteps } from './searchSteps.js';
import type { StatusMessage } from './statusMessage.js';
import type { TuiSource } from './tuiSource.js';

/** What the commands act on. */
export interface CommandScene {
  readonly state: AppState;
  readonly list: FlowView;
  readonly exchanges: ExchangeMode;
  readonly conversation: ConversationPane;
  readonly following: Pick<Following, 'on'>;
  readonly scheduler: Pick<RedrawScheduler, 'isPaused' | 'pause' | 'resume'>;
  readonly source: TuiSource;
  readonly status: StatusMessage;
  readonly searches: Pick<SearchSteps, 'again'>;
  readonly actionKeys: Pick<ActionKeys, 'offerFlow' | 'copyCurl' | 'offerBody' | 'pcapName' | 'writingNow'>;
  layout(): ScreenLayout;
  /** The flow the list's selection is on (the focused exchange's, in the exchange list). */
  focusedFlowId(): number | undefined;
  /** Forgets what the terminal shows: the next render writes every cell. */
  repaint(): void;
  /** ctrl-z: gives the terminal back to the shell until `fg`, then draws everything again. */
  suspend(): void;
  /** Ends the app (the user quit); `interrupted`: by ctrl-c (quit at once), not `q` (the run then exits 130). */
  quit(interrupted?: boolean): void;
}

/** The commands of one app. */
export class Commands {
  constructor(private readonly scene: CommandScene) {}

  /** Does `command` in the focused pane (or for the app). */
  run(command: Command): void {
    const { state, list, exchanges, conversation, status, source } = this.scene;
    const inList = state.focus === 'list';
    const layout = this.scene.layout();
    const pageRows = Math.max(1, (inList ? layout.list.height : layout.conversation.height) - 1);
    const rows = shownList(list, exchanges).rows;
    switch (command) {
      case 'move.down':
        return inList ? rows.moveBy(1) : conversation.scroll(1);
      case 'move.up':
        return inList ? rows.moveBy(-1) : conversation.scroll(-1);
      case 'page.down':
        return inList ? rows.moveBy(pageRows) : conversation.page(1);
      case 'page.up':
        return inList ? rows.moveBy(-pageRows) : conversation.page(-1);
      case 'halfPage.down':
        return inList ? rows.moveBy(Math.ceil(pageRows / 2)) : conversation.page(1, 0.5);
      case 'halfPage.up':
        return inList ? rows.moveBy(-Math.ceil(pageRows / 2)) : conversation.page(-1, 0.5);
      case 'move.top':
        return inList ? rows.moveTo(0) : conversation.top();
      case 'move.bottom':
        return inList ? rows.moveTo(rows.length - 1) : conversation.bottom();
      case 'focus.next':
        return this.setFocus(inList ? 'conversation' : 'list');
      case 'flow.open':
        this.setFocus('conversation');
        return this.openAtMatch();
      case 'view.toggle':
        return status.say(exchanges.toggle());
      case 'back':
        return this.back();
      case 'conversation.leave':
        return this.backToList();
      case 'pane.zoom':
        state.zoom = state.zoom === 'none' ? (inList ? 'list' : 'conversation') : 'none';
        state.listZoomed = false;
        return;
      case 'list.grow':
      case 'list.shrink':
        return this.resizeList(command === 'list.grow' ? 1 : -1, layout);
      case 'turn.next':
      case 'turn.previous':
      {
        const what = conversation.showingMessages ? 'message' : 'turn';
        if (!conversation.jump(command === 'turn.next' ? 1 : -1)) status.say(command === 'turn.next' ? `]: the last ${what} is in view` : `[: the first ${what} is in view`);
        return;
      }
      case 'body.expand':
        if (!conversation.expandBody()) status.say('Enter shows a cut body in full (messages mode): none in view');
        return;
      case 'mode.toggleHex':
        return conversation.toggleHex();
      case 'mode.cycle':
        return conversation.cycleMode();
      case 'encoding.cycle': {
        // Said where the mode in view does not show it: the change applies to the text and escaped modes.
        const encoding = conversation.cycleEncoding();
        if (conversation.showingMessages) status.say(`text encoding ${encoding} for the text and escaped modes (m: text mode)`);
        else if (conversation.rawMode === 'hex') status.say(`text encoding ${encoding} for the text and escaped modes (x shows text)`);
        return;
      }
      case 'direction.cycle':
        return conversation.cycleDirections();
      case 'time.cycle':
        return conversation.cycleTimestamps();
      case 'search.start':
        state.prompt = new PromptBar(inList ? 'search-list' : 'search-conversation', '/', '', state.histories.search);
        return;
      case 'search.next':
      case 'search.previous':
        return this.scene.searches.again(command === 'search.previous', inList);
      case 'filter.start':
        state.prompt = new PromptBar('filter', 'filter: ', list.filter.text, state.histories.filter);
        return;
      case 'sort.cycle':
        // The selection stays on its flow (or exchange), as htop and mitmproxy keep it: g shows the new order's top.
        return status.say(`sorted by ${rows.cycleSort()}`);
      case 'follow.toggle':
        if (source.kind === 'file' && !source.running()) return status.say('F follows live captures and the proxy; G goes to the end');
        return this.setFollow(!this.scene.following.on);
      case 'pause.toggle': {
        if (source.kind === 'file' && !source.running()) return status.say('p pauses the updates of live captures and the proxy');
        const { scheduler } = this.scene;
        if (scheduler.isPaused) scheduler.resume();
        else scheduler.pause();
        return;
      }
      case 'screen.repaint':
        return this.scene.repaint();
      case 'suspend':
        return this.scene.suspend();
      case 'flow.save': {
        const offer = this.scene.actionKeys.offerFlow();
        if (offer !== undefined) state.prompt = new PromptBar('save-flow', offer.label, offer.name);
        return;
      }
      case 'request.copy':
        return this.scene.actionKeys.copyCurl();
      case 'body.save': {
        const offer = this.scene.actionKeys.offerBody();
        if (offer !== undefined) state.prompt = new PromptBar('save-body', offer.label, offer.name);
        return;
      }
      case 'pcap.write': {
        const shown = shownList(list, exchanges);
        const flows = shown.kind === 'exchanges' ? shown.rows.shownFlowIds().length : shown.rows.length;
        if (flows === 0) return status.say('w: no flows shown to write');
        state.prompt = new PromptBar('write-pcap', 'write pcap: ', this.scene.actionKeys.pcapName(flows));
        return;
      }
      case 'proxy.retarget':
        if (!source.retarget) return status.say('r: only in proxy mode (-L)');
        state.prompt = new PromptBar('retarget', source.retargetPrompt ?? 'new upstream host:port: ', source.retargetInitial?.() ?? '');
        return;
      case 'help':
        state.helpTop = 0;
        return;
      case 'quit':
        // A file being written would be left out, its part removed: asked first.
        if (this.scene.actionKeys.writingNow !== undefined) {
          state.prompt = new PromptBar('quit', `still ${this.scene.actionKeys.writingNow} quit and lose it? (y/n) `);
          return;
        }
        if ((source.kind !== 'file' || source.piped) && source.running()) {
          state.prompt = new PromptBar('quit', `stop the ${source.kind === 'proxy' ? 'proxy' : 'capture'} and quit? (y/n) `);
          return;
        }
        return this.scene.quit();
      case 'quit.now':
        return this.scene.quit(true);
      default:
        return;
    }
  }

  /**
   * Gives `focus` the keys; the conversation opened keeps the flow selected now; a zoom follows
   * the focus (a zoomed list opens a zoomed conversation, and going back zooms the list again).
   */
  setFocus(focus: Focus): void {
    const { state } = this.scene;
    if (focus === 'conversation') {
      state.openedId = this.scene.focusedFlowId();
      if (state.focus === 'list') state.listZoomed = state.zoom === 'list';
    }
    state.focus = focus;
    if (state.zoom !== 'none') state.zoom = focus;
  }

  /** `F`: both lists and the conversation follow new flows and bytes (`on`), or stop. */
  setFollow(on: boolean): void {
    this.scene.list.setFollow(on);
    this.scene.exchanges.setFollow(on);
    if (on) this.scene.conversation.bottom();
  }

  /**
   * `+` / `-`: the list `by` rows taller or shorter, the conversation the opposite; each keeps a
   * row. The shift kept is what the screen allowed (so the other key acts at once).
   */
  private resizeList(by: number, layout: ScreenLayout): void {
    const { state, status } = this.scene;
    if (state.zoom !== 'none') return status.say('+ and - share the rows between the panes: z unzooms first');
    if (layout.listHeader.height === 0 || layout.conversationTitle.height === 0) return status.say('the screen is too short for both panes');
    const rowsLeft = layout.list.height + layout.conversation.height;
    const share = listRows(rowsLeft, 0);
    const rows = listRows(rowsLeft, layout.list.height - share + by);
    if (rows === layout.list.height) return status.say(by > 0 ? 'the list has every row the conversation can give' : 'the list is down to one row');
    state.listShift = rows - share;
  }

  /**
   * Enter: the conversation opens at the exchange selected in the exchange list (in the messages
   * mode), or at the one the filter's message words point at (`status:404`: that 404).
   */
  private openAtMatch(): void {
    const { state, exchanges } = this.scene;
    const id = state.openedId;
    const shown = shownList(this.scene.list, exchanges);
    if (shown.kind === 'exchanges') {
      if (id !== undefined && shown.rows.focused) this.scene.conversation.openExchange(id, shown.rows.focused.index);
      return;
    }
    const unit = id === undefined ? undefined : shown.rows.namedUnit(id);
    if (id !== undefined && unit !== undefined) this.scene.conversation.openAt(id, unit);
  }

  /** The list takes the keys, zoomed as it was when the conversation took them. */
  private backToList(): void {
    const { state } = this.scene;
    state.zoom = state.listZoomed ? 'list' : 'none';
    state.listZoomed = false;
    state.focus = 'list';
  }

  /**
   * Esc: cancel a search, else drop the highlight, else back to a list that was zoomed, else
   * unzoom, else back to the list, else (the list has the keys) drop a highlight left in the
   * conversation, else clear the list's filter.
   */
  private back(): void {
    const { state, conversation, list, exchanges, status } = this.scene;
    const dropFilter = (what: string): void => {
      const text = list.filter.text;
      list.setFilter(MATCH_ALL);
      exchanges.setFilter(MATCH_ALL);
      status.say(`filter ${escapeText(text)} ${what} (f then Up brings it back)`);
    };
    if (list.searchProgress?.busy === true) {
      dropFilter('cancelled while it searched the flows');
    } else if (conversation.searching) {
      conversation.cancelSearch();
      this.scene.status.say('search cancelled');
    } else if (state.focus === 'conversation' && conversation.clearSearch()) {
      return;
    } else if (state.focus === 'conversation' && state.listZoomed) {
      this.backToList();
    } else if (state.zoom !== 'none') {
      state.zoom = 'none';
    } else if (state.focus === 'conversation') {
      this.backToList();
    } else if (conversation.clearSearch()) {
      return;
    } else if (list.filter.text !== '') {
      dropFilter('cleared');
    }
  }
}
