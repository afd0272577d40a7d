/**
 * A block that a line holding only `.` ends (SMTP's DATA body, RFC 5321 4.5.2; a POP3 mail after
 * RETR or TOP, RFC 1939), read as its bytes arrive in any split: the block's length, the lines
 * whose first `.` is dot-stuffing, and its final line. The block is searched for LF followed by
 * '.'; only a line starting with '.' is looked at byte by byte. Never throws.
 */
import type { LineItem } from './lineItem.js';

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const LF_DOT = Buffer.from('\n.', 'latin1');

/** Reads one direction's blocks; between blocks, {@link lineStart} says the next byte begins a line. */
export class DotBlockReader {
  /** Bytes of the current line so far, and whether they are `.` or `.\r` so far. */
  private lineBytes = 0;
  private dotLine = false;

  /** The next byte begins a line (a block starts, or a gap left where a line begins unknown). */
  lineStart(): void {
    this.lineBytes = 0;
  }

  /**
   * Takes the bytes of `block` in `bytes` from `from`: to the end of the segment, or through the
   * line `.` (or `.\r`) that ends the block, counting them in `block.length` and its stuffing in
   * `block.stuffed` (and the final line's bytes in `block.endLength`). Returns where it stopped,
   * negative (`-1 - index`) when the block ended there.
   */
  read(block: LineItem, bytes: Uint8Array, from: number): number {
    const n = bytes.length;
    const haystack = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, n);
    let k = from;
    let finished = false;
    while (k < n && !finished) {
      if (this.lineBytes === 0 ? bytes[k] !== DOT : !this.dotLine) {
        // To the next line that starts with '.', else to the end of the segment.
        const at = haystack.indexOf(LF_DOT, k);
        if (at >= 0) {
          this.lineBytes = 0;
          k = at + 1;
          continue;
        }
        const lf = haystack.lastIndexOf(LF);
        this.lineBytes = lf === n - 1 ? 0 : lf >= k ? n - 1 - lf : this.lineBytes + n - k;
        this.dotLine = false;
        k = n;
        continue;
      }
      const b = bytes[k++];
      if (this.lineBytes === 0) {
        this.dotLine = true;
        block.stuffed = (block.stuffed ?? 0) + 1;
      } else if (b !== LF && !(this.lineBytes === 1 && b === CR)) this.dotLine = false;
      this.lineBytes++;
      if (b === LF) {
        finished = this.dotLine && this.lineBytes <= 3;
        if (finished) {
          // The final line's dot ends the mail: it is no stuffing.
          block.stuffed = (block.stuffed ?? 1) - 1;
          block.endLength = this.lineBytes;
        }
        this.lineBytes = 0;
      }
    }
    block.length += k - from;
    return finished ? -1 - k : k;
  }
}
