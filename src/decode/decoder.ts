/**
 * The packet decoder: captured frame -> link layer -> IPv4/IPv6 (with defragmentation) -> TCP
 * segment, handed to a SegmentSink. Everything else is counted and skipped.
 */
import { DecodeError } from '../core/errors.js';
import { DOUBLE_ZERO } from '../core/fields.js';
import { byteRange, type CapturedPacket } from '../core/packet.js';
import { AddressFormatter } from './addr.js';
import { FragmentReassembler } from './fragments.js';
import { newIpv4Header, readIPv4 } from './ipv4.js';
import {
  extensionLength,
  IPV6_FRAGMENT,
  IPV6_HEADER_LENGTH,
  isSkippableExtension,
  readIPv6PayloadLength,
} from './ipv6.js';
import { NET_IPV4, NET_IPV6, NET_UNSUPPORTED, parseLink, type LinkResult } from './link.js';
import { IPPROTO_TCP, readTcp } from './tcp.js';
import type { DecodeStats, SegmentSink, TcpSegment } from './types.js';

/** Tuning of a PacketDecoder. */
export interface PacketDecoderOptions {
  /** Memory budget for pending IP fragments, all datagrams together (default 4 MiB). */
  maxFragmentBytes?: number;
  /** A datagram whose first fragment is older than this (capture time) is dropped (default 30 s). */
  fragmentTimeoutMicros?: number;
}

/** Default memory budget for pending fragments. */
export const DEFAULT_MAX_FRAGMENT_BYTES = 4 * 1024 * 1024;
/** Default fragment reassembly timeout, in microseconds of capture time. */
export const DEFAULT_FRAGMENT_TIMEOUT_MICROS = 30_000_000;

const EMPTY = new Uint8Array(0);

/** The decoder's one reused segment: `payload` is a view made only when read. */
class DecodedSegment implements TcpSegment {
  srcAddr = '';
  srcPort = 0;
  dstAddr = '';
  dstPort = 0;
  vlan: number | undefined = undefined;
  seq = DOUBLE_ZERO;
  ack = DOUBLE_ZERO;
  flags = 0;
  window = 0;
  payloadBuffer = EMPTY;
  payloadStart = 0;
  capturedLength = 0;
  payloadLength = 0;
  payloadFileOffset = -1;

  get payload(): Uint8Array {
    // payloadStart may lie past the captured bytes (options cut by the snap length).
    return byteRange(this.payloadBuffer, this.payloadStart, this.capturedLength);
  }
}

/** Index in `packet.buffer` where the frame ends on the wire (past the captured end when truncated). */
function wireEnd(packet: CapturedPacket): number {
  const captured = packet.end - packet.start;
  return packet.start + (packet.origLen > captured ? packet.origLen : captured);
}

/** File position of `packet.buffer[0]`, or -1 when the packet has none. */
function fileBase(packet: CapturedPacket): number {
  return packet.fileOffset >= 0 ? packet.fileOffset - packet.start : -1;
}

/**
 * Decodes captured frames into TCP segments.
 *
 * Contract:
 * - `decode` never throws for any input: a malformed frame is counted in `stats.malformed`
 *   and skipped. (An exception thrown by the sink itself is not caught.)
 * - The sink receives one reused TcpSegment object; it and its payload are valid only during
 *   the call. Segments are delivered synchronously, in packet order (a defragmented datagram
 *   when its last missing fragment arrives).
 * - Link types: 0 NULL, 1 Ethernet (802.1Q/802.1ad tags at any depth, PPPoE sessions),
 *   9 PPP, 12/14/101 raw IP, 50 PPP in HDLC, 104 Cisco HDLC, 108 LOOP, 113 Linux SLL,
 *   228 IPv4, 229 IPv6, 276 Linux SLL2. Others count as `unsupportedLinkType`.
 * - The TCP payload is bounded by the IP length (link padding and trailers are never payload)
 *   and by the captured bytes; `payloadLength` is what the headers announce.
 * - ICMP (even quoting a TCP header), UDP, ESP, ... count as `nonTcp`.
 */
export class PacketDecoder {
  /** Counters; they only grow. */
  readonly stats: DecodeStats = {
    packets: 0,
    tcpSegments: 0,
    nonTcp: 0,
    truncated: 0,
    malformed: 0,
    unsupportedLinkType: 0,
    fragments: 0,
    reassembledDatagrams: 0,
    fragmentsDropped: 0,
    lengthBeyondFrame: 0,
  };

  private readonly segment = new DecodedSegment();
  private readonly link: LinkResult = { offset: 0, vlan: undefined };
  private readonly ipv4 = newIpv4Header();
  private readonly addresses = new AddressFormatter();
  private readonly fragments: FragmentReassembler;
  private truncatedCounted = false;

  /**
   * @param onSegment receives every decoded TCP segment with the capture timestamp.
   * @param options fragment memory budget and timeout; must be positive numbers.
   */
  constructor(
    private readonly onSegment: SegmentSink,
    options: PacketDecoderOptions = {},
  ) {
    const maxBytes = options.maxFragmentBytes ?? DEFAULT_MAX_FRAGMENT_BYTES;
    const timeout = options.fragmentTimeoutMicros ?? DEFAULT_FRAGMENT_TIMEOUT_MICROS;
    if (!(maxBytes > 0)) throw new RangeError(`maxFragmentBytes must be positive, got ${maxBytes}`);
    if (!(timeout > 0)) throw new RangeError(`fragmentTimeoutMicros must be positive, got ${timeout}`);
    this.fragments = new FragmentReassembler(maxBytes, timeout, this.stats);
  }

  /** Decodes one frame; delivers at most one TCP segment. Never throws for any input. */
  decode(packet: CapturedPacket): void {
    const stats = this.stats;
    stats.packets++;
    this.truncatedCounted = false;
    if (packet.origLen > packet.end - packet.start) this.markTruncated();
    if (this.fragments.pendingDatagrams > 0) this.fragments.expire(packet.ts);
    let delivered: boolean;
    try {
      delivered = this.decodeFrame(packet);
    } catch (err) {
      if (err instanceof DecodeError) {
        stats.malformed++;
        return;
      }
      throw err;
    }
    if (delivered) {
      stats.tcpSegments++;
      this.onSegment(this.segment, packet.ts);
    }
  }

  /**
   * Drops every datagram still waiting for fragments, counting its fragments in
   * `stats.fragmentsDropped` (call at the end of a capture).
   */
  flush(): void {
    this.fragments.flush();
  }

  /** Returns true when `this.segment` holds a segment to deliver. */
  private decodeFrame(packet: CapturedPacket): boolean {
    const kind = parseLink(packet.buffer, packet.start, packet.end, packet.linkType, this.link);
    if (kind === NET_IPV4) return this.decodeIPv4(packet, this.link.offset);
    if (kind === NET_IPV6) return this.decodeIPv6(packet, this.link.offset);
    if (kind === NET_UNSUPPORTED) this.stats.unsupportedLinkType++;
    else this.stats.nonTcp++;
    return false;
  }

  private decodeIPv4(packet: CapturedPacket, off: number): boolean {
    const data = packet.buffer;
    const frameEnd = packet.end;
    const ip = this.ipv4;
    readIPv4(data, off, frameEnd, wireEnd(packet), ip);
    const end = this.ipEnd(packet, off + ip.totalLength);
    const capturedEnd = end <= frameEnd ? end : frameEnd;
    const payloadStart = off + ip.headerLength;

    if (ip.moreFragments || ip.fragmentOffset !== 0) {
      this.stats.fragments++;
      if (ip.protocol !== IPPROTO_TCP) {
        this.stats.nonTcp++;
        return false;
      }
      if (end > frameEnd) {
        this.stats.fragmentsDropped++; // cannot rebuild from a cut fragment
        return false;
      }
      const src = this.addresses.ipv4(data, off + 12);
      const dst = this.addresses.ipv4(data, off + 16);
      const vlan = this.link.vlan;
      const key = `4|${vlan}|${src}|${dst}|${ip.id}`;
      const datagram = this.fragments.add(
        key,
        packet.ts,
        ip.fragmentOffset,
        data,
        payloadStart,
        end,
        ip.moreFragments,
        IPPROTO_TCP,
      );
      if (datagram === null) return false;
      this.setEndpoints(src, dst, vlan);
      readTcp(this.segment, datagram, 0, datagram.length, datagram.length, -1);
      return true;
    }

    if (ip.protocol !== IPPROTO_TCP) {
      this.stats.nonTcp++;
      return false;
    }
    this.setEndpoints(this.addresses.ipv4(data, off + 12), this.addresses.ipv4(data, off + 16), this.link.vlan);
    readTcp(this.segment, data, payloadStart, capturedEnd, end - payloadStart, fileBase(packet));
    return true;
  }

  private decodeIPv6(packet: CapturedPacket, off: number): boolean {
    const data = packet.buffer;
    const frameEnd = packet.end;
    const payloadLength = readIPv6PayloadLength(data, off, frameEnd, wireEnd(packet));
    const end = this.ipEnd(packet, off + IPV6_HEADER_LENGTH + payloadLength);
    const capturedEnd = end <= frameEnd ? end : frameEnd;

    let next = data[off + 6];
    let pos = off + IPV6_HEADER_LENGTH;
    while (isSkippableExtension(next)) {
      const length = extensionLength(data, pos, capturedEnd, end, next);
      next = data[pos];
      pos += length;
    }

    if (next === IPV6_FRAGMENT) {
      if (capturedEnd - pos < 8) throw new DecodeError('IPv6 fragment header cut short');
      if (pos + 8 > end) throw new DecodeError('IPv6 fragment header beyond the payload');
      const fragmentNext = data[pos];
      const offsetFlags = (data[pos + 2] << 8) | data[pos + 3];
      const fragmentOffset = offsetFlags & 0xfff8;
      const more = (offsetFlags & 1) !== 0;
      pos += 8;
      if (fragmentOffset === 0 && !more) {
        // Atomic fragment: a whole datagram behind a fragment header.
        return this.ipv6Upper(packet, data, off, pos, capturedEnd, end, fragmentNext, fileBase(packet), false);
      }
      this.stats.fragments++;
      if (fragmentNext !== IPPROTO_TCP && !isSkippableExtension(fragmentNext)) {
        this.stats.nonTcp++;
        return false;
      }
      if (end > frameEnd) {
        this.stats.fragmentsDropped++;
        return false;
      }
      const id = ((data[pos - 4] << 24) | (data[pos - 3] << 16) | (data[pos - 2] << 8) | data[pos - 1]) >>> 0;
      const src = this.addresses.ipv6(data, off + 8);
      const dst = this.addresses.ipv6(data, off + 24);
      const key = `6|${this.link.vlan}|${src}|${dst}|${id}`;
      const datagram = this.fragments.add(key, packet.ts, fragmentOffset, data, pos, end, more, fragmentNext);
      if (datagram === null) return false;
      const first = this.fragments.completedMeta;
      return this.ipv6Upper(packet, datagram, off, 0, datagram.length, datagram.length, first, -1, true);
    }
    return this.ipv6Upper(packet, data, off, pos, capturedEnd, end, next, fileBase(packet), false);
  }

  /**
   * Continues an IPv6 datagram at `buf[pos]` with header type `next` (after the fixed header,
   * or in a rebuilt fragmentable part): skips extension headers, then reads TCP.
   * Addresses come from the fixed header at `packet.buffer[ipOff]`; `fileBase` is the file
   * position of `buf[0]`, or -1.
   */
  private ipv6Upper(
    packet: CapturedPacket,
    buf: Uint8Array,
    ipOff: number,
    pos: number,
    capturedEnd: number,
    end: number,
    next: number,
    fileBase: number,
    rebuilt: boolean,
  ): boolean {
    while (isSkippableExtension(next)) {
      const length = extensionLength(buf, pos, capturedEnd, end, next);
      next = buf[pos];
      pos += length;
    }
    if (next === IPV6_FRAGMENT) throw new DecodeError(rebuilt ? 'IPv6 fragment header inside a fragment' : 'IPv6 second fragment header');
    if (next !== IPPROTO_TCP) {
      this.stats.nonTcp++;
      return false;
    }
    const data = packet.buffer;
    this.setEndpoints(this.addresses.ipv6(data, ipOff + 8), this.addresses.ipv6(data, ipOff + 24), this.link.vlan);
    readTcp(this.segment, buf, pos, capturedEnd, end - pos, fileBase);
    return true;
  }

  private setEndpoints(src: string, dst: string, vlan: number | undefined): void {
    const seg = this.segment;
    seg.srcAddr = src;
    seg.dstAddr = dst;
    seg.vlan = vlan;
  }

  /**
   * The end of the IP datagram the header announces, where it lies beyond the captured frame:
   * kept when the capture cut the frame (truncated: the rest existed on the wire), cut back to
   * the frame when the frame is whole (the header lies: there is nothing more to miss).
   */
  private ipEnd(packet: CapturedPacket, announcedEnd: number): number {
    const frameEnd = packet.end;
    if (announcedEnd <= frameEnd) return announcedEnd;
    if (packet.origLen > frameEnd - packet.start) {
      this.markTruncated();
      return announcedEnd;
    }
    this.stats.lengthBeyondFrame++;
    return frameEnd;
  }

  private markTruncated(): void {
    if (!this.truncatedCounted) {
      this.truncatedCounted = true;
      this.stats.truncated++;
    }
  }
}
