/**
 * Builds synthetic Ethernet (+ optional 802.1Q) + IPv4/IPv6 + TCP frames with correct
 * IPv4 header and TCP checksums. Used by the demo capture, the benchmark generator, tests,
 * and the proxy's pcap output. Hot path: no per-call allocation when the caller passes `into`.
 */

/** Ethernet header length without a VLAN tag. */
export const ETHERNET_HEADER_LENGTH = 14;
/** Length of one 802.1Q tag. */
export const VLAN_TAG_LENGTH = 4;
/** IPv4 header length (no options are ever written). */
export const IPV4_HEADER_LENGTH = 20;
/** IPv6 fixed header length (no extension headers are ever written). */
export const IPV6_HEADER_LENGTH = 40;
/** TCP header length without options. */
export const TCP_HEADER_LENGTH = 20;

/** What one TCP segment looks like on the wire. */
export interface TcpFrameSpec {
  /** Source address: dotted IPv4, or IPv6 (any textual form) when it contains ':'. */
  srcAddr: string;
  /** Destination address; must be of the same family as `srcAddr`. */
  dstAddr: string;
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit sequence number (reduced modulo 2^32). */
  seq: number;
  /** Unsigned 32-bit acknowledgement number (reduced modulo 2^32). */
  ack: number;
  /** TCP flags byte (TCP_SYN | TCP_ACK | ... from decode/types). */
  flags: number;
  /** Receive window; default 64240. */
  window?: number;
  /** TCP payload; default none. */
  payload?: Uint8Array;
  /** 802.1Q VLAN id (0..4095); when set, one tag is written after the MAC addresses. */
  vlan?: number;
  /** When set, an MSS option (kind 2) with this value is written (meant for SYN segments). */
  mss?: number;
  /** IPv4 identification field; default 0 (with Don't Fragment set). Ignored for IPv6. */
  ipId?: number;
  /** IPv4 TTL / IPv6 hop limit; default 64. */
  ttl?: number;
}

/** Length in bytes of the frame `buildTcpFrame(spec)` produces. */
export function tcpFrameLength(spec: TcpFrameSpec): number {
  const ipHeader = isIpv6(spec.srcAddr) ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
  return (
    ETHERNET_HEADER_LENGTH +
    (spec.vlan === undefined ? 0 : VLAN_TAG_LENGTH) +
    ipHeader +
    TCP_HEADER_LENGTH +
    (spec.mss === undefined ? 0 : 4) +
    (spec.payload?.length ?? 0)
  );
}

/**
 * Builds one frame. When `into` is given and large enough the frame is written at its start
 * and a view `into.subarray(0, length)` is returned (valid until the caller reuses `into`);
 * otherwise a new array is returned. IPv6 is used when `srcAddr` contains ':'.
 *
 * MAC addresses are derived from the IP addresses (locally administered 02:00:xx:xx:xx:xx with
 * the last four address bytes), so the same host always has the same MAC.
 * Throws `Error` for an unparsable address, mixed address families, or an IPv4 datagram
 * longer than 65535 bytes.
 */
export function buildTcpFrame(spec: TcpFrameSpec, into?: Uint8Array): Uint8Array {
  const v6 = isIpv6(spec.srcAddr);
  if (v6 !== isIpv6(spec.dstAddr)) {
    throw new Error(`address families differ: ${spec.srcAddr} -> ${spec.dstAddr}`);
  }
  const src = parseAddress(spec.srcAddr);
  const dst = parseAddress(spec.dstAddr);
  const payload = spec.payload;
  const payloadLength = payload === undefined ? 0 : payload.length;
  const optionsLength = spec.mss === undefined ? 0 : 4;
  const tcpLength = TCP_HEADER_LENGTH + optionsLength + payloadLength;
  const ipHeaderLength = v6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
  if (!v6 && ipHeaderLength + tcpLength > 0xffff) {
    throw new Error(`IPv4 datagram too long: ${ipHeaderLength + tcpLength} bytes`);
  }
  if (v6 && tcpLength > 0xffff) {
    throw new Error(`IPv6 payload too long: ${tcpLength} bytes`);
  }
  const linkLength = ETHERNET_HEADER_LENGTH + (spec.vlan === undefined ? 0 : VLAN_TAG_LENGTH);
  const length = linkLength + ipHeaderLength + tcpLength;
  const out = into !== undefined && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);

  // Ethernet: destination MAC, source MAC, [802.1Q tag], EtherType.
  writeMac(out, 0, dst);
  writeMac(out, 6, src);
  let p = 12;
  if (spec.vlan !== undefined) {
    out[p] = 0x81;
    out[p + 1] = 0x00;
    out[p + 2] = (spec.vlan >> 8) & 0x0f;
    out[p + 3] = spec.vlan & 0xff;
    p += 4;
  }
  out[p] = v6 ? 0x86 : 0x08;
  out[p + 1] = v6 ? 0xdd : 0x00;
  p += 2;

  const ttl = spec.ttl ?? 64;
  const ipStart = p;
  if (v6) {
    out[p] = 0x60;
    out[p + 1] = 0;
    out[p + 2] = 0;
    out[p + 3] = 0;
    out[p + 4] = tcpLength >> 8;
    out[p + 5] = tcpLength & 0xff;
    out[p + 6] = 6; // next header: TCP
    out[p + 7] = ttl;
    out.set(src, p + 8);
    out.set(dst, p + 24);
  } else {
    const total = IPV4_HEADER_LENGTH + tcpLength;
    const id = (spec.ipId ?? 0) & 0xffff;
    out[p] = 0x45;
    out[p + 1] = 0;
    out[p + 2] = total >> 8;
    out[p + 3] = total & 0xff;
    out[p + 4] = id >> 8;
    out[p + 5] = id & 0xff;
    out[p + 6] = 0x40; // Don't Fragment
    out[p + 7] = 0;
    out[p + 8] = ttl;
    out[p + 9] = 6; // protocol: TCP
    out[p + 10] = 0;
    out[p + 11] = 0;
    out.set(src, p + 12);
    out.set(dst, p + 16);
    const sum = finishChecksum(onesComplementSum(out, ipStart, ipStart + IPV4_HEADER_LENGTH, 0));
    out[p + 10] = sum >> 8;
    out[p + 11] = sum & 0xff;
  }
  p += ipHeaderLength;

  const tcpStart = p;
  const seq = toUint32(spec.seq);
  const ack = toUint32(spec.ack);
  const window = spec.window ?? 64240;
  out[p] = spec.srcPort >> 8;
  out[p + 1] = spec.srcPort & 0xff;
  out[p + 2] = spec.dstPort >> 8;
  out[p + 3] = spec.dstPort & 0xff;
  out[p + 4] = seq >>> 24;
  out[p + 5] = (seq >>> 16) & 0xff;
  out[p + 6] = (seq >>> 8) & 0xff;
  out[p + 7] = seq & 0xff;
  out[p + 8] = ack >>> 24;
  out[p + 9] = (ack >>> 16) & 0xff;
  out[p + 10] = (ack >>> 8) & 0xff;
  out[p + 11] = ack & 0xff;
  out[p + 12] = ((TCP_HEADER_LENGTH + optionsLength) / 4) << 4;
  out[p + 13] = spec.flags & 0xff;
  out[p + 14] = (window >> 8) & 0xff;
  out[p + 15] = window & 0xff;
  out[p + 16] = 0; // checksum, filled below
  out[p + 17] = 0;
  out[p + 18] = 0; // urgent pointer
  out[p + 19] = 0;
  p += TCP_HEADER_LENGTH;
  if (spec.mss !== undefined) {
    out[p] = 2;
    out[p + 1] = 4;
    out[p + 2] = (spec.mss >> 8) & 0xff;
    out[p + 3] = spec.mss & 0xff;
    p += 4;
  }
  if (payload !== undefined && payloadLength > 0) out.set(payload, p);

  // TCP checksum: pseudo-header + header + payload (header and options are even-length).
  let sum = onesComplementSum(src, 0, src.length, 0);
  sum = onesComplementSum(dst, 0, dst.length, sum);
  sum += 6 + tcpLength;
  sum = onesComplementSum(out, tcpStart, tcpStart + tcpLength, sum);
  const tcpSum = finishChecksum(sum);
  out[tcpStart + 16] = tcpSum >> 8;
  out[tcpStart + 17] = tcpSum & 0xff;
  return out;
}

/**
 * Adds the big-endian 16-bit words of `bytes[start..end)` to `acc` (an odd trailing byte is
 * padded with a zero low byte). The result is unfolded; pass it to `finishChecksum`.
 * `acc` stays exact as long as fewer than ~2^37 bytes are summed into it.
 */
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, acc: number): number {
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) acc += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) acc += bytes[i] << 8;
  return acc;
}

/** Folds an unfolded sum from `onesComplementSum` and returns its one's complement (the checksum field). */
export function finishChecksum(acc: number): number {
  // Fold in floating point first: `acc` may exceed 2^32.
  let folded = (acc % 0x10000) + Math.floor(acc / 0x10000);
  while (folded > 0xffff) folded = (folded & 0xffff) + (folded >>> 16);
  return ~folded & 0xffff;
}

/** True when `addr` is written as IPv6 (contains ':'). */
export function isIpv6(addr: string): boolean {
  return addr.includes(':');
}

const addressCache = new Map<string, Uint8Array>();
const ADDRESS_CACHE_LIMIT = 65536;

/**
 * Parses a dotted IPv4 address to 4 bytes, or an IPv6 address (with `::` compression and an
 * optional trailing dotted IPv4 part) to 16 bytes. Results are cached: do not mutate them.
 * Throws `Error` for malformed text.
 */
export function parseAddress(addr: string): Uint8Array {
  const cached = addressCache.get(addr);
  if (cached !== undefined) return cached;
  const bytes = isIpv6(addr) ? parseIpv6(addr) : parseIpv4(addr);
  if (addressCache.size >= ADDRESS_CACHE_LIMIT) addressCache.clear();
  addressCache.set(addr, bytes);
  return bytes;
}

function parseIpv4(addr: string): Uint8Array {
  const parts = addr.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${addr}`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) throw new Error(`not an IPv4 address: ${addr}`);
    out[i] = Number(part);
  }
  return out;
}

function parseIpv6(addr: string): Uint8Array {
  const bad = (): Error => new Error(`not an IPv6 address: ${addr}`);
  const halves = addr.split('::');
  if (halves.length > 2) throw bad();
  const parseGroups = (text: string): number[] => {
    if (text === '') return [];
    const groups: number[] = [];
    const pieces = text.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) throw bad();
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) throw bad();
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/** Writes 02:00 + the last four bytes of `addr` at `out[at..at+6)`. */
function writeMac(out: Uint8Array, at: number, addr: Uint8Array): void {
  const n = addr.length;
  out[at] = 0x02;
  out[at + 1] = 0x00;
  out[at + 2] = addr[n - 4];
  out[at + 3] = addr[n - 3];
  out[at + 4] = addr[n - 2];
  out[at + 5] = addr[n - 1];
}

function toUint32(n: number): number {
  return ((n % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
}
