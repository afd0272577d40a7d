/** The IPv6 header and its extension headers. */
import { DecodeError } from '../core/errors.js';

/** Next-header values of the extension headers `skipExtension` walks over. */
export const IPV6_HOP_BY_HOP = 0;
export const IPV6_ROUTING = 43;
export const IPV6_FRAGMENT = 44;
export const IPV6_AH = 51;
export const IPV6_DEST_OPTS = 60;

/** Fixed IPv6 header length. */
export const IPV6_HEADER_LENGTH = 40;

/**
 * Reads the fixed IPv6 header at `data[off]` and returns the payload length (bytes after the
 * 40-byte header); the captured frame ends at `data[end]`, the frame on the wire at `wireEnd`.
 * A payload length of 0 (jumbogram or a TSO capture) is taken as the rest of the frame on the wire. Throws DecodeError when the header is cut short or the version is not 6.
 */
export function readIPv6PayloadLength(data: Uint8Array, off: number, end: number, wireEnd: number): number {
  if (end - off < IPV6_HEADER_LENGTH) throw new DecodeError('IPv6 header cut short');
  if (data[off] >> 4 !== 6) throw new DecodeError('IPv6 header with another version');
  const length = (data[off + 4] << 8) | data[off + 5];
  if (length === 0) return Math.max(0, wireEnd - off - IPV6_HEADER_LENGTH);
  return length;
}

/** True for the extension headers `extensionLength` can measure (hop-by-hop, routing, destination options, AH). */
export function isSkippableExtension(next: number): boolean {
  return next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DEST_OPTS || next === IPV6_AH;
}

/**
 * Length in bytes of the extension header `next` (one `isSkippableExtension` accepts) at
 * `buf[pos]`. `capturedEnd` bounds the captured bytes and `end` the IPv6 payload.
 * Throws DecodeError when the header is cut short or reaches past the payload.
 */
export function extensionLength(buf: Uint8Array, pos: number, capturedEnd: number, end: number, next: number): number {
  if (capturedEnd - pos < 2) throw new DecodeError('IPv6 extension header cut short');
  const length = next === IPV6_AH ? (buf[pos + 1] + 2) << 2 : (buf[pos + 1] + 1) << 3;
  if (pos + length > end) throw new DecodeError('IPv6 extension header beyond the payload');
  if (pos + length > capturedEnd) throw new DecodeError('IPv6 extension header cut short');
  return length;
}
