// A program in a pseudo-terminal (@lydell/node-pty) whose output feeds a headless terminal
// emulator (@xterm/headless), for the TUI bench: start it, send keys, and wait until the screen
// shows what is expected. Plain node (no vitest); the test harness is test/support/screen.ts.
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const KEYS = { Enter: '\r', Esc: '\x1b', Tab: '\t', PgUp: '\x1b[5~', PgDn: '\x1b[6~', Backspace: '\x7f' };

/** One program on one emulated terminal. `kill()` it when done (an exit hook kills leftovers). */
export class PtyScreen {
  constructor(file, args, { cols = 80, rows = 24, env = process.env, cwd = process.cwd() } = {}) {
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.pending = 0;
    this.idle = [];
    this.exitStatus = undefined;
    this.waiters = new Set();
    this.pty = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, cwd, env: { ...env, TERM: 'xterm-256color' } });
    live.add(this);
    this.term.onData((reply) => this.send(reply));
    this.pty.onData((data) => {
      this.pending++;
      this.term.write(data, () => {
        if (--this.pending === 0) for (const wake of this.idle.splice(0)) wake();
        this.check();
      });
    });
    this.exited = new Promise((resolve) => this.pty.onExit((status) => {
      live.delete(this);
      this.exitStatus = status;
      resolve(status);
      void this.settled().then(() => {
        this.check();
        for (const waiter of this.waiters) this.drop(waiter, new Error(`exited (${JSON.stringify(status)}) while waiting:\n${this.dump()}`));
      });
    }));
  }

  /** Process id of the program (node itself: bin/flowspy runs in the pty without a shell). */
  get pid() {
    return this.pty.pid;
  }

  /** Resolves once everything received so far is parsed. */
  settled() {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** The visible rows, trailing blanks trimmed. */
  text() {
    const buffer = this.term.buffer.active;
    const lines = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines;
  }

  /**
   * Resolves with performance.now() at the first moment `test(lines)` holds: checked now and
   * after each piece of output is parsed (no polling). Rejects after `timeoutMs`, or when the
   * program exits first, with the screen in the message.
   */
  waitFor(test, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve, reject };
      waiter.timer = setTimeout(() => this.drop(waiter, new Error(`timed out after ${timeoutMs} ms:\n${this.dump()}`)), timeoutMs);
      this.waiters.add(waiter);
      void this.settled().then(() => this.check());
    });
  }

  /** Resolves the waiters whose condition holds (after output was parsed). */
  check() {
    if (this.waiters.size === 0) return;
    const lines = this.text();
    const at = performance.now();
    for (const waiter of this.waiters) {
      if (!waiter.test(lines)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(at);
    }
  }

  drop(waiter, error) {
    clearTimeout(waiter.timer);
    if (this.waiters.delete(waiter)) waiter.reject(error);
  }

  /** Sends keys: names from KEYS or literal text. Returns performance.now() when sent. */
  press(...keys) {
    this.send(keys.map((key) => KEYS[key] ?? key).join(''));
    return performance.now();
  }

  send(data) {
    if (!this.exitStatus) this.pty.write(data);
  }

  dump() {
    return this.text().map((line) => `|${line.padEnd(this.term.cols)}|`).join('\n');
  }

  kill() {
    if (this.exitStatus || !live.has(this)) return;
    live.delete(this);
    try {
      process.kill(this.pty.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const live = new Set();
process.once('exit', () => {
  for (const screen of live) screen.kill();
});
