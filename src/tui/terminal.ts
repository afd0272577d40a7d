/**
 * Opens the blessed screen the way this tool needs it, and gives it back to the terminal.
 *
 * - terminfo: blessed cannot read ncurses' newer terminfo format, so the description is one of
 *   the three blessed ships (`usr/xterm-256color`, `usr/xterm`, `usr/linux`), chosen from TERM
 *   (and $TMUX / COLORTERM), passed as a path: no parse of the system's files, no error text.
 * - locale: UTF-8 (LC_ALL, else LC_CTYPE, else LANG) turns on blessed's full Unicode and the
 *   Unicode glyphs; any other locale gets the ASCII glyphs. blessed's widths are `width.ts`'s
 *   (`blessedWidths.ts`).
 * - the terminal's own terminfo (`terminfoCaps.ts`), when the system has one for TERM: no colour
 *   below 8 colours (vt100), attributes only those it has, and no screen at all without cursor
 *   addressing (`dumb`): `fullScreenProblem` says so before anything is set up.
 * - colour: NO_COLOR gives a palette of empty strings (see `color.ts`).
 * - keys: from stdin when it is a terminal, else from /dev/tty (`-r -`: the capture is on stdin).
 * - mouse: reporting of presses, releases and the wheel in the SGR form (1000 + 1006) is on
 *   unless `mouse: false`; the reports are read by `mouse/input.ts`, not blessed.
 * - paste: bracketed paste (2004) is on; the app reads pastes with `paste.ts`.
 * - restore: `restore()` destroys the screen (alternate screen left, cursor shown, keypad,
 *   bracketed paste and every mouse mode off, raw mode off) and may then print one line. It is also run on an uncaught
 *   error or unhandled rejection (then one line, exit 1), on SIGINT/SIGTERM/SIGHUP/SIGQUIT
 *   (then the caller's `onSignal`, or one line and exit 128+n) and at process exit.
 * - suspend: `suspend()` (ctrl-z) gives the terminal back and stops the process as the shell's
 *   job control expects; on SIGCONT (`fg`) the screen comes back whole. Where nothing can
 *   continue a stopped process (no job control: run straight from tmux or a script), the
 *   kernel discards the stop, and the screen comes back at once with `suspended: false`.
 * - hangup: the terminal going away (an error or the end of its streams: EIO once SSH dropped or
 *   the tmux pane closed) is taken as SIGHUP. Writes to a terminal that is gone are dropped, a
 *   hangup after `restore()` is ignored (the process is finishing its files), and the exit
 *   does not trip on the dead terminal (`io/hungUpStdio.ts`).
 * blessed warnings are off: they would draw boxes over the screen.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { ReadStream } from 'node:tty';
import blessed from 'blessed';
import { errorLine } from '../core/errors.js';
import { escapeText, setAsciiOnly } from '../render/escape.js';
import { alignBlessedWidths } from './blessedWidths.js';
import { ignoreHangupsFromNow, releaseHungUpStdioAtExit } from '../io/hungUpStdio.js';
import { type Glyphs, glyphsFor } from './glyphs.js';
import { type Palette, paletteFor } from './color.js';
import { MOUSE_REPORTING_OFF, MOUSE_REPORTING_ON } from './mouse/sgr.js';
import { PASTE_MODE_OFF, PASTE_MODE_ON } from './paste.js';
import { terminalCaps, type TerminalCaps } from './terminfoCaps.js';

/** The terminfo descriptions blessed ships, by file name under `blessed/usr/`. */
export type TerminfoName = 'xterm-256color' | 'xterm' | 'linux';

/**
 * The shipped terminfo for an environment: `linux` for the Linux console; `xterm-256color`
 * when TERM says 256 colours, is tmux's own (`screen`, `tmux`) inside tmux (tmux always accepts
 * 256 colours and adapts them to the outer terminal), or when COLORTERM announces true colour;
 * `xterm` for everything else (xterm, vt100, rxvt, unknown names; a TERM set by hand inside tmux).
 */
export function terminfoFor(env: NodeJS.ProcessEnv): TerminfoName {
  const term = (env.TERM ?? '').toLowerCase();
  if (term.startsWith('linux')) return 'linux';
  if (term.includes('256color') || term.startsWith('tmux')) return 'xterm-256color';
  if (env.TMUX && (term === '' || term.startsWith('screen'))) return 'xterm-256color';
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) return 'xterm-256color';
  return 'xterm';
}

/**
 * Why the full screen cannot work on this terminal (one line for the user), or undefined: TERM's
 * terminfo (`caps`, read from the system when not given) has no cursor addressing (`dumb`, an
 * editor's shell buffer).
 */
export function fullScreenProblem(env: NodeJS.ProcessEnv, caps: TerminalCaps | undefined = terminalCaps(env)): string | undefined {
  if (caps === undefined || caps.addressable) return undefined;
  return `TERM=${escapeText(env.TERM ?? '')} cannot move the cursor for the screen: use --log or --no-tui`;
}

/** The absolute path of a shipped terminfo file (blessed reads a path directly). */
export function terminfoPath(name: TerminfoName): string {
  return createRequire(import.meta.url).resolve(`blessed/usr/${name}`);
}

/** True when the character-type locale (LC_ALL, else LC_CTYPE, else LANG) is UTF-8. */
export function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** What `openTerminal` may be given; every field has the process's own as default. */
export interface TerminalOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Key input; default stdin, or /dev/tty when stdin is not a terminal. */
  readonly input?: NodeJS.ReadStream;
  /** Must be a terminal. Default stdout. */
  readonly output?: NodeJS.WriteStream;
  /** Where `restore(line)` prints its line. Default stderr. */
  readonly errorOutput?: { write(text: string): unknown };
  /** Install the process guards (errors, signals, exit). Default true; tests in-process say false. */
  readonly guardProcess?: boolean;
  /** Have the terminal report mouse presses and the wheel (`--no-mouse`: false). Default true. */
  readonly mouse?: boolean;
  /**
   * Called on SIGINT/SIGTERM/SIGHUP/SIGQUIT (or the terminal going away, as SIGHUP) after the
   * terminal is restored, for a graceful stop (close recordings, print the summary, exit). The
   * guards are gone by then: a second SIGINT, SIGTERM or SIGQUIT goes to the caller's own
   * listeners, or has Node's default effect; SIGHUP is ignored from then on (a hangup comes
   * from the kernel and from the terminal's owner). Default: print `flowspy: stopped by
   * SIGTERM` and exit with 128 + the signal's number.
   */
  readonly onSignal?: (signal: NodeJS.Signals) => void;
  /** TERM's terminfo as the caller read it (`terminalCaps`, undefined: none found); read at the check when the field is absent. */
  readonly caps?: TerminalCaps | undefined;
}

/** An open screen and what was chosen for it. Owned by the caller until `restore()`. */
export interface Terminal {
  readonly screen: blessed.Widgets.Screen;
  readonly terminfo: TerminfoName;
  /** True when the locale is UTF-8 (full Unicode on, Unicode glyphs). */
  readonly unicode: boolean;
  readonly glyphs: Glyphs;
  readonly palette: Palette;
  /** True when mouse reporting is on (read the reports with `mouse/input.ts`). */
  readonly mouse: boolean;
  /**
   * Destroys the screen and gives the terminal back as it was, then writes `line` (plus a
   * newline) to the error output when given. Idempotent: later calls only print their line.
   * Never throws.
   */
  restore(line?: string): void;
  /**
   * Gives the terminal back and stops the process (SIGTSTP) until it is continued; then takes
   * the screen again and calls `resumed(true)` (the caller redraws everything). `resumed(false)`
   * when the process was not stopped (no job control). Nothing happens once restored.
   */
  suspend(resumed: (suspended: boolean) => void): void;
}

/** Thrown (with a one-line message for the user) when there is no terminal to draw on or read from. */
export class TerminalError extends Error {}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Opens the alternate screen. Throws `TerminalError` when the output is not a terminal, TERM
 * cannot move the cursor, or no terminal can be found for the keys. The caller draws, then calls
 * `restore()` when done.
 */
export function openTerminal(options: TerminalOptions = {}): Terminal {
  return checkTerminal(options).open();
}

/** A terminal found fit for the full screen by {@link checkTerminal}, not opened yet. */
export interface CheckedTerminal {
  /** Opens the alternate screen as {@link openTerminal} does. Throws `TerminalError` when no terminal can be found for the keys. */
  open(): Terminal;
}

/**
 * Checks, without writing to the terminal, that the full screen can work with `options`: the
 * output is a terminal, TERM's terminfo can move the cursor ({@link fullScreenProblem}), and
 * keys can be read (stdin, else /dev/tty).
 * Throws `TerminalError` (one line for the user) when not; `open()` then opens the screen, on
 * the terminfo read here.
 */
export function checkTerminal(options: TerminalOptions = {}): CheckedTerminal {
  const env = options.env ?? process.env;
  const output = options.output ?? process.stdout;
  if (!output.isTTY) throw new TerminalError('the screen needs a terminal on stdout');
  const caps = 'caps' in options ? options.caps : terminalCaps(env);
  const problem = fullScreenProblem(env, caps);
  if (problem !== undefined) throw new TerminalError(problem);
  if (!options.input && !process.stdin.isTTY) closeSync(openKeyTty());
  return { open: () => openChecked(options, env, output, caps) };
}

/** {@link openTerminal} once {@link checkTerminal} found the terminal fit. */
function openChecked(options: TerminalOptions, env: NodeJS.ProcessEnv, output: NodeJS.WriteStream, caps: TerminalCaps | undefined): Terminal {
  const errorOutput = options.errorOutput ?? process.stderr;
  const ownInput = options.input ? undefined : keyInputFromTty();
  const input = options.input ?? ownInput ?? process.stdin;
  const terminfo = terminfoFor(env);
  const unicode = localeIsUtf8(env);
  let screen: blessed.Widgets.Screen;
  alignBlessedWidths();
  try {
    screen = blessed.screen({
      input: input as never,
      output: output as never,
      terminal: terminfoPath(terminfo),
      fullUnicode: unicode,
      forceUnicode: unicode,
      warnings: false,
      smartCSR: true,
    });
  } catch (error) {
    ownInput?.destroy();
    throw error;
  }
  // Outside a UTF-8 locale a character would be drawn `?`: escaped, every captured one stays readable.
  setAsciiOnly(!unicode);
  // In a UTF-8 locale the characters are written as themselves, not through the line-drawing set
  // (blessed's ACS: `·` sent as `^N~^O` reads as `~` in tmux's copy mode and capture-pane).
  if (unicode) (screen.tput as unknown as { brokenACS: boolean }).brokenACS = true;
  const mouse = options.mouse !== false;
  // After what blessed has buffered (the alternate screen), so the modes come in order.
  screen.program.flush();
  screen.program.write(modesOn(mouse));

  let restored = false;
  const restore = (line?: string): void => {
    if (!restored) {
      restored = true;
      setAsciiOnly(false);
      removeGuards();
      leaveScreen(screen, output);
      if (ownInput) ownInput.destroy();
    }
    if (line !== undefined) errorOutput.write(`${line}\n`);
  };

  const onError = (error: unknown): void => {
    restore(`flowspy: internal error: ${errorLine(error)}`);
    process.exit(1);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (options.onSignal) {
      restore();
      options.onSignal(signal);
      return;
    }
    restore(`flowspy: stopped by ${signal}`);
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  };
  const onExit = (): void => restore();
  let guarded = false;
  const removeGuards = (): void => {
    if (!guarded) return;
    // First, so that SIGHUP always has a listener (with none, Node restores its default: death).
    ignoreHangupsFromNow();
    process.removeListener('uncaughtException', onError);
    process.removeListener('unhandledRejection', onError);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('exit', onExit);
  };
  // The terminal went away: stop as on SIGHUP (once), then drop what is still written to it.
  let hungUp = false;
  const onHangUp = (): void => {
    if (hungUp) return;
    hungUp = true;
    if (!restored) onSignal('SIGHUP');
  };
  if (options.guardProcess !== false) {
    guarded = true;
    // With a listener of ours present, blessed's own handlers stand aside (they act only alone).
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.on('exit', onExit);
    releaseHungUpStdioAtExit();
    const stderr = errorOutput === process.stderr && process.stderr.isTTY ? [process.stderr] : [];
    for (const stream of [output, input, ...stderr]) stream.on('error', onHangUp);
    input.on('end', onHangUp);
  }
  const suspend = (resumed: (suspended: boolean) => void): void => {
    if (restored) return;
    const terminfo = terminfoStrings(screen);
    const keys = input as Partial<NodeJS.ReadStream>;
    // What blessed buffered goes first; frames drawn while suspended go nowhere (the next frame after is whole).
    screen.program.flush();
    const ownWrite = Object.prototype.hasOwnProperty.call(output, 'write') ? output.write : undefined;
    output.write(modesOff(mouse) + terminfo('exit_attribute_mode', 'keypad_local', 'cursor_normal', 'exit_ca_mode'));
    output.write = (() => true) as typeof output.write;
    keys.setRawMode?.(false);
    // No reads of the terminal while it is not ours: one in the background stops the process (SIGTTIN).
    keys.pause?.();
    let back = false;
    const resume = (stopped: boolean): void => {
      if (back) return;
      back = true;
      process.removeListener('SIGCONT', onContinue);
      clearTimeout(check);
      if (ownWrite) output.write = ownWrite;
      else delete (output as { write?: unknown }).write;
      if (restored) return;
      keys.resume?.();
      keys.setRawMode?.(true);
      output.write(terminfo('enter_ca_mode', 'keypad_xmit', 'cursor_invisible') + modesOn(mouse));
      // A stopped job gets no SIGWINCH: the one a resize meanwhile would have sent (Node then reads the size again).
      process.kill(process.pid, 'SIGWINCH');
      resumed(stopped);
    };
    // Continued in the background (`bg`, or the SIGCONT that comes with `kill %1`), the terminal
    // is not ours: setting its modes would stop the process again (SIGTTOU) before a SIGTERM is
    // handled. Wait until it is (`fg`), looking again now and then.
    let waiting: NodeJS.Timeout | undefined;
    const resumeInForeground = (stopped: boolean): void => {
      if (back || restored) return clearInterval(waiting);
      if (inForeground()) {
        clearInterval(waiting);
        resume(stopped);
      } else waiting ??= setInterval(() => resumeInForeground(stopped), FOREGROUND_CHECK_MS); // (it also keeps the process alive)
    };
    const onContinue = (): void => resumeInForeground(true);
    process.on('SIGCONT', onContinue);
    // Where the stop is discarded no SIGCONT comes. After a real stop this timer is overdue and
    // fires first, but its immediate runs after the poll phase, where SIGCONT's listener wins.
    const check = setTimeout(() => setImmediate(() => resumeInForeground(false)), DISCARDED_STOP_CHECK_MS);
    // The whole process group, as the shell's job: a pipeline's producer (`tcpdump -w - | flowspy -r -`) stops too.
    process.kill(0, 'SIGTSTP');
  };
  return { screen, terminfo, unicode, glyphs: glyphsFor(unicode), palette: paletteFor(env, caps), mouse, restore, suspend };
}

/** When to look whether SIGTSTP stopped the process (ms). */
const DISCARDED_STOP_CHECK_MS = 200;
/** How often a process continued in the background looks whether the terminal is its own again (ms). */
const FOREGROUND_CHECK_MS = 100;

/**
 * Whether this process's group is its controlling terminal's foreground group (Linux: from
 * /proc); true where that cannot be read, or there is no controlling terminal.
 */
function inForeground(): boolean {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return fields[5] === '-1' || fields[2] === fields[5]; // no controlling terminal, or pgrp = tpgid
  } catch {
    return true;
  }
}


/** A descriptor of /dev/tty for reading; throws `TerminalError` when the process has no terminal. */
function openKeyTty(): number {
  try {
    return openSync('/dev/tty', 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TerminalError(`no terminal to read keys from (/dev/tty: ${code})`);
  }
}

/** A terminal stream for keys when stdin is not one (stdin carries a capture); else undefined. */
function keyInputFromTty(): ReadStream | undefined {
  if (process.stdin.isTTY) return undefined;
  const fd = openKeyTty();
  try {
    return new ReadStream(fd);
  } catch {
    closeSync(fd);
    throw new TerminalError('no terminal to read keys from (/dev/tty is not a terminal)');
  }
}

/**
 * Bracketed paste and the mouse modes off (blessed turns off only those it turned on itself), then blessed's destroy:
 * it leaves the alternate screen, shows the cursor, turns keypad and raw mode off. Should it
 * throw, the same is written from the terminfo strings directly.
 */
function leaveScreen(screen: blessed.Widgets.Screen, output: NodeJS.WriteStream): void {
  try {
    output.write(modesOff(true));
  } catch {
    // The terminal is gone: nothing left to restore.
  }
  try {
    screen.destroy();
  } catch {
    try {
      output.write(terminfoStrings(screen)('exit_attribute_mode', 'keypad_local', 'cursor_normal', 'exit_ca_mode'));
      const input = screen.program.input as Partial<NodeJS.ReadStream>;
      if (input.isTTY && input.setRawMode) input.setRawMode(false);
    } catch {
      // The terminal is gone: nothing left to restore.
    }
  }
}

/** The input modes flowspy sets: bracketed paste, and mouse reporting unless `mouse` is false. */
function modesOn(mouse: boolean): string {
  return PASTE_MODE_ON + (mouse ? MOUSE_REPORTING_ON : '');
}

/** Those modes off again (every mouse mode when `mouse`). */
function modesOff(mouse: boolean): string {
  return PASTE_MODE_OFF + (mouse ? MOUSE_REPORTING_OFF : '');
}

/** The terminfo strings blessed loaded for `screen`, joined in the order named (a missing one is empty). */
function terminfoStrings(screen: blessed.Widgets.Screen): (...names: string[]) => string {
  const strings = (screen.program as unknown as { tput?: { strings?: Record<string, string | undefined> } }).tput?.strings ?? {};
  return (...names) => names.map((name) => strings[name] ?? '').join('');
}
