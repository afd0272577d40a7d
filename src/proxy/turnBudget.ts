/**
 * Keeps each turn of the event loop short while many connections relay at full speed, so that
 * accepting a new connection (and serving a quiet one) never waits behind a long turn.
 */

/** Options of a {@link TurnBudget}. */
export interface TurnBudgetOptions {
  /** Reading time per loop turn (ms, from the first chunk of the turn) before readers park. */
  readonly budgetMs: number;
  /** Parked readers resumed per loop turn, oldest first. */
  readonly releasePerTurn: number;
  /** Milliseconds from any fixed origin; default `performance.now`. */
  readonly now?: () => number;
  /** Runs a callback after the current poll phase; default `setImmediate`. */
  readonly afterPoll?: (callback: () => void) => void;
}

/**
 * Shares the loop's reading time among readers (a reader: one direction of a relayed connection).
 *
 * A reader calls {@link spend} after handling each chunk it read. Once the turn's budget is used
 * up `spend` returns true: the reader pauses its socket and calls {@link park} with a function
 * that resumes it. After the poll phase (`setImmediate`) the budget is renewed and at most
 * `releasePerTurn` parked readers are resumed, oldest first; the others wait for later turns.
 * So one turn relays about `budgetMs` of work plus a chunk or two per released reader, and every
 * busy reader gets its turn. A resume function must cope with its socket having closed meanwhile.
 */
export class TurnBudget {
  private readonly budgetMs: number;
  private readonly releasePerTurn: number;
  private readonly now: () => number;
  private readonly afterPoll: (callback: () => void) => void;
  private readonly parked: Array<() => void> = [];
  private parkedHead = 0;
  /** When the first chunk of this turn was spent; -1 before that. */
  private turnStart = -1;
  private endScheduled = false;

  constructor(options: TurnBudgetOptions) {
    this.budgetMs = options.budgetMs;
    this.releasePerTurn = options.releasePerTurn;
    this.now = options.now ?? (() => performance.now());
    this.afterPoll = options.afterPoll ?? setImmediate;
  }

  /** Accounts for one handled chunk; true when this turn's budget is used up (the caller parks). */
  spend(): boolean {
    const now = this.now();
    if (this.turnStart < 0) {
      this.turnStart = now;
      this.scheduleEnd();
    }
    return now - this.turnStart >= this.budgetMs;
  }

  /** Whether this turn's budget is used up (a reader about to resume should park instead). */
  get exhausted(): boolean {
    return this.turnStart >= 0 && this.now() - this.turnStart >= this.budgetMs;
  }

  /** Queues a paused reader; `resume` is called in a later turn (exactly once). */
  park(resume: () => void): void {
    this.parked.push(resume);
    this.scheduleEnd();
  }

  /** Readers parked and not yet resumed. */
  get parkedCount(): number {
    return this.parked.length - this.parkedHead;
  }

  private scheduleEnd(): void {
    if (this.endScheduled) return;
    this.endScheduled = true;
    this.afterPoll(this.endTurn);
  }

  private readonly endTurn = (): void => {
    this.endScheduled = false;
    this.turnStart = -1;
    const release = Math.min(this.releasePerTurn, this.parkedCount);
    const resumes = this.parked.slice(this.parkedHead, this.parkedHead + release);
    this.parkedHead += release;
    if (this.parkedHead === this.parked.length) {
      this.parked.length = 0;
      this.parkedHead = 0;
    } else if (this.parkedHead > 1024 && this.parkedHead * 2 > this.parked.length) {
      this.parked.splice(0, this.parkedHead);
      this.parkedHead = 0;
    }
    for (const resume of resumes) resume();
    if (this.parkedCount > 0) this.scheduleEnd();
  };
}
