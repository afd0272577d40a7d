/**
 * SGR mouse reports (xterm mode 1006: `ESC [ < b ; x ; y M`, `m` for a release), read from the
 * terminal's input. SGR coordinates are decimal, so columns past 223 work (the X10 form stops
 * there). Pure: no streams, no blessed.
 */

/** What was pressed, released or turned; `other`: horizontal wheel, buttons 4-11. */
export type MouseButton = 'left' | 'middle' | 'right' | 'wheelUp' | 'wheelDown' | 'other';

/** One report, the cell 0-based (the report's 1-based column and row minus one). */
export interface MouseReport {
  readonly x: number;
  readonly y: number;
  readonly button: MouseButton;
  /** `m`: a button went up (never for the wheel). */
  readonly release: boolean;
  /** The pointer moved with a button held (modes 1002/1003 only; 1000 sends none). */
  readonly motion: boolean;
}

/**
 * Turns reporting on: presses, releases and the wheel (1000), in the SGR form (1006). No motion
 * modes: with them every move of the pointer would be a report, a stream of bytes over SSH.
 */
export const MOUSE_REPORTING_ON = '\x1b[?1000h\x1b[?1006h';

/** Turns off every mouse mode a program may have left on (1000, 1002, 1003, 1005, 1006, 1015). */
export const MOUSE_REPORTING_OFF = '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l';

const ONE_REPORT = /\x1b\[<(\d+);(\d+);(\d+)([Mm])/;
const REPORTS = new RegExp(ONE_REPORT.source, 'g');
/**
 * What may start a report at the end of a read: `ESC [ <` and digits so far, `ESC [`, or ESC
 * alone (the Esc key too: it still acts, but the rest of a report that follows is no key).
 */
const REPORT_START = /\x1b(?:\[(?:<[\d;]{0,15})?)?$/;
/** A report's start, or all of one, at the start of what a read left and the next read. */
const REPORT_HEAD = /^\x1b\[<[\d;]*(?:[Mm]|$)/;

/** Whether `text` holds a whole report (blessed's key reader then drops all of it). */
export function holdsReport(text: string): boolean {
  return ONE_REPORT.test(text);
}

/** The reports in one read of the input, and the pieces of reports split across reads in it (not keys). */
export interface SgrRead {
  readonly reports: MouseReport[];
  /** How many characters at the start of the read end a report begun in an earlier read. */
  readonly headPiece: number;
  /** How many characters at the end of the read begin a report that a later read ends. */
  readonly tailPiece: number;
  /** The read without its reports and pieces of reports: the keys typed with them. */
  readonly keys: string;
}

/**
 * Reads reports from successive reads of the input. A report split across reads (a slow SSH
 * link) is kept until its end arrives. Text that is not a report is left alone (keys).
 */
export class SgrReader {
  private pending = '';

  /** The reports in `chunk` (decoded as latin1: reports are ASCII), with what a previous read left. */
  read(chunk: string): SgrRead {
    // The rest of a report begun in the last read (or still more to come).
    const joined = this.pending + chunk;
    const head = this.pending !== '' ? REPORT_HEAD.exec(joined) : null;
    const text = head !== null ? joined : chunk;
    const headPiece = head !== null ? Math.max(0, head[0].length - this.pending.length) : 0;
    this.pending = '';
    const reports: MouseReport[] = [];
    for (const match of text.matchAll(REPORTS)) {
      const report = decode(Number(match[1]), Number(match[2]), Number(match[3]), match[4] === 'm');
      if (report) reports.push(report);
    }
    const tail = REPORT_START.exec(text);
    if (tail) this.pending = tail[0];
    // An ESC (or `ESC [`) ending the read may be the Esc key: it stays among the keys.
    const keys = (tail && tail[0].length > 2 ? text.slice(0, tail.index) : text).replace(REPORTS, '');
    const tailPiece = tail ? Math.min(chunk.length, text.length - tail.index) : 0;
    return { reports, headPiece: Math.min(headPiece, chunk.length - tailPiece), tailPiece, keys };
  }
}

/** A report from its button code and 1-based cell; undefined for a cell 0 (not sent by terminals). */
export function decode(code: number, column: number, row: number, release: boolean): MouseReport | undefined {
  if (column < 1 || row < 1) return undefined;
  const motion = (code & 32) !== 0;
  const low = code & 3;
  let button: MouseButton;
  if (code & 128) button = 'other';
  else if (code & 64) button = low === 0 ? 'wheelUp' : low === 1 ? 'wheelDown' : 'other';
  else button = low === 0 ? 'left' : low === 1 ? 'middle' : low === 2 ? 'right' : 'other';
  return { x: column - 1, y: row - 1, button, release, motion };
}
