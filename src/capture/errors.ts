import { UserError } from '../core/errors.js';

/**
 * What is wrong with a capture stream:
 * - `not-a-capture`: the first bytes are no pcap or pcapng magic (or the input is empty);
 * - `damaged`: a record or block header is inconsistent (absurd length, bad framing, unknown interface);
 * - `truncated`: the stream ends inside the file header, a record or a block.
 */
export type CaptureFormatErrorKind = 'not-a-capture' | 'damaged' | 'truncated';

/**
 * A capture file that cannot be read on. The message is one line naming the byte offset:
 * - `damaged capture at byte 31402: record announces 1358954496 captured bytes (more than 262144)`
 * - `capture cut short at byte 4366: record of 1514 bytes has only 700`
 * - `not a pcap or pcapng capture (first bytes: 7b 0a 20 20)`, with the file's name first when
 *   known: `cannot read capture foo.pcap: not a pcap or pcapng capture (…)`, as other read errors
 *
 * `offset` is the stream position of the damaged record/block header (damaged), the end of the
 * stream (truncated), or 0 (not-a-capture). Exit code 2, like every `UserError`.
 */
export class CaptureFormatError extends UserError {
  /**
   * @param kind what is wrong
   * @param offset stream position the message names
   * @param detail the part after the colon (damaged, truncated) or inside the parentheses (not-a-capture)
   */
  constructor(
    readonly kind: CaptureFormatErrorKind,
    readonly offset: number,
    readonly detail: string,
    /** The capture's name (`foo.pcap`, `stdin`), said first for a file that is no capture at all. */
    readonly source?: string,
  ) {
    super(formatMessage(kind, offset, detail, source), 2);
    this.name = 'CaptureFormatError';
  }

  /** This error, naming `source` (see the constructor): `cannot read capture foo.pcap: not a pcap or pcapng capture (…)`. */
  from(source: string): CaptureFormatError {
    return new CaptureFormatError(this.kind, this.offset, this.detail, source);
  }
}

function formatMessage(kind: CaptureFormatErrorKind, offset: number, detail: string, source: string | undefined): string {
  switch (kind) {
    case 'not-a-capture':
      return `${source === undefined ? '' : `cannot read capture ${source}: `}not a pcap or pcapng capture (${detail})`;
    case 'damaged':
      return `damaged capture at byte ${offset}: ${detail}`;
    case 'truncated':
      return `capture cut short at byte ${offset}: ${detail}`;
  }
}
