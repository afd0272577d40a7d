/** The TCP header: fills a reused TcpSegment from a header found in a buffer. */
import { DecodeError } from '../core/errors.js';
import type { TcpSegment } from './types.js';

/** IP protocol number of TCP. */
export const IPPROTO_TCP = 6;

/**
 * Reads the TCP header at `buf[start]` into `seg` (all fields but addresses and vlan).
 * `capturedEnd` is where the captured bytes of this IP payload end (<= the IP-announced end),
 * `segmentLength` is the TCP segment length the IP header announces (header + payload).
 * `fileBase` is the file position of `buf[0]`, or -1 when unknown / rebuilt.
 *
 * The fixed 20-byte header must be captured; options may be cut by the snap length (they are
 * skipped, never read). Throws DecodeError when the header is cut, or when the data offset
 * is below 5 words or beyond the announced segment.
 */
export function readTcp(
  seg: TcpSegment,
  buf: Uint8Array,
  start: number,
  capturedEnd: number,
  segmentLength: number,
  fileBase: number,
): void {
  if (segmentLength < 20) throw new DecodeError('TCP segment shorter than its header');
  if (capturedEnd - start < 20) throw new DecodeError('TCP header cut short');
  const headerLength = (buf[start + 12] >> 4) << 2;
  if (headerLength < 20) throw new DecodeError('TCP data offset below 5');
  if (headerLength > segmentLength) throw new DecodeError('TCP data offset beyond the segment');
  seg.srcPort = (buf[start] << 8) | buf[start + 1];
  seg.dstPort = (buf[start + 2] << 8) | buf[start + 3];
  seg.seq = ((buf[start + 4] << 24) | (buf[start + 5] << 16) | (buf[start + 6] << 8) | buf[start + 7]) >>> 0;
  seg.ack = ((buf[start + 8] << 24) | (buf[start + 9] << 16) | (buf[start + 10] << 8) | buf[start + 11]) >>> 0;
  seg.flags = buf[start + 13];
  seg.window = (buf[start + 14] << 8) | buf[start + 15];
  const payloadStart = start + headerLength;
  seg.payloadBuffer = buf;
  seg.payloadStart = payloadStart;
  seg.capturedLength = payloadStart < capturedEnd ? capturedEnd - payloadStart : 0;
  seg.payloadLength = segmentLength - headerLength;
  seg.payloadFileOffset = fileBase >= 0 ? fileBase + payloadStart : -1;
}
