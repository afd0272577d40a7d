import type { Micros } from './types.js';

/**
 * One captured frame as a capture source delivers it (file reader or live capture).
 * The object and `data` are valid only during the call that receives them: sources
 * reuse both for the next packet, so a consumer copies what it keeps.
 */
export interface CapturedPacket {
  /** Capture timestamp, microseconds since the epoch. */
  ts: Micros;
  /** LINKTYPE_* value of the interface the frame was captured on (1 Ethernet, 113 SLL, ...). */
  linkType: number;
  /** Interface index in the file (pcapng IDB order; 0 for classic pcap and live capture). */
  interfaceId: number;
  /** The captured bytes (possibly cut short by the snap length). */
  data: Uint8Array;
  /** Length of the frame on the wire; `origLen > data.length` means the capture truncated it. */
  origLen: number;
  /** Position of `data[0]` in the source file, or -1 when the source is not a seekable file. */
  fileOffset: number;
}

/** Receives packets synchronously, in file order. */
export type PacketSink = (packet: CapturedPacket) => void;
