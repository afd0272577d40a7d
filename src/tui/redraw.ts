/**
 * The one place that decides when the screen is drawn: at once after a key (`now`; `afterKeys`
 * once after all the keys of one read), at most
 * once per interval for engine updates (`soon`, coalesced), never when nobody asked (an idle
 * TUI sets no timer). After a draw that took long, engine updates wait {@link SPARE_PER_DRAW}
 * times its duration, so that drawing takes at most a fifth of the loop from the engines
 * (relaying, loading) however slow a frame is. `pause()` holds engine updates back (the `p`
 * key) while keys still draw.
 * The draw function (update panes, `screen.render()`) is the caller's; it is never run
 * re-entrantly from here and an exception from it propagates to the caller of `now`, or to the
 * process (uncaught) from a timer or from the microtask of `afterKeys`.
 */

/** The clock the scheduler reads and the timers it sets; tests pass a fake one. */
export interface RedrawClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: RedrawClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Engine updates draw at most this often (~30 frames a second). */
const MIN_REDRAW_INTERVAL_MS = 33;

/** After a draw, engine updates wait at least this many times its duration. */
const SPARE_PER_DRAW = 4;

/** Runs `draw` when the screen is due (see the module comment); one per app. */
export class RedrawScheduler {
  private timer: unknown = undefined;
  /** When engine updates may draw again (clock time). */
  private nextDraw = -Infinity;
  private paused = false;
  /** An update arrived while paused: draw it on resume. */
  private heldBack = false;
  /** A draw for the keys of this turn is queued (see afterKeys). */
  private keysPending = false;

  constructor(
    private readonly draw: () => void,
    private readonly intervalMs = MIN_REDRAW_INTERVAL_MS,
    private readonly clock: RedrawClock = SYSTEM_CLOCK,
  ) {}

  /** True while engine updates are held back. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Draws now (after a key): a pending update is drawn by this same draw. */
  now(): void {
    this.cancel();
    this.keysPending = false;
    this.heldBack = false;
    this.timedDraw();
  }

  /**
   * Draws once the keys of this input are handled: blessed emits the keys of one read (a paste
   * of thousands) one by one in the same turn, and they all share one draw, before any timer or
   * I/O. A {@link now} or {@link cancel} in between takes its place.
   */
  afterKeys(): void {
    if (this.keysPending) return;
    this.keysPending = true;
    queueMicrotask(() => {
      if (!this.keysPending) return;
      this.now();
    });
  }

  /**
   * An engine changed something: draws once the interval since the last draw has passed;
   * calls until then are merged into that one draw. Held back while paused.
   */
  soon(): void {
    if (this.paused) {
      this.heldBack = true;
      return;
    }
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.nextDraw - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      // Set during a draw (before its duration was known): wait for the spare after it.
      if (this.clock.now() < this.nextDraw) return this.soon();
      this.timedDraw();
    }, wait);
  }

  /** Draws, and sets when engine updates may draw next: one interval after this draw began, and the spare after it ended. */
  private timedDraw(): void {
    const start = this.clock.now();
    try {
      this.draw();
    } finally {
      const end = this.clock.now();
      this.nextDraw = Math.max(start + this.intervalMs, end + SPARE_PER_DRAW * (end - start));
    }
  }

  /** Holds engine updates back until `resume()`; a pending update waits too. */
  pause(): void {
    this.paused = true;
    if (this.timer !== undefined) {
      this.cancel();
      this.heldBack = true;
    }
  }

  /** Lets engine updates through again; one held back is drawn (as `soon`). */
  resume(): void {
    this.paused = false;
    if (this.heldBack) {
      this.heldBack = false;
      this.soon();
    }
  }

  /** Drops a pending draw (before the screen is destroyed). */
  cancel(): void {
    this.keysPending = false;
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
