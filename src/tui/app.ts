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
import { ProblemNews } from './problemNews.js';
import type blessed from 'blessed';
import type { FlowStore } from '../store/flowStore.js';
import { ConversationPane } from './conversationPane.js';
import { FlowView } from './flowList/flowView.js';
import type { MessagesOf } from './flowList/filter.js';
import { dispatch, otherPaneUse } from './keymap.js';
import { screenLayout } from './layout.js';
import { promptKey, promptPaste, type PromptScene } from './promptKeys.js';
import { PasteInput } from './paste.js';
import { EscapePairInput } from './escapePairs.js';
import { RedrawScheduler } from './redraw.js';
import { messageColumns, soleMessageColumns } from './statusBar.js';
import { ScreenBoxes } from './boxes.js';
import { ActionKeys, type TuiActions } from './actionKeys.js';
import { StatusMessage } from './statusMessage.js';
import type { TuiSource } from './tuiSource.js';
import { SearchSteps } from './searchSteps.js';
import { initialAppState, keyContext, type AppState } from './appState.js';
import { Commands } from './commands.js';
import { drawFrame, focusedRowText, type FrameScene } from './frame.js';
import { fittedHelpText, helpKey, scrollHelp } from './helpPane.js';
import type { Terminal } from './terminal.js';
import { ExchangeMode } from './flowList/exchangeMode.js';
import { shownList } from './flowList/shownList.js';
import type { ListedExchange } from './flowList/exchangeFields.js';
import { notFollowing, type Following } from './following.js';
import { MouseInput, type MouseEvent } from './mouse/input.js';
import { applyMouse, type MouseTargets } from './mouseApply.js';

export type { TuiSource } from './tuiSource.js';
export type { TuiActions } from './actionKeys.js';

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
  /** Resolves when the user quits. */
  readonly closed: Promise<void>;
  /** True once the user quit with ctrl-c (quit at once), not `q`. */
  interrupted = false;
  private close!: () => void;
  private readonly screen: blessed.Widgets.Screen;
  private readonly list: FlowView;
  /** `v`: the list pane shows HTTP exchanges in place of flows. */
  private readonly exchanges: ExchangeMode;
  private readonly conversation: ConversationPane;
  private readonly scheduler: RedrawScheduler;
  private readonly state: AppState = initialAppState();
  private readonly status: StatusMessage;
  private readonly searches: SearchSteps;
  private readonly commands: Commands;
  private readonly frameScene: FrameScene;
  private readonly promptScene: PromptScene;
  private readonly mouseTargets: MouseTargets;
  private poll: NodeJS.Timeout | undefined;
  private readonly problemNews: ProblemNews;
  private lastCounts = '';
  /** The exchange-list row the conversation below was last put at (see anchorSelectedExchange). */
  private anchoredExchange: ListedExchange | undefined;
  /** The flow-list row (`flow#exchange` it names) the conversation below was last put at. */
  private anchoredRow = '';
  private quitting = false;
  private readonly mouse: MouseInput | undefined;
  private readonly paste: PasteInput;
  private readonly escapePairs: EscapePairInput;

  constructor(private readonly options: TuiOptions) {
    this.closed = new Promise((resolve) => (this.close = resolve));
    const { terminal, store, messages, source } = options;
    this.screen = terminal.screen;
    const boxes = new ScreenBoxes(this.screen);
    this.scheduler = new RedrawScheduler(() => this.draw(), ENGINE_REDRAW_MS);
    const width = (): number => Number(this.screen.width) || 80;
    this.status = new StatusMessage(() => messageColumns(width()), () => this.scheduler.soon(), terminal.glyphs.ellipsis, () => soleMessageColumns(width()));
    this.problemNews = new ProblemNews(this.status, terminal.glyphs.ellipsis, () => this.scheduler.soon());
    // `F`: one state, read by both panes (a move in either stops it for both).
    const following: Following = notFollowing();
    this.list = new FlowView(store, store, () => this.scheduler.soon(), messages, terminal.glyphs, following);
    this.conversation = new ConversationPane(store, messages, following, terminal.glyphs);
    this.exchanges = new ExchangeMode({ source: store, messages, flows: this.list, following, onPending: () => this.scheduler.soon() });
    // What the app's modules share; each takes the part it declares.
    const parts = {
      screen: this.screen, terminal, source, store, messages, following,
      state: this.state, list: this.list, exchanges: this.exchanges, conversation: this.conversation, scheduler: this.scheduler, status: this.status,
      layout: () => this.layout(),
      focusedFlowId: () => this.focusedFlowId(),
      quitting: () => this.quitting,
      quit: (interrupted?: boolean) => this.quit(interrupted),
    };
    this.searches = new SearchSteps({
      ...parts,
      ellipsis: terminal.glyphs.ellipsis,
      shownRowText: () => focusedRowText(parts, Math.max(1, Number(this.screen.width) || 80)),
    });
    const actionKeys = new ActionKeys({
      ...parts,
      actions: options.actions,
      ellipsis: terminal.glyphs.ellipsis,
      actedOnFlowId: () => (this.state.focus === 'conversation' ? this.conversation.flowId : this.focusedFlowId()),
      selectedExchange: () => (this.state.focus === 'list' ? this.exchanges.rows?.focused : undefined),
      shownFlowIds: () => this.shownFlowIds(),
      writeToTerminal: (sequence) => this.screen.program.output.write(sequence),
    });
    const suspend = (): void =>
      terminal.suspend((stopped) => {
        this.screen.realloc();
        if (!stopped) this.status.say('ctrl-z: not suspended (no job control here: run flowspy from a shell)');
        this.scheduler.soon();
      });
    this.commands = new Commands({ ...parts, searches: this.searches, actionKeys, repaint: () => this.screen.realloc(), suspend });
    this.frameScene = { ...parts, boxes, anchorSelectedExchange: () => this.anchorSelectedExchange(), writingNow: () => actionKeys.writingNow };
    this.promptScene = { ...parts, searches: this.searches, actionKeys, focusConversation: () => this.commands.setFocus('conversation') };
    this.mouseTargets = {
      ...parts,
      listRows: () => shownList(this.list, this.exchanges).rows,
      scrollConversation: (rows) => this.conversation.scroll(rows),
      scrollHelp: (rows) => scrollHelp(this.state, rows, this.helpRoom(), this.helpLines()),
      setFocus: (focus) => this.commands.setFocus(focus),
      openSelected: () => this.commands.run('flow.open'),
      movedOn: () => this.conversation.dropCountReport(),
    };
    if (options.follow) this.commands.setFollow(true);
    this.paste = new PasteInput(this.screen.program.input, (text) => this.onPaste(text));
    // After the paste reader: its pairs reach the paste reader in their place, as keys.
    this.escapePairs = new EscapePairInput(this.screen.program.input);
    this.screen.on('keypress', (ch: string | undefined, key: { full?: string } | undefined) => {
      if (this.paste.typed) this.onKey(key?.full ?? ch ?? '', ch);
    });
    this.screen.on('resize', () => this.scheduler.now());
    if (terminal.mouse) this.mouse = new MouseInput(this.screen.program.input, (events) => this.onMouse(events));
    this.poll = setInterval(() => this.pollSource(), COUNTER_POLL_MS);
    this.scheduler.now();
  }

  /** The source changed state (loading finished, a problem, flow `parsedFlowId`'s messages parsed after the load): redraw soon. */
  sourceChanged(parsedFlowId?: number): void {
    if (parsedFlowId !== undefined) this.exchanges.messagesChanged(parsedFlowId);
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
    this.problemNews.dispose();
    this.list.dispose();
    this.exchanges.dispose();
    this.mouse?.dispose();
    this.paste.dispose();
    this.escapePairs.dispose();
    this.status.dispose();
  }

  /** `interrupted`: ctrl-c, not `q` (the run then exits 130, as for a signal). */
  private quit(interrupted = false): void {
    if (this.quitting) return;
    this.quitting = true;
    this.interrupted = interrupted;
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
    // A Return typed before the screen took the terminal arrives as a line feed (the tty's
    // CR-to-NL mapping was still on), as does ctrl-j: both are Enter.
    if (name === 'linefeed') name = 'enter';
    // Esc and a key typed within the terminal's escape time (tmux waits 500 ms by default) come
    // as one Meta key (with punctuation: see escapePairs.ts); no key here is bound with Meta, so it
    // is taken as typed: Esc, then the key.
    // In a prompt the Esc cancels it and the key is dropped (a quick Esc y must not run y), so
    // one Esc always closes a prompt; Alt-Backspace (M-backspace) is an edit and does nothing.
    const meta = /^M-(.+)$/.exec(name);
    if (meta && this.state.prompt) {
      if (meta[1] !== 'backspace') promptKey(this.promptScene, 'escape', undefined);
      return;
    }
    if (meta) {
      this.onKey('escape', undefined);
      this.onKey(meta[1], ch);
      return;
    }
    // ctrl-z suspends from anywhere, as in a shell's or less's prompt; the prompt or help stays open for fg.
    if (name === 'C-z' && (this.state.prompt || this.state.helpTop !== undefined)) return this.commands.run('suspend');
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
    this.commands.run(command);
    if (!this.quitting) this.scheduler.now();
  }

  /** A paste (bracketed: see paste.ts) goes into the open prompt; elsewhere it runs no key. */
  private onPaste(text: string): void {
    if (this.quitting) return;
    if (this.state.prompt && this.state.prompt.purpose !== 'quit') return promptPaste(this.promptScene, text);
    if (text.trim() !== '') this.status.say('pasted text ignored: paste into a prompt (/ search, f filter)');
  }

  /** Applies the reports of one read (see mouseApply.ts), then redraws once if any acted. */
  private onMouse(events: readonly MouseEvent[]): void {
    if (!applyMouse(events, this.mouseTargets)) return;
    this.status.say('');
    this.scheduler.now();
  }

  /** Rows the help shows at once: those above the status row. */
  private helpRoom(): number {
    return Math.max(1, this.layout().status.top);
  }

  /** Rows the help has at the screen's width (long lines wrapped). */
  private helpLines(): number {
    const { unicode, glyphs } = this.options.terminal;
    return fittedHelpText(Math.max(1, Number(this.screen.width) || 80), unicode, glyphs.ellipsis, this.options.source.problem()).length;
  }

  private onHelpKey(name: string): void {
    const after = helpKey(this.state, name, this.helpRoom(), this.helpLines());
    if (after === 'quit') return this.quit(true);
    if (after === 'repaint') this.screen.realloc();
    this.scheduler.now();
  }

  private layout(): ReturnType<typeof screenLayout> {
    return screenLayout(Number(this.screen.height) || 24, this.state.zoom, this.state.listShift, this.state.focus);
  }

  /** One frame (see frame.ts); then the search steps go on if the list's `~text` is running. */
  private draw(): void {
    if (this.quitting) return;
    this.problemNews.sayNew(this.options.source.problem());
    drawFrame(this.frameScene);
    if (this.list.searchProgress?.busy) this.searches.scheduleSteps();
  }

  /**
   * While the list has the keys, the conversation below shows the selected exchange (the exchange
   * list's row, or the one a flow row names: `! #2 GET … → after-close`, a filter's match) whenever
   * the selection, or what its row names, changed, by key, mouse, search or follow.
   */
  private anchorSelectedExchange(): void {
    if (this.state.focus !== 'list') return;
    const shown = shownList(this.list, this.exchanges);
    if (shown.kind === 'exchanges') {
      const selected = shown.rows.focused;
      if (selected !== undefined && selected !== this.anchoredExchange) this.conversation.openAt(selected.flowId, selected.index, true);
      this.anchoredExchange = selected;
      // Back in the flow list, its row puts the conversation at its unit again.
      this.anchoredRow = '';
      return;
    }
    this.anchoredExchange = undefined;
    const id = shown.rows.focusedId;
    const named = id === undefined ? undefined : shown.rows.namedUnit(id);
    const row = `${id}#${named}`;
    if (row === this.anchoredRow) return;
    this.anchoredRow = row;
    if (id !== undefined && named !== undefined) this.conversation.openAt(id, named, true);
  }

  /** The flow the list's selection is on (the focused exchange's, in the exchange list). */
  private focusedFlowId(): number | undefined {
    const shown = shownList(this.list, this.exchanges);
    return shown.kind === 'exchanges' ? shown.rows.focused?.flowId : shown.rows.focusedId;
  }

  /** The flows the list shows (for `w`), in arrival order: those of the exchanges shown, in the exchange list. */
  private shownFlowIds(): number[] {
    const shown = shownList(this.list, this.exchanges);
    return shown.kind === 'exchanges' ? shown.rows.shownFlowIds() : shown.rows.shownIds();
  }
}
