/**
 * Shared helpers for the app's screen tests: the real CLI (`bin/flowspy`, built into dist/ by
 * the system project's global setup) started in a pseudo-terminal with a clean environment, the
 * demo opened and loaded, and small readers over the emulated screen.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { spawnScreen, type Screen, type ScreenOptions } from '../../support/screen.js';
import type { EmulatedScreen } from '../../support/screenEmulator.js';

/** The checkout's root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../..', import.meta.url));
/** The command users run. */
export const cli = `${root}bin/flowspy`;
/** The bundled demo capture: 5 flows (see src/synth/demo.ts). */
export const demoPcap = `${root}demo/demo.pcap`;

/** A small, fixed environment: a UTF-8 locale, UTC, colour on, no tmux. */
export const BASE_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', TZ: 'UTC' };

/** Options for {@link openFlowspy}: the pty size and TERM, plus variables added to BASE_ENV. */
export interface FlowspyOptions extends Omit<ScreenOptions, 'env'> {
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts `flowspy ARGS` (with this Node) in an 80x24 pseudo-terminal unless told otherwise. */
export function openFlowspy(args: readonly string[], options: FlowspyOptions = {}): Screen {
  return spawnScreen(process.execPath, [cli, ...args], { cwd: root, ...options, env: { ...BASE_ENV, ...options.env } });
}

/** Starts `sh -c SCRIPT` in the pseudo-terminal (the pty stays the controlling terminal). */
export function openShell(script: string, options: FlowspyOptions = {}): Screen {
  return spawnScreen('/bin/sh', ['-c', script], { cwd: root, ...options, env: { ...BASE_ENV, ...options.env } });
}

/** Opens `flowspy -r FILE` and waits until the file is loaded and `flows` flows are listed. */
export async function openCapture(file: string, flows: number, options: FlowspyOptions = {}): Promise<Screen> {
  const screen = openFlowspy(['-r', file], options);
  // The hint row is the last one blessed writes: once it is there, the first frame is complete.
  await screen.waitFor((s) => statusRow(s).includes(`${flows} flow${flows === 1 ? '' : 's'}`) && !statusRow(s).includes('loading') && !statusRow(s).includes('parsing') && (s.rows < 20 || hintRow(s) !== ''));
  return screen;
}

/** Opens the demo capture and waits for its 5 flows. */
export function openDemo(options: FlowspyOptions = {}): Promise<Screen> {
  return openCapture(demoPcap, 5, options);
}

/** The status row: the second last row when the screen has a hint row (20 rows or more), else the last. */
export function statusRow(screen: EmulatedScreen): string {
  return screen.line(screen.rows >= 20 ? screen.rows - 2 : screen.rows - 1);
}

/** The hint row (the last row; only on screens of 20 rows or more). */
export function hintRow(screen: EmulatedScreen): string {
  return screen.line(screen.rows - 1);
}

/**
 * The visible rows with trailing blanks trimmed. (`Screen.text()` keeps blanks the program wrote
 * explicitly, as blessed does when it clears the end of a row.)
 */
export function lines(screen: EmulatedScreen): string[] {
  return screen.text().map((line) => line.trimEnd());
}

/** Index of the first visible row whose text contains `text`, or -1. */
export function rowWith(screen: EmulatedScreen, text: string): number {
  return screen.text().findIndex((line) => line.includes(text));
}

/** The conversation pane's title row: ` #N client → server …`, or ` conversation` when no flow is shown. */
const CONVERSATION_TITLE = /^ (#\d+ |conversation$)/;

/** The flow list rows, trailing blanks trimmed (below the column titles, down to the conversation's title row). */
export function listRows(screen: EmulatedScreen): string[] {
  const rows = lines(screen);
  const end = rows.findIndex((line, y) => y > 0 && CONVERSATION_TITLE.test(line));
  return rows.slice(1, end < 0 ? undefined : end).filter((line) => line !== '');
}

/** The conversation rows, trailing blanks trimmed (below its title row, above the status row). */
export function conversationRows(screen: EmulatedScreen): string[] {
  const rows = lines(screen);
  const title = rows.findIndex((line) => CONVERSATION_TITLE.test(line));
  const status = screen.rows >= 20 ? screen.rows - 2 : screen.rows - 1;
  return rows.slice(title + 1, status);
}

/** True when every cell of `text` at its first place on row `y` is in inverse video. */
export function isInverse(screen: EmulatedScreen, y: number, text: string): boolean {
  const x = screen.line(y).indexOf(text);
  if (x < 0) return false;
  for (let i = 0; i < text.length; i++) if (!screen.cell(x + i, y).inverse) return false;
  return true;
}

/** Asserts the terminal is back as it was: normal screen, cursor shown, keypad and mouse modes off. */
export function expectRestored(screen: Screen): void {
  expect(screen.alternateScreen).toBe(false);
  expect(screen.cursorHidden).toBe(false);
  expect(screen.modes.applicationCursorKeysMode).toBe(false);
  expect(screen.modes.mouseTrackingMode).toBe('none');
  expect(screen.modes.bracketedPasteMode).toBe(false);
}

/**
 * Quits with `q` and expects exit 0 with the terminal restored. A `q` in the conversation goes
 * back to the list: a second `q` is pressed then.
 */
export async function quit(screen: Screen): Promise<void> {
  // Pressed twice only from the conversation: a second q sent while a slow exit runs would be
  // echoed by the terminal after it.
  const inList = hintRow(screen).startsWith(' Enter open');
  screen.press('q');
  if (!inList) {
    await screen.waitFor((s) => s.exitStatus !== undefined || hintRow(s).startsWith(' Enter open'));
    if (screen.exitStatus === undefined) screen.press('q');
  }
  expect((await screen.waitForExit()).exitCode).toBe(0);
  expectRestored(screen);
}

/**
 * The conversation in the raw text mode: a flow whose protocol was recognised opens in the
 * messages mode, and `m` goes from there to text.
 */
export async function toRawText(screen: Screen): Promise<void> {
  await screen.waitFor((s) => hintRow(s).startsWith(' x hex'));
  if (!statusRow(screen).includes('· messages ·')) return;
  screen.press('m');
  await screen.waitFor((s) => statusRow(s).includes('· text '));
}
