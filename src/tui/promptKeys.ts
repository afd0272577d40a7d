/**
 * The keys while a prompt is open in the status row, and what each prompt's answer does: `f`
 * sets the filter, `/` searches, `w` writes a pcap, `s` a flow, `b` a body or mail, `r` retargets the proxy, `q` (y/n) quits.
 * The open prompt is the app state's `prompt`; it is closed before its answer applies, but for a
 * filter that does not parse or an upstream `r` refuses: that stays open with its text, its error
 * in the hint row.
 */
import { errorLine } from '../core/errors.js';
import { escapeText } from '../render/escape.js';
import type { ActionKeys } from './actionKeys.js';
import { remember, type AppState } from './appState.js';
import type { ExchangeMode } from './flowList/exchangeMode.js';
import { parseFilter } from './flowList/filter.js';
import type { FlowView } from './flowList/flowView.js';
import type { PromptBar } from './promptBar.js';
import type { RedrawScheduler } from './redraw.js';
import type { SearchSteps } from './searchSteps.js';
import type { StatusMessage } from './statusMessage.js';
import type { TuiSource } from './tuiSource.js';

/** What the prompts' answers act on. */
export interface PromptScene {
  readonly state: AppState;
  readonly list: Pick<FlowView, 'setFilter'>;
  readonly exchanges: Pick<ExchangeMode, 'setFilter'>;
  readonly searches: Pick<SearchSteps, 'scheduleSteps' | 'searchConversation' | 'searchList'>;
  readonly actionKeys: Pick<ActionKeys, 'writePcap' | 'saveOffered'>;
  readonly source: Pick<TuiSource, 'retarget'>;
  readonly status: StatusMessage;
  readonly scheduler: Pick<RedrawScheduler, 'afterKeys'>;
  /** Ends the app (the user quit); `interrupted`: by ctrl-c, not `y` (the run then exits 130). */
  quit(interrupted?: boolean): void;
  /** Gives the conversation the keys (a `/` in it searches there). */
  focusConversation(): void;
}

/**
 * Key `name` (typed character `ch`) to the open prompt: edits it, cancels it, or closes it and
 * applies its answer; then redraws once the keys of this read are done (a paste is one draw),
 * not after quitting. Call only while a prompt is open.
 */
export function promptKey(scene: PromptScene, name: string, ch: string | undefined): void {
  const prompt = scene.state.prompt!;
  if (prompt.purpose === 'quit') {
    scene.state.prompt = undefined;
    if (ch === 'y' || ch === 'Y' || name === 'C-c') return scene.quit(name === 'C-c');
    scene.scheduler.afterKeys();
    return;
  }
  const outcome = prompt.key(name, ch);
  if (outcome === 'quit') return scene.quit(true);
  if (outcome === 'cancel') scene.state.prompt = undefined;
  if (outcome === 'edit') prompt.error = undefined;
  if (outcome === 'apply') {
    const error = prompt.purpose === 'retarget' ? retarget(scene, prompt.text) : answerError(prompt);
    if (error !== undefined) {
      // A filter with a typo stays open with its text, the error in the hint row (as mitmproxy does; beside the prompt under 20 rows), and in the history; so does a bad upstream.
      if (prompt.purpose === 'filter') remember(scene.state.histories.filter, prompt.text);
      prompt.error = error;
    } else {
      scene.state.prompt = undefined;
      applyAnswer(scene, prompt);
    }
  }
  scene.scheduler.afterKeys();
}

/** Pasted `text` (its line ends already spaces) into the open prompt, at the cursor; redraws after the keys of this read. */
export function promptPaste(scene: PromptScene, text: string): void {
  const prompt = scene.state.prompt!;
  if (prompt.insert(text)) prompt.error = undefined;
  scene.scheduler.afterKeys();
}

/** `r`'s answer: relays new connections to `text` and says so; else the one-line reason it was refused, escaped. */
function retarget(scene: PromptScene, text: string): string | undefined {
  try {
    scene.status.say(scene.source.retarget!(text.trim()));
    return undefined;
  } catch (error) {
    return escapeText(errorLine(error));
  }
}

/** Why `prompt`'s answer cannot be taken (a filter that does not parse: its one-line error, escaped), else undefined. */
function answerError(prompt: PromptBar): string | undefined {
  if (prompt.purpose !== 'filter') return undefined;
  const parsed = parseFilter(prompt.text);
  return parsed.ok ? undefined : parsed.error;
}

function applyAnswer(scene: PromptScene, prompt: PromptBar): void {
  const { status, searches, state } = scene;
  const { purpose, text } = prompt;
  if (purpose === 'filter') remember(state.histories.filter, text);
  if (purpose === 'search-list' || purpose === 'search-conversation') remember(state.histories.search, text);
  switch (purpose) {
    case 'filter': {
      const parsed = parseFilter(text);
      // Not reached: a filter that does not parse keeps its prompt open (see answerError).
      if (!parsed.ok) return status.say(parsed.error);
      scene.list.setFilter(parsed.filter);
      scene.exchanges.setFilter(parsed.filter);
      searches.scheduleSteps();
      return;
    }
    case 'search-conversation':
      if (text === '') return;
      if (scene.state.focus !== 'conversation') scene.focusConversation();
      return searches.searchConversation(text);
    case 'search-list':
      return searches.searchList(text);
    case 'write-pcap':
      return scene.actionKeys.writePcap(text.trim(), prompt.offered);
    case 'save-flow':
    case 'save-body':
      return scene.actionKeys.saveOffered(text.trim(), prompt.offered);
    default:
      // `retarget` is applied before the prompt closes (see promptKey).
      return;
  }
}
