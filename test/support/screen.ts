/**
 * Screen tests of a real program: runs a command in a pseudo-terminal (@lydell/node-pty) and
 * feeds everything it writes into a headless terminal emulator (see `screenEmulator.ts`), so a
 * test reads the screen as a user would see it.
 *
 * Contract:
 * - `spawnScreen()` inside a vitest test registers a kill for the end of that test (pass or
 *   fail); every session is also killed when the worker exits.
 * - `press` sends keys the way a terminal would: arrows/Home/End follow the application
 *   cursor mode the program set. After `Esc`, wait for the screen before the next key
 *   (blessed reads ESC followed quickly by a key as Meta+key).
 * - `waitFor` fails at once, with the screen, when the program exits first.
 */
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import { onTestFinished } from 'vitest';
import { EmulatedScreen, type ExitStatus } from './screenEmulator.js';

export type { Cell, CellColor, ExitStatus, ScreenCondition } from './screenEmulator.js';

export interface ScreenOptions {
  readonly cols?: number;
  readonly rows?: number;
  /** Environment of the child. Default: this process's, with TERM set to `term`. */
  readonly env?: NodeJS.ProcessEnv;
  /** TERM for the child; default xterm-256color. */
  readonly term?: string;
  readonly cwd?: string;
}

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
export class Screen extends EmulatedScreen {
  private readonly pty: IPty;
  private status: ExitStatus | undefined;
  /** Resolves when the program has exited and all its output was parsed. */
  readonly exited: Promise<ExitStatus>;

  constructor(file: string, args: readonly string[], options: ScreenOptions) {
    const cols = options.cols ?? 80;
    const rows = options.rows ?? 24;
    super(cols, rows);
    const term = options.term ?? 'xterm-256color';
    this.pty = spawnPty(file, [...args], {
      name: term,
      cols,
      rows,
      cwd: options.cwd ?? process.cwd(),
      env: stringEnv({ ...(options.env ?? process.env), TERM: term }),
    });
    live.add(this);
    this.pty.onData((data) => this.feed(data));
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode, signal }) => {
        live.delete(this);
        this.status = { exitCode, signal: signal || undefined };
        void this.settled().then(() => resolve(this.status!));
      });
    });
  }

  /** Process id of the program (the pseudo-terminal's session leader). */
  get pid(): number {
    return this.pty.pid;
  }

  override get exitStatus(): ExitStatus | undefined {
    return this.status;
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

  /** Kills the program (SIGKILL) if it still runs. Idempotent. */
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

  /**
   * Closes the terminal under the program, as a dropped SSH session or a closed tmux pane does:
   * the pseudo-terminal's master side goes away (the program's terminal hangs up, reads end,
   * writes fail with EIO) and the program gets SIGHUP. The exit status is still reported.
   */
  hangUp(): void {
    // destroy() is in node-pty's Unix terminal, not in its typings.
    if (this.status === undefined) (this.pty as IPty & { destroy(): void }).destroy();
  }

  protected send(data: string): void {
    if (this.status === undefined) this.pty.write(data);
  }

  /** The program gets SIGWINCH. */
  protected resizeProgram(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}
