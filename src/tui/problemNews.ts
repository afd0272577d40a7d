/**
 * A new problem of the source (a damaged capture, an output that failed) said whole in the status
 * row until the next key or {@link PROBLEM_SHOWN_MS}; then the row is back, with the problem's
 * badge in it (see problemBadge.ts, frame.ts), and `?` shows the whole text.
 */
import { problemFirstLine } from './problemBadge.js';
import type { StatusMessage } from './statusMessage.js';
import { fitHead } from './width.js';

/** How long a new problem of the source is said whole in the status row (a key ends it sooner). */
export const PROBLEM_SHOWN_MS = 5000;

/** Says each new problem once; `redraw` is asked for when its time is up. */
export class ProblemNews {
  /** The problem last said whole, and the timer that ends saying it. */
  private said: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly status: StatusMessage,
    private readonly ellipsis: string,
    private readonly redraw: () => void,
  ) {}

  /** Says `problem` (raw text) when it is not the one said last; nothing for none. */
  sayNew(problem: string | undefined): void {
    if (problem === undefined || problem === this.said) return;
    this.said = problem;
    // Cut at its end: its start says what and where (`damaged capture at byte 874`).
    const text = problemFirstLine(problem);
    this.status.sayFitted((columns) => fitHead(text, columns, this.ellipsis));
    const shown = this.status.text;
    this.dispose();
    this.timer = setTimeout(() => {
      if (this.status.text !== shown) return;
      this.status.say('');
      this.redraw();
    }, PROBLEM_SHOWN_MS);
    this.timer.unref();
  }

  /** Stops the timer. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
