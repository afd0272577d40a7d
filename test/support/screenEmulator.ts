/**
 * The emulator side of screen tests: a headless terminal (@xterm/headless) fed with a
 * program's output, read the way a user sees it (text, colours, title, alternate screen,
 * cursor, modes), and keys encoded the way a terminal sends them. `screen.ts` attaches it to a
 * program in a pseudo-terminal, `screenInProcess.ts` to a blessed screen in this process.
 *
 * Contract: reads show what the emulator has parsed so far; `settled()` and `waitFor` wait for
 * pending output first. Replies the emulator makes to the program's queries (cursor position,
 * device attributes) are sent back to the program, as a terminal does.
 */
import xterm, { type IModes, type Terminal as Emulator } from '@xterm/headless';

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
export type ScreenCondition = string | RegExp | ((screen: EmulatedScreen) => boolean);

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

/** A screen on a headless emulator; subclasses connect it to a program. */
export abstract class EmulatedScreen {
  readonly term: Emulator;
  private pendingWrites = 0;
  private idleWaiters: (() => void)[] = [];
  private currentTitle = '';
  /** Everything the program wrote, as received (for assertions on raw sequences). */
  output = '';

  constructor(cols: number, rows: number) {
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.term.onTitleChange((title) => (this.currentTitle = title));
    this.term.onData((reply) => this.send(reply));
  }

  /** Delivers bytes to the program's input. */
  protected abstract send(data: string): void;

  /** Tells the program its terminal has a new size (after the emulator was resized). */
  protected abstract resizeProgram(cols: number, rows: number): void;

  /** The exit status once the program has ended; undefined while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return undefined;
  }

  /** Parses program output into the emulator. */
  protected feed(data: string): void {
    this.output += data;
    this.pendingWrites++;
    this.term.write(data, () => {
      if (--this.pendingWrites === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
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
      : typeof condition === 'string' ? (s: EmulatedScreen) => s.text().join('\n').includes(condition)
      : (s: EmulatedScreen) => condition.test(s.text().join('\n'));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.settled();
      if (test(this)) return;
      const status = this.exitStatus;
      if (status !== undefined) {
        await this.settled();
        if (test(this)) return;
        throw new Error(`exited (${JSON.stringify(status)}) before ${describe(condition)}:\n${this.dump()}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe(condition)}:\n${this.dump()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends keys: names from KEYS/CURSOR_KEYS (`Enter`, `Up`, `PgDn`, `C-f`, ...) or literal text. */
  press(...keys: string[]): void {
    this.send(keys.map((key) => this.encode(key)).join(''));
  }

  /** Writes `data` on the emulated terminal as another program sharing it would (wall, an ssh warning). */
  scribble(data: string): void {
    this.feed(data);
  }

  /** Sends `text` as is (a paste, or bytes a key name would hide). */
  write(text: string): void {
    this.send(text);
  }

  /** Resizes the emulator and the program's terminal together. */
  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.resizeProgram(cols, rows);
  }

  /** The screen framed, for failure messages. */
  dump(): string {
    const rule = '-'.repeat(this.cols);
    return [`+${rule}+`, ...this.text().map((line) => `|${line.padEnd(this.cols)}|`), `+${rule}+`].join('\n');
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
