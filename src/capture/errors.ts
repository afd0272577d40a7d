import { UserError } from '../core/errors.js';

/**
 * What is wrong with a capture stream:
 * - `not-a-capture`: the first bytes are no pcap or pcapng magic (or the input is empty);
 * - `damaged`: a record or block header is inconsistent (absurd length, bad framing, unknown interface);
 * - `truncated`: the stream ends inside the file header, a record or a block.
 */
export type CaptureFormatErrorKind = 'not-a-capture' | 'damaged' | 'truncated';

/** Where a {@link CaptureFormatError} happened besides its byte offset. */
export interface CaptureErrorPlace {
  /** The capture's name (`foo.pcap`, `stdin`), said in the message when known. */
  readonly source?: string;
  /** Packets read before the damage (said as `after packet 8`, or `before any packet`), when known. */
  readonly packets?: number;
}

/**
 * A capture file that cannot be read on. The message is one line naming the file (when known),
 * the byte offset and the packets read before (when known):
 * - `damaged capture foo.pcap at byte 874, after packet 8: record announces 1358954496 captured bytes (more than 262144)`
 * - `capture foo.pcap cut short at byte 4366, after packet 7: record of 1514 bytes has only 700`
 * - `cannot read capture foo.pcap: not a pcap or pcapng capture (first bytes: 7b 0a 20 20)`
 *
 * `offset` is the stream position of the damaged record/block header (damaged), the end of the
 * stream (truncated), or 0 (not-a-capture). Exit code 2, like every `UserError`.
 */
export class CaptureFormatError extends UserError {
  /** The capture's name, when known (see {@link CaptureErrorPlace}). */
  readonly source: string | undefined;
  /** Packets read before the damage, when known (see {@link CaptureErrorPlace}). */
  readonly packets: number | undefined;

  /**
   * @param kind what is wrong
   * @param offset stream position the message names
   * @param detail the part after the colon (damaged, truncated) or inside the parentheses (not-a-capture)
   * @param place the file's name and the packets read before, as far as known
   */
  constructor(
    readonly kind: CaptureFormatErrorKind,
    readonly offset: number,
    readonly detail: string,
    place: CaptureErrorPlace = {},
  ) {
    super(formatMessage(kind, offset, detail, place), 2);
    this.name = 'CaptureFormatError';
    this.source = place.source;
    this.packets = place.packets;
  }

  /** This error, naming `source` (see the constructor): `damaged capture foo.pcap at byte …`. */
  from(source: string): CaptureFormatError {
    return new CaptureFormatError(this.kind, this.offset, this.detail, { source, ...(this.packets === undefined ? {} : { packets: this.packets }) });
  }
}

function formatMessage(kind: CaptureFormatErrorKind, offset: number, detail: string, place: CaptureErrorPlace): string {
  const name = place.source === undefined ? '' : ` ${place.source}`;
  const packets = place.packets === undefined ? '' : place.packets === 0 ? ', before any packet' : `, after packet ${place.packets}`;
  switch (kind) {
    case 'not-a-capture':
      return `${name === '' ? '' : `cannot read capture${name}: `}not a pcap or pcapng capture (${detail})`;
    case 'damaged':
      return `damaged capture${name} at byte ${offset}${packets}: ${detail}`;
    case 'truncated':
      return `capture${name} cut short at byte ${offset}${packets}: ${detail}`;
  }
}
