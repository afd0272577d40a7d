/**
 * Mouse reports from the terminal's input stream, read here rather than by blessed: blessed
 * (0.1.81, `program.js` `_bindMouse`) reads only the first report of each read, so a wheel spun
 * fast or a trackpad, whose reports come several to a read, lost all but the first; and turning
 * its mouse handling on (`screen.on('mouse')`, `enableMouse`) asks for all-motion tracking
 * (1003), every move of the pointer a report, written inside tmux to the outer terminal through
 * a passthrough sequence. The modes are set by `terminal.ts` (`MOUSE_REPORTING_ON`).
 *
 * blessed's key reader drops a whole read that holds a report, keys typed with it too: those are
 * handed to it again, alone. It turns the pieces of a report split across reads into keys (`m`
 * of a release would cycle the mode): {@link ownsKey} names them.
 */
import { isDoubleClick } from './actions.js';
import { holdsReport, SgrReader, type MouseReport } from './sgr.js';

/** A report, and whether it is a left press on the row of a left press just before. */
export interface MouseEvent {
  readonly report: MouseReport;
  readonly doubleClick: boolean;
}

/** Called with the reports of one read, in order (a trackpad sends many: one redraw for all). */
export type MouseHandler = (events: readonly MouseEvent[]) => void;

/** Characters of a report that blessed hands over as keys (the `[` only when the read before ended with the ESC). */
const REPORT_CHARACTERS = /^[\d;<Mm[]$/;

/** Reads reports from `input` until disposed. */
export class MouseInput {
  private readonly reader = new SgrReader();
  private lastPress: { y: number; at: number } | undefined;
  /**
   * What blessed's key reader owes the split report in the read it reads now, in report
   * characters (the only ones {@link ownsKey} looks at), in order: owned, then typed, then owned.
   */
  private pieces: number[] = [];
  /** True while the keys of a read with reports are handed to blessed again. */
  private replaying = false;
  private readonly before = (data: Buffer | string): void => this.onData(data);
  private readonly after = (): void => {
    this.pieces = [];
  };

  /**
   * Listens to `input` before blessed's key reader does (and once more after it, to end the
   * read); `now` is the clock for double clicks.
   */
  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly onReports: MouseHandler,
    private readonly now: () => number = Date.now,
  ) {
    input.prependListener('data', this.before);
    input.on('data', this.after);
  }

  /**
   * Whether the key blessed reports now (`ch`, its character) is a piece of a mouse report split
   * across reads, to be ignored. Keys typed in the same read as a piece still count.
   */
  ownsKey(ch: string | undefined): boolean {
    if (ch === undefined || !REPORT_CHARACTERS.test(ch)) return false;
    while (this.pieces.length > 0 && this.pieces[0] === 0) this.pieces.shift();
    if (this.pieces.length === 0) return false;
    this.pieces[0]! -= 1;
    // Counts at even places are the report's characters, at odd places keys typed between.
    return this.pieces.length % 2 === 1;
  }

  /** Stops listening. */
  dispose(): void {
    this.input.removeListener('data', this.before);
    this.input.removeListener('data', this.after);
  }

  private onData(data: Buffer | string): void {
    if (this.replaying) return;
    const text = typeof data === 'string' ? data : data.toString('latin1');
    const { reports, headPiece, tailPiece, keys } = this.reader.read(text);
    const events: MouseEvent[] = [];
    for (const report of reports) {
      let doubleClick = false;
      if (report.button === 'left' && !report.release && !report.motion) {
        const at = this.now();
        // Clicks in quick succession on one row all count as a second click (a triple click opens too).
        doubleClick = isDoubleClick(this.lastPress, report.y, at);
        this.lastPress = { y: report.y, at };
      }
      events.push({ report, doubleClick });
    }
    if (events.length > 0) this.onReports(events);
    if (holdsReport(text)) {
      // blessed drops this read; the keys in it, replayed, hold no piece of a report.
      this.pieces = [];
      if (keys !== '') this.replay(keys);
      return;
    }
    const typed = text.slice(headPiece, text.length - tailPiece);
    const tail = text.slice(text.length - tailPiece);
    // blessed hands over no key for the ESC [ that begins a report.
    this.pieces = [reportCharacters(text.slice(0, headPiece)), reportCharacters(withoutEscapes(typed)), reportCharacters(tail.replace(/^\x1b\[?/, ''))];
  }

  private replay(keys: string): void {
    this.replaying = true;
    try {
      this.input.emit('data', Buffer.from(keys, 'latin1'));
    } finally {
      this.replaying = false;
    }
  }
}

/** How many characters of `text` are ones a report is made of. */
function reportCharacters(text: string): number {
  let count = 0;
  for (const ch of text) if (REPORT_CHARACTERS.test(ch)) count++;
  return count;
}

/** `text` without its escape sequences: blessed hands each over as one key, with no character. */
function withoutEscapes(text: string): string {
  return text.replace(/\x1b+(?:\[\[?|O|N)?[\d;]*./g, '');
}
