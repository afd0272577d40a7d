/** The IPv4 header. */
import { DecodeError } from '../core/errors.js';

/** Fields of one IPv4 header, reused across packets. */
export interface Ipv4Header {
  /** Header length in bytes (IHL * 4, options included). */
  headerLength: number;
  /** Datagram length in bytes (header + payload) as announced; see `readIPv4`. */
  totalLength: number;
  protocol: number;
  id: number;
  /** Fragment offset in bytes. */
  fragmentOffset: number;
  /** The "more fragments" flag. */
  moreFragments: boolean;
}

/** A fresh header object to reuse with `readIPv4`. */
export function newIpv4Header(): Ipv4Header {
  return { headerLength: 0, totalLength: 0, protocol: 0, id: 0, fragmentOffset: 0, moreFragments: false };
}

/**
 * Reads the IPv4 header at `data[off]` into `out`; the captured frame ends at `data[end]` and
 * the frame on the wire at `wireEnd` (>= end). The checksum is not verified (captures of
 * checksum-offloading hosts carry wrong ones). A total length of 0 is taken as "the rest of
 * the frame on the wire" (`wireEnd - off`), as captures of TSO senders show it.
 * Throws DecodeError when the header is cut short, the version is not 4, IHL < 5, or the
 * total length is smaller than the header. The total length may exceed the captured bytes.
 */
export function readIPv4(data: Uint8Array, off: number, end: number, wireEnd: number, out: Ipv4Header): void {
  if (end - off < 20) throw new DecodeError('IPv4 header cut short');
  const vihl = data[off];
  if (vihl >> 4 !== 4) throw new DecodeError('IPv4 header with another version');
  const headerLength = (vihl & 0x0f) << 2;
  if (headerLength < 20) throw new DecodeError('IPv4 IHL below 5');
  if (end - off < headerLength) throw new DecodeError('IPv4 options cut short');
  let totalLength = (data[off + 2] << 8) | data[off + 3];
  if (totalLength === 0) totalLength = wireEnd - off;
  if (totalLength < headerLength) throw new DecodeError('IPv4 total length below header length');
  const flagsFragment = (data[off + 6] << 8) | data[off + 7];
  out.headerLength = headerLength;
  out.totalLength = totalLength;
  out.protocol = data[off + 9];
  out.id = (data[off + 4] << 8) | data[off + 5];
  out.fragmentOffset = (flagsFragment & 0x1fff) << 3;
  out.moreFragments = (flagsFragment & 0x2000) !== 0;
}
