/**
 * Link layers: find where the IP header starts in a captured frame, which IP version it is,
 * and the outermost VLAN id. One function per framing; no allocation.
 */
import { DecodeError } from '../core/errors.js';

/** The frame carries IPv4 at `LinkResult.offset`. */
export const NET_IPV4 = 4;
/** The frame carries IPv6 at `LinkResult.offset`. */
export const NET_IPV6 = 6;
/** The frame carries something else (ARP, LLC, PPP control, ...). */
export const NET_OTHER = 0;
/** The link type is not one this module knows. */
export const NET_UNSUPPORTED = -1;

/** What `parseLink` returns. */
export type NetKind = typeof NET_IPV4 | typeof NET_IPV6 | typeof NET_OTHER | typeof NET_UNSUPPORTED;

/** Output of `parseLink`, reused across packets (set only when the result is IPv4/IPv6). */
export interface LinkResult {
  /** Offset of the IP header in the frame. */
  offset: number;
  /** Innermost 802.1Q / 802.1ad VLAN id, or undefined. */
  vlan: number | undefined;
}

/** LINKTYPE_* values `parseLink` understands. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_RAW_12 = 12;
export const LINKTYPE_RAW_14 = 14;
export const LINKTYPE_PPP_HDLC = 50;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_C_HDLC = 104;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD1 = 0x9100;
const ETHERTYPE_QINQ_OLD2 = 0x9200;
const ETHERTYPE_PPPOE_SESSION = 0x8864;

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

function cut(what: string): never {
  throw new DecodeError(`${what} header cut short`);
}

/**
 * Locates the network layer of the frame `data[start, end)` captured with link type `linkType`.
 * Returns the kind of network layer; for IPv4/IPv6, `out.offset` (an index into `data`) and
 * `out.vlan` are set. Throws DecodeError when a link header is cut short or inconsistent.
 */
export function parseLink(data: Uint8Array, start: number, end: number, linkType: number, out: LinkResult): NetKind {
  out.vlan = undefined;
  const length = end - start;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (length < 14) cut('Ethernet');
      return etherType(data, start + 14, end, (data[start + 12] << 8) | data[start + 13], out);
    case LINKTYPE_LINUX_SLL:
      if (length < 16) cut('Linux SLL');
      return etherType(data, start + 16, end, (data[start + 14] << 8) | data[start + 15], out);
    case LINKTYPE_LINUX_SLL2:
      if (length < 20) cut('Linux SLL2');
      return etherType(data, start + 20, end, (data[start] << 8) | data[start + 1], out);
    case LINKTYPE_NULL: {
      if (length < 4) cut('BSD loopback');
      // Host byte order of the capturing machine: the small value is the right reading.
      let af = data[start] | (data[start + 1] << 8) | (data[start + 2] << 16) | (data[start + 3] << 24);
      if ((af & 0xffff0000) !== 0 || af === 0) af = ((data[start] << 24) | (data[start + 1] << 16) | (data[start + 2] << 8) | data[start + 3]) >>> 0;
      return addressFamily(af, start + 4, out);
    }
    case LINKTYPE_LOOP:
      if (length < 4) cut('OpenBSD loopback');
      return addressFamily(((data[start] << 24) | (data[start + 1] << 16) | (data[start + 2] << 8) | data[start + 3]) >>> 0, start + 4, out);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_12:
    case LINKTYPE_RAW_14:
      return rawIp(data, start, end, out);
    case LINKTYPE_IPV4:
      out.offset = start;
      return NET_IPV4;
    case LINKTYPE_IPV6:
      out.offset = start;
      return NET_IPV6;
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC:
      return ppp(data, start, end, out);
    case LINKTYPE_C_HDLC:
      if (length < 4) cut('Cisco HDLC');
      return etherType(data, start + 4, end, (data[start + 2] << 8) | data[start + 3], out);
    default:
      return NET_UNSUPPORTED;
  }
}

/** Dispatches on an EtherType found at `off - 2`, following VLAN tags and PPPoE sessions. */
function etherType(data: Uint8Array, off: number, end: number, type: number, out: LinkResult): NetKind {
  while (
    type === ETHERTYPE_VLAN ||
    type === ETHERTYPE_QINQ ||
    type === ETHERTYPE_QINQ_OLD1 ||
    type === ETHERTYPE_QINQ_OLD2
  ) {
    if (end < off + 4) cut('802.1Q');
    // The outermost tag names the flow, as tcpflow does (its file names carry that one).
    if (out.vlan === undefined) out.vlan = ((data[off] << 8) | data[off + 1]) & 0x0fff;
    type = (data[off + 2] << 8) | data[off + 3];
    off += 4;
  }
  switch (type) {
    case ETHERTYPE_IPV4:
      out.offset = off;
      return NET_IPV4;
    case ETHERTYPE_IPV6:
      out.offset = off;
      return NET_IPV6;
    case ETHERTYPE_PPPOE_SESSION: {
      // ver/type, code, session id, length; then the PPP protocol field.
      if (end < off + 8) cut('PPPoE');
      if (data[off] !== 0x11 || data[off + 1] !== 0x00) return NET_OTHER;
      return pppProtocol(data, off + 6, end, out);
    }
    default:
      // Includes 802.3 length fields (< 0x0600, i.e. LLC frames), ARP, MPLS, ...
      return NET_OTHER;
  }
}

/** PPP (RFC 1661), optionally preceded by the HDLC address/control bytes 0xFF 0x03 (RFC 1662). */
function ppp(data: Uint8Array, off: number, end: number, out: LinkResult): NetKind {
  if (end < off + 2) cut('PPP');
  if (data[off] === 0xff && data[off + 1] === 0x03) off += 2;
  return pppProtocol(data, off, end, out);
}

/** The PPP protocol field at `off`: one byte when compressed (odd first byte), else two. */
function pppProtocol(data: Uint8Array, off: number, end: number, out: LinkResult): NetKind {
  if (end < off + 1) cut('PPP');
  let proto: number;
  if ((data[off] & 1) === 1) {
    proto = data[off];
    off += 1;
  } else {
    if (end < off + 2) cut('PPP');
    proto = (data[off] << 8) | data[off + 1];
    off += 2;
  }
  if (proto === PPP_IPV4) {
    out.offset = off;
    return NET_IPV4;
  }
  if (proto === PPP_IPV6) {
    out.offset = off;
    return NET_IPV6;
  }
  return NET_OTHER;
}

/** BSD address families: 2 is IPv4; 24, 28, 30 are IPv6 (NetBSD/OpenBSD, FreeBSD, Darwin). */
function addressFamily(af: number, off: number, out: LinkResult): NetKind {
  if (af === 2) {
    out.offset = off;
    return NET_IPV4;
  }
  if (af === 24 || af === 28 || af === 30) {
    out.offset = off;
    return NET_IPV6;
  }
  return NET_OTHER;
}

/** Raw IP: the version nibble of the first byte picks IPv4 or IPv6. */
function rawIp(data: Uint8Array, off: number, end: number, out: LinkResult): NetKind {
  if (end < off + 1) cut('raw IP');
  const version = data[off] >> 4;
  out.offset = off;
  if (version === 4) return NET_IPV4;
  if (version === 6) return NET_IPV6;
  throw new DecodeError(`raw IP with version ${version}`);
}
