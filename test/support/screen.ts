/**
 * Screen tests: runs a command in a pseudo-terminal (@lydell/node-pty) and feeds everything it
 * writes into a headless terminal emulator (@xterm/headless), so a test reads the screen as a
 * user would see it: text, colours, title, alternate screen, cursor and modes.
 *
 * Contract:
 * - `spawnScreen()` inside a vitest test registers a kill for the end of that test (pass or
 *   fail); every session is also killed when the worker exits.
 * - Reads (`text`, `line`, `cell`, ...) show what the emulator has parsed so far; `waitFor`
 *   and `waitForExit` wait until pending output is parsed before they look.
 * - `press` sends keys the way a terminal would: arrows/Home/End follow the application
 *   cursor mode the program set. After `Esc`, wait for the screen before the next key
 *   (blessed reads ESC followed quickly by a key as Meta+key).
 */
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import xterm, { type IModes, type Terminal as Emulator } from '@xterm/headless';
import { onTestFinished } from 'vitest';

export interface ScreenOptions {
  readonly cols?: number;
  readonly rows?: number;
  /** Environment of the child. Default: this process's, with TERM set to `term`. */
  readonly env?: NodeJS.ProcessEnv;
  /** TERM for the child; default xterm-256color. */
  readonly term?: string;
  readonly cwd?: string;
}

/** Colour of one cell: 'default', a palette index, or `#rrggbb`. */
export type CellColor = 'default' | number | `#${string}`;

/** What one screen cell shows. */
export interface Cell {
  readonly char: string;
  readonly fg: CellColor;
  readonly bg: CellColor;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly inverse: boolean;
  readonly blink: boolean;
  readonly invisible: boolean;
}

export interface ExitStatus {
  readonly exitCode: number;
  readonly signal?: number;
}

/** A condition on the screen: text on it, a pattern over its lines joined by `\n`, or a predicate. */
export type ScreenCondition = string | RegExp | ((screen: Screen) => boolean);

const CSI = '\x1b[';
/** Key names `press` understands; anything else is sent as literal text. */
const KEYS: Record<string, string> = {
  Enter: '\r',
  Esc: '\x1b',
  Tab: '\t',
  'S-Tab': `${CSI}Z`,
  Backspace: '\x7f',
  Delete: `${CSI}3~`,
  Space: ' ',
  PgUp: `${CSI}5~`,
  PgDn: `${CSI}6~`,
};
/** Cursor keys: final byte after CSI (normal mode) or SS3 (application mode). */
const CURSOR_KEYS: Record<string, string> = { Up: 'A', Down: 'B', Right: 'C', Left: 'D', Home: 'H', End: 'F' };

const live = new Set<Screen>();
process.once('exit', () => {
  for (const screen of live) screen.kill();
});

/** Starts `file args` in a pseudo-terminal with an emulator attached. */
export function spawnScreen(file: string, args: readonly string[], options: ScreenOptions = {}): Screen {
  const screen = new Screen(file, args, options);
  try {
    onTestFinished(() => screen.kill());
  } catch {
    // Not inside a test (e.g. a bench script): the caller kills it, or the exit hook does.
  }
  return screen;
}

/** One program on one emulated terminal. */
export class Screen {
  readonly term: Emulator;
  private readonly pty: IPty;
  private pendingWrites = 0;
  private idleWaiters: (() => void)[] = [];
  private currentTitle = '';
  private status: ExitStatus | undefined;
  /** Everything the program wrote, as received (for assertions on raw sequences). */
  output = '';
  /** Resolves when the program has exited and all its output was parsed. */
  readonly exited: Promise<ExitStatus>;

  constructor(file: string, args: readonly string[], options: ScreenOptions) {
    const cols = options.cols ?? 80;
    const rows = options.rows ?? 24;
    const term = options.term ?? 'xterm-256color';
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.term.onTitleChange((title) => (this.currentTitle = title));
    this.pty = spawnPty(file, [...args], {
      name: term,
      cols,
      rows,
      cwd: options.cwd ?? process.cwd(),
      env: stringEnv({ ...(options.env ?? process.env), TERM: term }),
    });
    live.add(this);
    this.pty.onData((data) => {
      this.output += data;
      this.pendingWrites++;
      this.term.write(data, () => {
        if (--this.pendingWrites === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode, signal }) => {
        live.delete(this);
        this.status = { exitCode, signal: signal || undefined };
        void this.settled().then(() => resolve(this.status!));
      });
    });
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /** Process id of the program (the pseudo-terminal's session leader). */
  get pid(): number {
    return this.pty.pid;
  }

  /** The last window title the program set (OSC 0/2). */
  get title(): string {
    return this.currentTitle;
  }

  /** True while the alternate screen buffer is shown. */
  get alternateScreen(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** True while the program has the cursor hidden (DECTCEM off). */
  get cursorHidden(): boolean {
    const core = (this.term as unknown as { _core?: { coreService?: { isCursorHidden?: boolean } } })._core;
    const hidden = core?.coreService?.isCursorHidden;
    if (hidden === undefined) throw new Error('this @xterm/headless does not expose the cursor state');
    return hidden;
  }

  /** Modes set by SM/DECSET (application cursor keys, mouse tracking, bracketed paste, ...). */
  get modes(): IModes {
    return this.term.modes;
  }

  /** The exit status once the program has exited, else undefined. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  /** The visible screen, one string per row, trailing blanks trimmed. */
  text(): string[] {
    const lines: string[] = [];
    for (let y = 0; y < this.rows; y++) lines.push(this.line(y));
    return lines;
  }

  /** Visible row `y` (0 = top), trailing blanks trimmed. */
  line(y: number): string {
    const buffer = this.term.buffer.active;
    return buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '';
  }

  /** The cell at column `x`, row `y` of the visible screen. */
  cell(x: number, y: number): Cell {
    const buffer = this.term.buffer.active;
    const cell = buffer.getLine(buffer.viewportY + y)?.getCell(x);
    if (!cell) throw new Error(`no cell at ${x},${y} on a ${this.cols}x${this.rows} screen`);
    return {
      char: cell.getChars() || ' ',
      fg: color(cell.isFgDefault(), cell.isFgRGB(), cell.getFgColor()),
      bg: color(cell.isBgDefault(), cell.isBgRGB(), cell.getBgColor()),
      bold: cell.isBold() !== 0,
      dim: cell.isDim() !== 0,
      italic: cell.isItalic() !== 0,
      underline: cell.isUnderline() !== 0,
      inverse: cell.isInverse() !== 0,
      blink: cell.isBlink() !== 0,
      invisible: cell.isInvisible() !== 0,
    };
  }

  /** Every visible cell with a colour other than the default, as `[x, y, cell]`. */
  coloredCells(): [number, number, Cell][] {
    const found: [number, number, Cell][] = [];
    for (let y = 0; y < this.rows; y++) {
      for (let x = 0; x < this.cols; x++) {
        const cell = this.cell(x, y);
        if (cell.fg !== 'default' || cell.bg !== 'default') found.push([x, y, cell]);
      }
    }
    return found;
  }

  /** Sends keys: names from KEYS/CURSOR_KEYS (`Enter`, `Up`, `PgDn`, `C-f`, ...) or literal text. */
  press(...keys: string[]): void {
    this.pty.write(keys.map((key) => this.encode(key)).join(''));
  }

  /** Sends `text` as is (a paste, or bytes a key name would hide). */
  write(text: string): void {
    this.pty.write(text);
  }

  /** Resizes the pseudo-terminal (the program gets SIGWINCH) and the emulator together. */
  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.pty.resize(cols, rows);
  }

  /** Resolves once all output received so far is parsed by the emulator. */
  settled(): Promise<void> {
    if (this.pendingWrites === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Resolves when `condition` holds on the screen; rejects after `timeoutMs` with the screen in
   * the message, or at once if the program exits without the condition holding.
   */
  async waitFor(condition: ScreenCondition, timeoutMs = 5000): Promise<void> {
    const test = typeof condition === 'function' ? condition
      : typeof condition === 'string' ? (s: Screen) => s.text().join('\n').includes(condition)
      : (s: Screen) => condition.test(s.text().join('\n'));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.settled();
      if (test(this)) return;
      if (this.status !== undefined) {
        await this.exited;
        if (test(this)) return;
        throw new Error(`exited (${JSON.stringify(this.status)}) before ${describe(condition)}:\n${this.dump()}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe(condition)}:\n${this.dump()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Resolves with the exit status; rejects (screen in the message) after `timeoutMs`. */
  async waitForExit(timeoutMs = 5000): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${this.dump()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The screen framed, for failure messages. */
  dump(): string {
    const rule = '-'.repeat(this.cols);
    return [`+${rule}+`, ...this.text().map((line) => `|${line.padEnd(this.cols)}|`), `+${rule}+`].join('\n');
  }

  /** Kills the program (SIGKILL) if it still runs and frees the emulator. Idempotent. */
  kill(): void {
    if (this.status === undefined && live.has(this)) {
      live.delete(this);
      try {
        process.kill(this.pty.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  private encode(key: string): string {
    if (KEYS[key] !== undefined) return KEYS[key];
    const final = CURSOR_KEYS[key];
    if (final !== undefined) return (this.term.modes.applicationCursorKeysMode ? '\x1bO' : CSI) + final;
    const ctrl = /^C-([a-z])$/.exec(key);
    if (ctrl) return String.fromCharCode(ctrl[1].charCodeAt(0) - 0x60);
    return key;
  }
}

function color(isDefault: boolean, isRgb: boolean, value: number): CellColor {
  if (isDefault) return 'default';
  return isRgb ? `#${value.toString(16).padStart(6, '0')}` : value;
}

function describe(condition: ScreenCondition): string {
  return typeof condition === 'function' ? 'a condition' : JSON.stringify(String(condition));
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}
