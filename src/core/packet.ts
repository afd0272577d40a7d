import { endianness } from 'node:os';
import { DOUBLE_ZERO } from './fields.js';
import type { Micros } from './types.js';

/**
 * One captured frame as a capture source delivers it (file reader or live capture): the bytes
 * `buffer[start, end)`. The frame is a range of a larger buffer (a file reader's read chunk), so
 * delivering a packet allocates nothing. The object and `buffer` are valid only during the call
 * that receives them: sources reuse both for the next packet, so a consumer copies what it keeps.
 */
export interface CapturedPacket {
  /** Capture timestamp, microseconds since the epoch. */
  ts: Micros;
  /** LINKTYPE_* value of the interface the frame was captured on (1 Ethernet, 113 SLL, ...). */
  linkType: number;
  /**
   * Byte order of the capture file (pcapng: of its section) the frame was read from; the host's
   * for live capture. Capture filters need it: libpcap matches a BSD loopback frame's address
   * family in the byte order of the file.
   */
  littleEndian: boolean;
  /** Interface index in the file (pcapng IDB order; 0 for classic pcap and live capture). */
  interfaceId: number;
  /** Holds the captured bytes (possibly cut short by the snap length) at `[start, end)`. */
  buffer: Uint8Array;
  /** Index in `buffer` of the frame's first byte. */
  start: number;
  /** Index in `buffer` just past the frame's last captured byte. */
  end: number;
  /** Length of the frame on the wire; `origLen > end - start` means the capture truncated it. */
  origLen: number;
  /** Position of `buffer[start]` in the source file, or -1 when the source is not a seekable file. */
  fileOffset: number;
}

const NO_BYTES = new Uint8Array(0);

/** True on a little-endian host. */
const HOST_LITTLE_ENDIAN = endianness() === 'LE';

/**
 * The bytes `source[start, start + length)` as a view, no copy: `source` itself when that is all
 * of it, an empty array when `length` is 0 (whatever `start`, which may then lie past the end).
 */
export function byteRange(source: Uint8Array, start: number, length: number): Uint8Array {
  if (length === 0) return NO_BYTES;
  if (start === 0 && length === source.length) return source;
  return new Uint8Array(source.buffer, source.byteOffset + start, length);
}

/**
 * A packet object for a source to fill and reuse, over `buffer`, in the host's byte order. Its
 * timestamp starts as a double (see {@link DOUBLE_ZERO}): real ones are beyond small integers.
 */
export function newCapturedPacket(buffer: Uint8Array): CapturedPacket {
  return { ts: DOUBLE_ZERO, linkType: 0, littleEndian: HOST_LITTLE_ENDIAN, interfaceId: 0, buffer, start: 0, end: 0, origLen: 0, fileOffset: -1 };
}

/** Receives packets synchronously, in file order. */
export type PacketSink = (packet: CapturedPacket) => void;
