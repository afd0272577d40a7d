/**
 * What the user set up on the screen, beside the panes' own state: which pane has the keys,
 * what is zoomed, the flow opened, an open prompt or help. One plain object, owned by the app,
 * read by the frame, the keys and the mouse.
 */
import type { KeyContext } from './keymap.js';
import type { Zoom } from './layout.js';
import type { PromptBar } from './promptBar.js';

/** The pane that has the keys. */
export type Focus = 'list' | 'conversation';

/** The app's screen state; fields are changed in place. */
export interface AppState {
  focus: Focus;
  zoom: Zoom;
  /** The list was zoomed when the conversation took the keys: going back to the list zooms it again. */
  listZoomed: boolean;
  /** Rows the list has more (fewer, when negative) than its share of the screen: `+` and `-`, for this run. */
  listShift: number;
  /** The flow opened with Enter: the conversation stays on it while the list moves on. */
  openedId: number | undefined;
  /** The prompt in the status row, if one is open (it takes every key). */
  prompt: PromptBar | undefined;
  /** The first help line shown while the help is open; undefined when closed. */
  helpTop: number | undefined;
  /** Answers given to `f` and to `/` (in either pane) this session, oldest first, for ↑ and ↓ in those prompts. */
  readonly histories: { readonly filter: string[]; readonly search: string[] };
}

/** Most answers a prompt's history keeps. */
const HISTORY_ENTRIES = 100;

/** Adds `answer` to `history` (not an empty one, nor one equal to the last), dropping the oldest past the bound. */
export function remember(history: string[], answer: string): void {
  if (answer.trim() === '' || history[history.length - 1] === answer) return;
  history.push(answer);
  if (history.length > HISTORY_ENTRIES) history.shift();
}

/** The state at start: the list has the keys, nothing zoomed, opened or open. */
export function initialAppState(): AppState {
  return { focus: 'list', zoom: 'none', listZoomed: false, listShift: 0, openedId: undefined, prompt: undefined, helpTop: undefined, histories: { filter: [], search: [] } };
}

/** The keymap context the keys go to: the prompt's while one is open, else the focused pane's. */
export function keyContext(state: AppState): KeyContext {
  if (state.prompt) return 'prompt';
  return state.focus === 'list' ? 'flowList' : 'conversation';
}
