/** What the packet decoder hands to TCP reassembly. */

/** TCP flag bits, as in the TCP header's flags byte. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/**
 * One TCP segment, decoded from a frame (after IP defragmentation).
 * The object and `payload` are valid only during the call that receives them.
 */
export interface TcpSegment {
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  /** Outermost 802.1Q VLAN id (the one tcpflow names files with), or undefined when untagged. */
  vlan: number | undefined;
  /** Unsigned 32-bit sequence number. */
  seq: number;
  /** Unsigned 32-bit acknowledgement number (meaningful when TCP_ACK is set). */
  ack: number;
  /** Flags byte (TCP_FIN | TCP_SYN | ...). */
  flags: number;
  window: number;
  /**
   * Captured payload bytes: exactly the TCP payload as bounded by the IP length (never link-layer
   * padding or trailers), cut short when the capture truncated the frame. The same bytes as
   * `payloadBuffer[payloadStart, payloadStart + capturedLength)`; the decoder makes this view
   * only when it is read (reassembly of in-order data never reads it).
   */
  readonly payload: Uint8Array;
  /** The buffer the captured payload lies in, from `payloadStart` on. */
  payloadBuffer: Uint8Array;
  /** Index of the first payload byte in `payloadBuffer`. */
  payloadStart: number;
  /** Captured payload length (`payload.length`, readable without making the view). */
  capturedLength: number;
  /** Payload length the IP header announces; `> payload.length` when the frame was truncated. */
  payloadLength: number;
  /** Position of `payload[0]` in the capture file, or -1 (not a file, or rebuilt from fragments). */
  payloadFileOffset: number;
}

/** Receives decoded TCP segments with the capture timestamp (microseconds). */
export type SegmentSink = (segment: TcpSegment, ts: number) => void;

/** Counters a decoder keeps; all start at 0 and only grow. */
export interface DecodeStats {
  /** Frames handed to the decoder. */
  packets: number;
  /** TCP segments delivered. */
  tcpSegments: number;
  /** Frames that were not TCP (UDP, ARP, ICMP, ...), skipped. */
  nonTcp: number;
  /** Frames cut short by the snap length (origLen > captured length). */
  truncated: number;
  /** Frames whose headers were invalid, skipped. */
  malformed: number;
  /** Frames of a link type the decoder does not know, skipped. */
  unsupportedLinkType: number;
  /** IP fragments received. */
  fragments: number;
  /** IP datagrams rebuilt from fragments. */
  reassembledDatagrams: number;
  /** Fragments dropped (timeout, bounds, overlap conflicts, never completed). */
  fragmentsDropped: number;
  /** Whole frames (not cut by the capture) whose IP header announces more bytes than they hold: used as far as they go. */
  lengthBeyondFrame: number;
}
