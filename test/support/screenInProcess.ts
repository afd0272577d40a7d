/**
 * Screen tests without a child process: opens the real blessed screen through
 * src/tui/terminal.ts on fake terminal streams in this process, with the output parsed by the
 * same headless emulator as `screen.ts`. For quick tests of panes and key handling; the real
 * CLI (signals, /dev/tty, exit codes) is tested through `spawnScreen`.
 *
 * Contract: `openInProcessScreen()` inside a vitest test restores (destroys) the blessed
 * screen at the end of that test. No process guards are installed. Input reaches blessed on a
 * later tick: wait with `waitFor` (or `await screen.flush()`) before reading the effect of a key.
 */
import { PassThrough, Writable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { openTerminal, type Terminal } from '../../src/tui/terminal.js';
import { EmulatedScreen } from './screenEmulator.js';

export interface InProcessOptions {
  readonly cols?: number;
  readonly rows?: number;
  /** The environment openTerminal reads; default TERM=xterm-256color, LANG=C.UTF-8. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Keys for blessed: a stream that says it is a terminal in raw mode. */
class FakeTtyInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
}

/** blessed's output: a terminal of a given size whose bytes go to the emulator. */
class FakeTtyOutput extends Writable {
  readonly isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
    private readonly sink: (text: string) => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.sink(chunk.toString('utf8'));
    done();
  }
}

/** The emulator side of an in-process blessed screen. */
export class InProcessScreen extends EmulatedScreen {
  private readonly input = new FakeTtyInput();
  private readonly fakeOutput: FakeTtyOutput;

  constructor(cols: number, rows: number) {
    super(cols, rows);
    this.fakeOutput = new FakeTtyOutput(cols, rows, (text) => this.feed(text));
  }

  /** The streams to give openTerminal. */
  get streams(): { input: NodeJS.ReadStream; output: NodeJS.WriteStream } {
    return { input: this.input as unknown as NodeJS.ReadStream, output: this.fakeOutput as unknown as NodeJS.WriteStream };
  }

  /** Resolves after keys sent so far reached blessed and what it drew is parsed. */
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    // A draw after the keys of a read (a microtask) reaches the output at blessed's next setImmediate.
    await new Promise((resolve) => setImmediate(resolve));
    await this.settled();
  }

  protected send(data: string): void {
    this.input.write(data);
  }

  /** blessed sees the output's new size and its `resize` event, as on SIGWINCH. */
  protected resizeProgram(cols: number, rows: number): void {
    this.fakeOutput.columns = cols;
    this.fakeOutput.rows = rows;
    this.fakeOutput.emit('resize');
  }
}

/** Opens the TUI's blessed screen on an emulated terminal in this process. */
export function openInProcessScreen(options: InProcessOptions = {}): { terminal: Terminal; screen: InProcessScreen } {
  const screen = new InProcessScreen(options.cols ?? 80, options.rows ?? 24);
  const errors: string[] = [];
  const terminal = openTerminal({
    ...screen.streams,
    env: options.env ?? { TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    errorOutput: { write: (text: string) => errors.push(text) },
    guardProcess: false,
  });
  try {
    onTestFinished(() => terminal.restore());
  } catch {
    // Not inside a test: the caller restores.
  }
  return { terminal, screen };
}
