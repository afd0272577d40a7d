/**
 * One frame of the app: every box gets its content for the current size (the flow or exchange
 * list, the conversation and its title, the status row or prompt, the hint row, the help), then
 * one render. Reads the panes and the app's state; changes neither, but for the once-per-frame
 * refresh of the lists and putting the conversation at a moved exchange-list selection.
 */
import type blessed from 'blessed';
import { escapeText } from '../render/escape.js';
import { shownQuery } from './textMatch.js';
import type { FlowStore } from '../store/flowStore.js';
import { keyContext, type AppState } from './appState.js';
import type { ScreenBoxes } from './boxes.js';
import type { ConversationPane } from './conversationPane.js';
import type { ExchangeMode } from './flowList/exchangeMode.js';
import { FILTER_WORDS } from './flowList/filter.js';
import type { FlowView } from './flowList/flowView.js';
import { shownList } from './flowList/shownList.js';
import { columnLayout } from './flowList/columnLayout.js';
import { formatRows, headerRow, type RowOptions } from './flowList/rowFormat.js';
import type { ListedFlow } from './flowList/source.js';
import { inGlyphs, type Glyphs } from './glyphs.js';
import type { Following } from './following.js';
import { hintLine, type Command } from './keymap.js';
import { fittedHelpText, scrollHelp } from './helpPane.js';
import { problemBadge } from './problemBadge.js';
import { fitHead, stringColumns } from './width.js';
import type { PromptBar } from './promptBar.js';
import type { ScreenLayout } from './layout.js';
import { paintRow, paintTitle } from './paint.js';
import type { RedrawScheduler } from './redraw.js';
import { statusLine, type StatusInfo } from './statusBar.js';
import type { StatusMessage } from './statusMessage.js';
import type { Terminal } from './terminal.js';
import { contentSearchNote, conversationTitle, emptyListText } from './titles.js';
import type { TuiSource } from './tuiSource.js';

/** What a frame reads. */
export interface FrameScene {
  readonly screen: blessed.Widgets.Screen;
  readonly boxes: ScreenBoxes;
  readonly terminal: Pick<Terminal, 'palette' | 'glyphs' | 'unicode'>;
  readonly source: TuiSource;
  readonly store: Pick<FlowStore, 'getFlow' | 'evictedFlows'>;
  readonly list: FlowView;
  readonly exchanges: ExchangeMode;
  readonly conversation: ConversationPane;
  readonly following: Following;
  readonly scheduler: Pick<RedrawScheduler, 'isPaused'>;
  readonly status: StatusMessage;
  readonly state: AppState;
  /** Where each part goes on the screen now. */
  layout(): ScreenLayout;
  /** The flow the list's selection is on (the focused exchange's, in the exchange list). */
  focusedFlowId(): number | undefined;
  /** Puts the conversation at the exchange list's selection when it moved; called before the conversation is shown. */
  anchorSelectedExchange(): void;
  /** What file is still being written (`saving flow 3…`), undefined when none (see ActionKeys.writingNow). */
  writingNow(): string | undefined;
}

/** Draws the whole screen from `scene`, then renders it once. */
export function drawFrame(scene: FrameScene): void {
  const { screen, boxes, state, list, exchanges, conversation, source } = scene;
  const width = Math.max(1, Number(screen.width) || 80);
  const layout = scene.layout();
  const { palette, glyphs, unicode } = scene.terminal;
  if (!scene.scheduler.isPaused) list.refresh();
  if (!scene.scheduler.isPaused) exchanges.refresh();
  const listFocused = state.focus === 'list' && !state.prompt;
  const shown = shownList(list, exchanges);
  if (shown.kind === 'exchanges') {
    const pane = exchanges.paint(width, layout.list.height, glyphs, palette, listFocused, source.running() || source.activity?.() !== undefined);
    boxes.place('listHeader', layout.listHeader, pane.title);
    boxes.place('list', layout.list, pane.rows);
  } else drawFlowList(scene, width, layout, listFocused);

  // The flow opened stays in the pane while the list shows it; one the filter hides gives way
  // to the list's selection (none when nothing matches, so `s`, `y`, `b` act on no hidden flow).
  const shows = (id: number): boolean => (shown.kind === 'exchanges' ? shown.rows.showsFlow(id) : list.shows(id));
  const opened = state.focus === 'conversation' && state.openedId !== undefined && shows(state.openedId);
  const shownId = opened ? state.openedId : scene.focusedFlowId();
  scene.anchorSelectedExchange();
  conversation.show(shownId, width, Math.max(1, layout.conversation.height), state.focus === 'conversation');
  const flow = shownId === undefined ? undefined : scene.store.getFlow(shownId);
  const title = conversationTitle(flow, conversation.displayLabel, glyphs, width);
  boxes.place('conversationTitle', layout.conversationTitle, paintTitle(title, width, state.focus === 'conversation', palette));
  boxes.place('conversation', layout.conversation, conversation.paint(palette));

  // The status row is one row: a message is fitted into it (see statusLine), never spilt onto the hints.
  const hasHintRow = layout.hints.height > 0;
  const statusRow = state.prompt
    ? promptRow(state.prompt, width, hasHintRow, glyphs.ellipsis)
    : state.helpTop !== undefined && !hasHintRow
      ? ` ${fitHead(HELP_HINT_SHORT, width - 1, glyphs.ellipsis)}`
      : statusLine(statusInfo(scene), width, glyphs);
  boxes.place('status', layout.status, statusRow);
  boxes.place('hints', layout.hints, ' ' + hints(scene, width - 1, unicode));
  const helpRows = layout.status.top;
  let help: string | undefined;
  if (state.helpTop !== undefined) {
    const lines = fittedHelpText(width, unicode, glyphs.ellipsis, scene.source.problem());
    // A bigger window (or a wider one: fewer wrapped lines) has less to scroll: the help still fills it.
    scrollHelp(state, 0, helpRows, lines.length);
    help = lines.slice(state.helpTop, state.helpTop + helpRows).join('\n');
  }
  boxes.place('help', { top: 0, height: helpRows }, help);
  screen.render();
}

/** The list pane showing flows: its title row and rows. */
function drawFlowList(scene: FrameScene, width: number, layout: ScreenLayout, listFocused: boolean): void {
  const { list, source } = scene;
  const { palette, glyphs } = scene.terminal;
  const options = flowRowOptions(list, width, glyphs);
  const listTitle = headerRow(columnLayout(width, options.numberColumns, options.endpoints, options.sortedBy), width, glyphs).text;
  scene.boxes.place('listHeader', layout.listHeader, paintTitle(listTitle, width, scene.state.focus === 'list', palette));
  const rows = formatRows(list.rows(list.top(layout.list.height), layout.list.height), options);
  const listText = rows.map((row) => paintRow(row, palette, listFocused)).join('\n');
  const searching = list.searchProgress?.busy === true;
  scene.boxes.place('list', layout.list, listText || inGlyphs(emptyListText(list.total, source.running(), source.kind, searching, source.counters(), { text: list.filter.text, width }), glyphs));
}

function flowRowOptions(list: FlowView, width: number, glyphs: Glyphs): RowOptions & { readonly numberColumns: number } {
  const digits = Math.max(3, String(list.largestId).length);
  const preview = (flow: ListedFlow) => list.preview(flow);
  const sortedBy = list.sort === 'bytes' || list.sort === 'duration' ? list.sort : undefined;
  return { width, glyphs, focusedId: list.focusedId, now: list.latestTs, preview, numberColumns: digits, endpoints: list.widestEndpoints, sortedBy };
}

/** The list's focused row (flow or exchange) as a frame `width` columns wide shows it ('' when none). */
export function focusedRowText(scene: Pick<FrameScene, 'list' | 'exchanges' | 'terminal'>, width: number): string {
  const { list, exchanges, terminal } = scene;
  if (shownList(list, exchanges).kind === 'exchanges') return exchanges.focusedRowText(width, terminal.glyphs);
  const flow = list.focusIndex < 0 ? undefined : list.rows(list.focusIndex, 1)[0];
  return flow === undefined ? '' : formatRows([flow], flowRowOptions(list, width, terminal.glyphs))[0].text;
}

function statusInfo(scene: FrameScene): StatusInfo {
  const { source, list } = scene;
  const problem = source.problem();
  const said = scene.status.text;
  // The problem's full text was said once (see TuiApp): the row keeps its badge, `?` shows it whole.
  const message = said !== '' ? said : problem !== undefined ? problemBadge(problem, scene.terminal.glyphs.ellipsis) : '';
  const glyphs = scene.terminal.glyphs;
  const label = source.label();
  return {
    // Arrows in the glyph set first: escaped first, an ASCII terminal's would be \u{2192}.
    source: escapeText(inGlyphs(label, glyphs)),
    sourceShorter: source.shorterLabels?.().map((label) => escapeText(inGlyphs(label, glyphs))) ?? [],
    // A file's name alone (with a capture filter after it, the cut would take the name's end).
    sourceIsName: source.kind === 'file' && !label.includes(' '),
    recording: source.recording === undefined ? '' : escapeText(source.recording),
    counters: source.counters(),
    flows: list.total,
    shown: list.length,
    evicted: scene.store.evictedFlows,
    filter: shownQuery(list.filter.text),
    sort: list.sort === 'arrival' ? '' : list.sort,
    ...scene.exchanges.counts(),
    // No flow shown (none yet, or none the filter lets through): no display mode to speak of.
    display: scene.conversation.flowId === undefined ? '' : scene.conversation.displayLabel,
    follow: scene.following.on,
    paused: scene.scheduler.isPaused,
    loading: source.kind === 'file' && source.running(),
    // A save in progress stays said, whatever messages come meanwhile.
    activity: [source.activity?.(), scene.writingNow()].filter((text) => text !== undefined && text !== '').join(', '),
    message: inGlyphs(listSearchNote(scene) ?? message, glyphs),
  };
}

/**
 * The open prompt's row. Its error goes to the hint row; a screen without one (under
 * HINT_ROW_MIN_HEIGHT rows) says it here, beside the prompt, which keeps at least half the row.
 */
function promptRow(prompt: PromptBar, width: number, hasHintRow: boolean, ellipsis: string): string {
  if (prompt.error === undefined || hasHintRow) return prompt.renderRow(width, ellipsis);
  const said = `  ! ${prompt.error}`;
  const promptWidth = Math.max(Math.ceil(width / 2), width - stringColumns(said));
  return prompt.renderRow(promptWidth, ellipsis) + fitHead(said, width - promptWidth, ellipsis);
}

/** The hint row while the help is open; the status row's when there is no hint row (under HINT_ROW_MIN_HEIGHT rows). */
const HELP_HINT = 'j/k PgDn PgUp g G scroll  C-l repaint  any other key closes the help';
const HELP_HINT_SHORT = 'any other key closes the help  j/k PgDn PgUp g G scroll';

function hints(scene: FrameScene, width: number, unicode: boolean): string {
  const { state } = scene;
  if (state.prompt?.purpose === 'quit') return 'y quit  any other key stays';
  if (state.helpTop !== undefined) return HELP_HINT;
  if (state.prompt?.error !== undefined) return fitHead(`! ${state.prompt.error}`, width, scene.terminal.glyphs.ellipsis);
  if (state.prompt?.purpose === 'filter') {
    const words = `${FILTER_WORDS}  `;
    return words + hintLine('prompt', Math.max(0, width - [...words].length), unicode);
  }
  const idle: Command[] = scene.conversation.showingMessages ? ['encoding.cycle'] : ['body.expand'];
  return hintLine(keyContext(state), width, unicode, '  ', idle);
}

function listSearchNote(scene: FrameScene): string | undefined {
  const progress = scene.list.searchProgress;
  if (!progress?.busy || scene.status.text !== '') return undefined;
  // No `~` of its own: the filter item before it shows the `~text` (and an ASCII separator is `~`).
  return contentSearchNote(progress);
}
