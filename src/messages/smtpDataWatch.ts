/**
 * Where an SMTP DATA body starts in a line conversation (lines.ts): after the client's `DATA`
 * line, at the server's `354` reply (RFC 5321 4.1.1.4), watched in every line, kept or not.
 * Never throws.
 */
import type { Direction } from '../core/types.js';

const LF = 0x0a;
const DATA_COMMAND = /^DATA\s*$/i;

/** Watches one conversation's lines for SMTP's `DATA` and its `354`; the conversation owns it and tells it every line. */
export class SmtpDataWatch {
  /** The client's last line was `DATA`: a `354` from the server now starts its body. */
  private awaitingDataReply = false;

  constructor(private readonly clientDir: Direction) {}

  /** Whether a line of `dir` starting with byte `first` may be SMTP's `DATA` command or its `354` reply. */
  mayBeDataStep(dir: Direction, first: number): boolean {
    return dir === this.clientDir ? (first | 0x20) === 0x64 : first === 0x33;
  }

  /**
   * Whole text lines of `dir` from `from` (`bytes[from, text)` are text) once no more lines are
   * kept: they are only looked at for SMTP's `DATA` and `354`. Returns where the first line it
   * cannot skip starts (one that may be `DATA` or `354`, one not ended in the segment, or one cut
   * by binary), and how many lines it skipped.
   */
  skipUnkeptLines(dir: Direction, bytes: Uint8Array, from: number, text: number): { readonly at: number; readonly lines: number } {
    const client = dir === this.clientDir;
    let lines = 0;
    while (from < text) {
      const lf = bytes.indexOf(LF, from);
      if (lf < 0 || lf >= text) break;
      if (this.mayBeDataStep(dir, bytes[from]) && (client || this.awaitingDataReply)) break;
      if (client) this.awaitingDataReply = false;
      from = lf + 1;
      lines++;
    }
    return { at: from, lines };
  }

  /**
   * A complete line of `dir` ended with `text` (its line end stripped; a line not kept counts
   * too). Returns true when it is the `354` that answers `DATA`: the client's next bytes are the
   * mail body.
   */
  lineEnded(dir: Direction, text: string): boolean {
    const client = dir === this.clientDir;
    const mayMatter = text !== '' && this.mayBeDataStep(dir, text.charCodeAt(0)) && (client || this.awaitingDataReply);
    if (client) this.awaitingDataReply = mayMatter && DATA_COMMAND.test(text);
    else if (mayMatter && text.startsWith('354')) {
      this.awaitingDataReply = false;
      return true;
    }
    return false;
  }
}
