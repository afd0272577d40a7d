/**
 * The full-screen app: flow list above, conversation below, status and hint rows, driven by the
 * keymap. Owns the blessed boxes (plain boxes holding only the visible rows, tags off) and the
 * pane models; reads the store the engine fills and redraws through one {@link RedrawScheduler}:
 * at once after a key, coalesced for engine changes, never when nothing changed.
 *
 * Lifetime: the caller opens the terminal and the source, builds the app, and awaits `closed`
 * (the user quit); then stops the source and calls `terminal.restore()`. The app never restores
 * the terminal or exits the process itself.
 */
import type blessed from 'blessed';
import type { FlowStore } from '../store/flowStore.js';
import { ConversationPane } from './conversationPane.js';
import { FlowView } from './flowList/flowView.js';
import type { MessagesOf } from './flowList/filter.js';
import { dispatch, otherPaneUse, type Command } from './keymap.js';
import { screenLayout } from './layout.js';
import { PromptBar } from './promptBar.js';
import { promptKey, type PromptScene } from './promptKeys.js';
import { RedrawScheduler } from './redraw.js';
import { messageColumns } from './statusBar.js';
import { ScreenBoxes } from './boxes.js';
import { ActionKeys, pcapFileName, type TuiActions } from './actions/actionKeys.js';
import { StatusMessage } from './statusMessage.js';
import type { TuiSource } from './tuiSource.js';
import { SearchSteps } from './searchSteps.js';
import { initialAppState, keyContext, type AppState, type Focus } from './appState.js';
import { drawFrame, type FrameScene } from './frame.js';
import { helpKey, scrollHelp } from './helpPane.js';
import type { Terminal } from './terminal.js';
import { ExchangeMode } from './flowList/exchangeMode.js';
import { notFollowing, type Following } from './following.js';
import { MouseInput, type MouseEvent } from './mouse/input.js';
import { applyMouse, type MouseTargets } from './mouse/apply.js';

export type { TuiSource } from './tuiSource.js';
export type { TuiActions } from './actions/actionKeys.js';

/** Everything the app needs. */
export interface TuiOptions {
  readonly terminal: Terminal;
  readonly store: FlowStore;
  readonly source: TuiSource;
  readonly actions: TuiActions;
  /** Follow new flows and bytes from the start (live sources). */
  readonly follow: boolean;
  /** The flows' parsed messages (summaries, message filter words), when kept. */
  readonly messages?: MessagesOf;
}

/**
 * Engine updates (new flows and bytes) redraw at most this often: 10 frames a second reads as
 * live, and leaves the CPU to loading and relaying (keys still draw at once).
 */
const ENGINE_REDRAW_MS = 100;
/** How often running-source counters are looked at for the status row. */
const COUNTER_POLL_MS = 250;

/** The app. Construct it once; `closed` resolves when the user quits. */
export class TuiApp {
  readonly closed: Promise<void>;
  private close!: () => void;
  private readonly screen: blessed.Widgets.Screen;
  private readonly boxes: ScreenBoxes;
  private readonly list: FlowView;
  /** `v`: the list pane shows HTTP exchanges in place of flows. */
  private readonly exchanges: ExchangeMode;
  private readonly conversation: ConversationPane;
  private readonly scheduler: RedrawScheduler;
  /** `F`: one state, read by both panes (a move in either stops it for both). */
  private readonly following: Following = notFollowing();
  private readonly state: AppState = initialAppState();
  private readonly frameScene: FrameScene;
  private readonly promptScene: PromptScene;
  private readonly mouseTargets: MouseTargets;
  private readonly status: StatusMessage;
  private readonly actionKeys: ActionKeys;
  private readonly searches: SearchSteps;
  private poll: NodeJS.Timeout | undefined;
  private lastCounts = '';
  private quitting = false;
  private readonly mouse: MouseInput | undefined;

  constructor(private readonly options: TuiOptions) {
    this.closed = new Promise((resolve) => (this.close = resolve));
    this.screen = options.terminal.screen;
    this.boxes = new ScreenBoxes(this.screen);
    this.scheduler = new RedrawScheduler(() => this.draw(), ENGINE_REDRAW_MS);
    this.status = new StatusMessage(() => this.messageColumns(), () => this.scheduler.soon(), options.terminal.glyphs.ellipsis);
    this.list = new FlowView(options.store, options.store, () => this.scheduler.soon(), options.messages, options.terminal.glyphs, this.following);
    this.conversation = new ConversationPane(options.store, options.messages, this.following, options.terminal.glyphs.right === '→' ? '→' : '->');
    this.exchanges = new ExchangeMode({ source: options.store, messages: options.messages, flows: this.list, following: this.following, onPending: () => this.scheduler.soon() });
    this.actionKeys = new ActionKeys({
      actions: options.actions,
      store: options.store,
      messages: options.messages,
      conversation: this.conversation,
      status: this.status,
      ellipsis: options.terminal.glyphs.ellipsis,
      actedOnFlowId: () => (this.state.focus === 'conversation' ? this.conversation.flowId : this.focusedFlowId()),
      shownFlowIds: () => this.exchanges.shownFlowIds() ?? this.list.shownIds(),
      writeToTerminal: (sequence) => this.screen.program.output.write(sequence),
    });
    this.searches = new SearchSteps({
      conversation: this.conversation,
      list: this.list,
      exchanges: this.exchanges,
      scheduler: this.scheduler,
      status: this.status,
      quitting: () => this.quitting,
    });
    this.frameScene = {
      screen: this.screen,
      boxes: this.boxes,
      terminal: options.terminal,
      source: options.source,
      store: options.store,
      list: this.list,
      exchanges: this.exchanges,
      conversation: this.conversation,
      following: this.following,
      scheduler: this.scheduler,
      status: this.status,
      state: this.state,
      layout: () => this.layout(),
      focusedFlowId: () => this.focusedFlowId(),
    };
    this.promptScene = {
      state: this.state,
      list: this.list,
      exchanges: this.exchanges,
      searches: this.searches,
      actionKeys: this.actionKeys,
      source: options.source,
      status: this.status,
      scheduler: this.scheduler,
      quit: () => this.quit(),
      focusConversation: () => this.setFocus('conversation'),
    };
    this.mouseTargets = {
      state: this.state,
      layout: () => this.layout(),
      listRows: () => this.exchanges.rows ?? this.list,
      scrollConversation: (rows) => this.conversation.scroll(rows),
      scrollHelp: (rows) => scrollHelp(this.state, rows, this.helpRoom(), options.terminal.unicode),
      setFocus: (focus) => this.setFocus(focus),
      openSelected: () => this.run('flow.open'),
      quitting: () => this.quitting,
    };
    if (options.follow) this.setFollow(true);
    this.screen.on('keypress', (ch: string | undefined, key: { full?: string } | undefined) => this.onKey(key?.full ?? ch ?? '', ch));
    this.screen.on('resize', () => this.scheduler.now());
    if (options.terminal.mouse) this.mouse = new MouseInput(this.screen.program.input, (events) => this.onMouse(events));
    this.poll = setInterval(() => this.pollSource(), COUNTER_POLL_MS);
    this.scheduler.now();
  }

  /** The source changed state (loading finished, a problem, messages parsed): redraw soon. */
  sourceChanged(): void {
    this.exchanges.messagesChanged();
    this.scheduler.soon();
  }

  /** The source finished (a file loaded, a capture stopped): the status row says so at once. */
  sourceEnded(): void {
    if (!this.quitting) this.scheduler.now();
  }

  /**
   * Stops timers and the list's change reader; the boxes go with the screen. The app draws no
   * more: the source may still end, and the store still change, while the CLI finishes up.
   */
  dispose(): void {
    this.quitting = true;
    this.scheduler.cancel();
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    this.list.dispose();
    this.exchanges.dispose();
    this.mouse?.dispose();
  }

  private quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    this.dispose();
    this.close();
  }

  /** Redraws when the running source's counters moved; stops polling once it stopped. */
  private pollSource(): void {
    const c = this.options.source.counters();
    const counts = c ? `${c.packets}|${c.payloadBytes}|${c.flows}|${c.bytesRead}|${c.kernelDrops}|${c.queueDrops}` : '';
    const running = this.options.source.running();
    if (counts !== this.lastCounts || !running) {
      this.lastCounts = counts;
      this.scheduler.soon();
    }
    if (!running && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  private onKey(name: string, ch: string | undefined): void {
    if (this.quitting || this.mouse?.ownsKey(ch)) return;
    // Esc and a key typed within the terminal's escape time (tmux waits 500 ms by default) come
    // as one Meta key; no key here is bound with Meta, so it is taken as typed: Esc, then the key.
    // In a prompt a Meta key is dropped: Esc there would cancel what is being typed.
    const meta = /^M-(.+)$/.exec(name);
    if (meta && this.state.prompt) return;
    if (meta) {
      this.onKey('escape', undefined);
      this.onKey(meta[1], ch);
      return;
    }
    if (this.state.prompt) {
      promptKey(this.promptScene, name, ch);
      return;
    }
    if (this.state.helpTop !== undefined) {
      this.onHelpKey(name);
      return;
    }
    const command = dispatch(keyContext(this.state), name);
    if (command === undefined) {
      const use = otherPaneUse(keyContext(this.state), name, this.options.terminal.unicode);
      if (use !== undefined) this.status.say(use);
      return;
    }
    if (command !== 'search.next' && command !== 'search.previous') {
      this.status.say('');
      // The count of a match the user moved on from would say nothing about the screen.
      this.conversation.dropCountReport();
    }
    this.run(command);
    if (!this.quitting) this.scheduler.now();
  }

  private run(command: Command): void {
    const inList = this.state.focus === 'list';
    const pageRows = Math.max(1, (inList ? this.layout().list.height : this.layout().conversation.height) - 1);
    const exchangeSaid = inList ? this.exchanges.run(command, pageRows) : undefined;
    if (exchangeSaid !== undefined) {
      // The conversation below shows the selected exchange (messages mode).
      const selected = this.exchanges.focused;
      if (selected) this.conversation.openAt(selected.flowId, selected.index);
      return this.status.say(exchangeSaid);
    }
    switch (command) {
      case 'move.down':
        return inList ? this.list.moveBy(1) : this.conversation.scroll(1);
      case 'move.up':
        return inList ? this.list.moveBy(-1) : this.conversation.scroll(-1);
      case 'page.down':
        return inList ? this.list.moveBy(pageRows) : this.conversation.page(1);
      case 'page.up':
        return inList ? this.list.moveBy(-pageRows) : this.conversation.page(-1);
      case 'halfPage.down':
        return inList ? this.list.moveBy(Math.ceil(pageRows / 2)) : this.conversation.page(1, 0.5);
      case 'halfPage.up':
        return inList ? this.list.moveBy(-Math.ceil(pageRows / 2)) : this.conversation.page(-1, 0.5);
      case 'move.top':
        return inList ? this.list.moveTo(0) : this.conversation.top();
      case 'move.bottom':
        return inList ? this.list.moveTo(this.list.length - 1) : this.conversation.bottom();
      case 'focus.next':
        return this.setFocus(inList ? 'conversation' : 'list');
      case 'flow.open':
        this.setFocus('conversation');
        return this.openAtMatch();
      case 'view.toggle':
        return this.status.say(this.exchanges.toggle());
      case 'back':
        return this.back();
      case 'conversation.leave':
        this.state.zoom = 'none';
        return this.setFocus('list');
      case 'pane.zoom':
        this.state.zoom = this.state.zoom === 'none' ? (inList ? 'list' : 'conversation') : 'none';
        return;
      case 'turn.next':
      case 'turn.previous':
        if (!this.conversation.jump(command === 'turn.next' ? 1 : -1)) this.status.say(command === 'turn.next' ? '] : the last message or turn is in view' : '[ : at the start');
        return;
      case 'body.expand':
        if (!this.conversation.expandBody()) this.status.say('Enter shows a cut body in full (messages mode): none in view');
        return;
      case 'mode.toggleHex':
        return this.conversation.toggleHex();
      case 'mode.cycle':
        return this.conversation.cycleMode();
      case 'encoding.cycle': {
        // Said where the mode in view does not show it: the change applies to the text and escaped modes.
        const encoding = this.conversation.cycleEncoding();
        if (this.conversation.showingMessages) this.status.say(`text encoding ${encoding} for the text and escaped modes (m: text mode)`);
        else if (this.conversation.rawMode === 'hex') this.status.say(`text encoding ${encoding} for the text and escaped modes (x shows text)`);
        return;
      }
      case 'direction.cycle':
        return this.conversation.cycleDirections();
      case 'time.cycle':
        return this.conversation.cycleTimestamps();
      case 'search.start':
        this.state.prompt = new PromptBar(inList ? 'search-list' : 'search-conversation', '/');
        return;
      case 'search.next':
      case 'search.previous':
        return this.searches.again(command === 'search.previous', inList);
      case 'filter.start':
        this.state.prompt = new PromptBar('filter', 'filter: ', this.list.filter.text);
        return;
      case 'sort.cycle':
        // A new order is looked at from its top: the biggest, the longest, the newest flow.
        this.status.say(`sorted by ${this.list.cycleSort()}`);
        return this.list.moveTo(0);
      case 'follow.toggle':
        if (this.options.source.kind === 'file' && !this.options.source.running()) return this.status.say('F follows live captures and the proxy; G goes to the end');
        return this.setFollow(!this.following.on);
      case 'pause.toggle':
        if (this.options.source.kind === 'file' && !this.options.source.running()) return this.status.say('p pauses the updates of live captures and the proxy');
        if (this.scheduler.isPaused) this.scheduler.resume();
        else this.scheduler.pause();
        return;
      case 'screen.repaint':
        // Forgets what the terminal shows and clears it: the next render writes every cell.
        this.screen.realloc();
        return;
      case 'flow.save':
        return this.actionKeys.saveFlow();
      case 'request.copy':
        return this.actionKeys.copyCurl();
      case 'body.save':
        return this.actionKeys.saveBody();
      case 'pcap.write':
        this.state.prompt = new PromptBar('write-pcap', 'write pcap: ', pcapFileName(this.exchanges.shownFlowIds()?.length ?? this.list.length, new Date()));
        return;
      case 'proxy.retarget':
        if (!this.options.source.retarget) return this.status.say('r: only in proxy mode (-L)');
        this.state.prompt = new PromptBar('retarget', this.options.source.retargetPrompt ?? 'new upstream host:port: ');
        return;
      case 'help':
        this.state.helpTop = 0;
        return;
      case 'quit':
        if ((this.options.source.kind !== 'file' || this.options.source.piped) && this.options.source.running()) {
          this.state.prompt = new PromptBar('quit', `stop the ${this.options.source.kind === 'proxy' ? 'proxy' : 'capture'} and quit? (y/n) `);
          return;
        }
        return this.quit();
      case 'quit.now':
        return this.quit();
      default:
        return;
    }
  }

  private setFocus(focus: Focus): void {
    if (focus === 'conversation') this.state.openedId = this.focusedFlowId();
    this.state.focus = focus;
    if (this.state.zoom !== 'none') this.state.zoom = focus;
  }

  /** Enter: the conversation opens at the exchange the filter's message words point at (`status:404`: that 404). */
  private openAtMatch(): void {
    const id = this.state.openedId;
    const exchange = id === undefined ? undefined : this.exchanges.on ? this.exchanges.focused?.index : this.list.matchedExchange(id);
    if (id !== undefined && exchange !== undefined) this.conversation.openAt(id, exchange);
  }

  /** Esc: cancel a search, else drop the highlight, else unzoom, else back to the list. */
  private back(): void {
    if (this.conversation.searching) {
      this.conversation.cancelSearch();
      this.status.say('search cancelled');
    } else if (this.state.focus === 'conversation' && this.conversation.clearSearch()) {
      return;
    } else if (this.state.zoom !== 'none') {
      this.state.zoom = 'none';
    } else if (this.state.focus === 'conversation') {
      this.state.focus = 'list';
    }
  }

  private setFollow(on: boolean): void {
    this.list.setFollow(on);
    this.exchanges.setFollow(on);
    if (on) this.conversation.bottom();
  }

  /** Applies the reports of one read (see mouse/apply.ts), then redraws once if any acted. */
  private onMouse(events: readonly MouseEvent[]): void {
    if (!applyMouse(events, this.mouseTargets)) return;
    this.status.say('');
    this.scheduler.now();
  }

  /** Rows the help shows at once: those above the status row. */
  private helpRoom(): number {
    return Math.max(1, this.layout().status.top);
  }

  private onHelpKey(name: string): void {
    const after = helpKey(this.state, name, this.helpRoom(), this.options.terminal.unicode);
    if (after === 'quit') return this.quit();
    if (after === 'repaint') this.screen.realloc();
    this.scheduler.now();
  }

  /** Columns a status message has: beside `· ? help`, and the hint row below when there is one (see splitMessage). */
  private messageColumns(): number {
    const width = Number(this.screen.width) || 80;
    return messageColumns(width) + (this.layout().hints.height > 0 ? Math.max(0, width - 11) : 0);
  }

  private layout(): ReturnType<typeof screenLayout> {
    return screenLayout(Number(this.screen.height) || 24, this.state.zoom);
  }

  /** One frame (see frame.ts); then the search steps go on if the list's `~text` is running. */
  private draw(): void {
    if (this.quitting) return;
    drawFrame(this.frameScene);
    if (this.list.searchProgress?.busy) this.searches.scheduleSteps();
  }

  /** The flow the list's selection is on (the focused exchange's, in the exchange list). */
  private focusedFlowId(): number | undefined {
    return this.exchanges.on ? this.exchanges.focused?.flowId : this.list.focusedId;
  }

}
