/**
 * The status row's message (saved file names, errors, search progress): the text the app last
 * said, display-safe, fitted to the columns a message has. Saying something asks for a redraw.
 */
import { resolve } from 'node:path';
import { errorLine } from '../core/errors.js';
import { escapeText } from '../render/escape.js';
import { fitMiddle, withName } from './width.js';

/** The status message; `text` is '' when there is none. */
export class StatusMessage {
  /** The message (escaped), '' when none. */
  text = '';

  /**
   * `columns` gives the columns a message has now (see statusBar's `messageColumns`); `redraw`
   * is called when a message is set; `ellipsis` marks a cut.
   */
  constructor(
    private readonly columnsNow: () => number,
    private readonly redraw: () => void,
    private readonly ellipsis: string,
  ) {}

  /** Sets the message to `text` (escaped already); '' clears it without a redraw. */
  say(text: string): void {
    this.text = text;
    if (text !== '') this.redraw();
  }

  /**
   * Sets the message to the first line of `problem` (an error, or its text), escaped; cut in the
   * middle when long, as its end tells why (`cannot write …/x.pcap: no space left`).
   */
  sayError(problem: unknown): void {
    this.text = fitMiddle(escapeText(errorLine(problem)), this.columnsNow(), this.ellipsis);
    this.redraw();
  }

  /** `prefix` and `path` in the columns of a message: {@link messageWithPath}. */
  withPath(prefix: string, path: string): string {
    return messageWithPath(prefix, path, this.columnsNow(), this.ellipsis);
  }

  /** The columns a message has now. */
  columns(): number {
    return this.columnsNow();
  }
}

/**
 * `prefix` (display-safe) and the absolute form of `path` (raw: escaped here) in `columns`
 * columns: when the path does not fit, its end is kept (the file's name tells files apart).
 */
export function messageWithPath(prefix: string, path: string, columns: number, ellipsis: string): string {
  return withName(prefix, escapeText(resolve(path)), columns, ellipsis);
}
