/**
 * Test helpers for the decoder: hand-built frames, a segment collector, and a minimal
 * pcap / pcapng record iterator for the corpus checks (the real reader lives in src/capture/).
 */
import { readFileSync } from 'node:fs';
import type { CapturedPacket } from '../../src/core/packet.js';
import { PacketDecoder, type PacketDecoderOptions } from '../../src/decode/decoder.js';
import type { TcpSegment } from '../../src/decode/types.js';

// ---------------------------------------------------------------- bytes

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of parts) {
    out.set(a, o); // numbers are stored as Uint8Array.from would (modulo 256)
    o += a.length;
  }
  return out;
}

export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function v4(addr: string): number[] {
  return addr.split('.').map(Number);
}

/** Bytes of the IPv6 texts parsed so far (frames are built from a few addresses, many times). */
const v6Parsed = new Map<string, readonly number[]>();

/** Parses IPv6 text (with `::`, optionally a trailing dotted IPv4) into 16 bytes (a new array). */
export function v6(addr: string): number[] {
  let bytes = v6Parsed.get(addr);
  if (bytes === undefined) v6Parsed.set(addr, (bytes = parseV6(addr)));
  return [...bytes];
}

function parseV6(addr: string): number[] {
  let groups: number[] = [];
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const b = v4(g);
        out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const dbl = addr.indexOf('::');
  if (dbl >= 0) {
    const head = parse(addr.slice(0, dbl));
    const tail = parse(addr.slice(dbl + 2));
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else groups = parse(addr);
  return groups.flatMap((g) => u16(g));
}

// ---------------------------------------------------------------- headers

export interface TcpOpts {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  options?: number[];
  /** Override the data offset field (words). */
  dataOffset?: number;
}

export function tcp(o: TcpOpts, payload: Uint8Array | number[] = []): Uint8Array {
  const options = o.options ?? [];
  const hl = 20 + options.length;
  const doff = o.dataOffset ?? hl / 4;
  return concat(
    u16(o.sport ?? 1234),
    u16(o.dport ?? 80),
    u32(o.seq ?? 1000),
    u32(o.ack ?? 0),
    [doff << 4, o.flags ?? 0x18],
    u16(o.window ?? 65535),
    [0, 0, 0, 0],
    options,
    payload,
  );
}

export interface Ipv4Opts {
  src?: string;
  dst?: string;
  proto?: number;
  id?: number;
  mf?: boolean;
  df?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  options?: number[];
  totalLength?: number;
  version?: number;
  ihl?: number;
}

export function ipv4(o: Ipv4Opts, payload: Uint8Array | number[]): Uint8Array {
  const options = o.options ?? [];
  const hl = 20 + options.length;
  const total = o.totalLength ?? hl + payload.length;
  const flags = (o.mf ? 0x2000 : 0) | (o.df ? 0x4000 : 0) | ((o.fragOffset ?? 0) >> 3);
  const header = concat(
    [((o.version ?? 4) << 4) | (o.ihl ?? hl / 4), 0],
    u16(total),
    u16(o.id ?? 1),
    u16(flags),
    [64, o.proto ?? 6, 0, 0],
    v4(o.src ?? '10.0.0.1'),
    v4(o.dst ?? '10.0.0.2'),
    options,
  );
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i] << 8) | header[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  header.set(u16(~sum & 0xffff), 10);
  return concat(header, payload);
}

export interface Ipv6Opts {
  src?: string;
  dst?: string;
  next?: number;
  payloadLength?: number;
}

export function ipv6(o: Ipv6Opts, payload: Uint8Array | number[]): Uint8Array {
  return concat(
    [0x60, 0, 0, 0],
    u16(o.payloadLength ?? payload.length),
    [o.next ?? 6, 64],
    v6(o.src ?? '2001:db8::1'),
    v6(o.dst ?? '2001:db8::2'),
    payload,
  );
}

/** A hop-by-hop / routing / destination-options header of `units` 8-byte units (>= 1). */
export function ext8(next: number, units: number, fill = 0): number[] {
  const out = [next, units - 1];
  while (out.length < units * 8) out.push(fill);
  return out;
}

/** An AH header with `words` 4-byte words (>= 3 typical; length field = words - 2). */
export function ah(next: number, words: number): number[] {
  const out = [next, words - 2, 0, 0];
  while (out.length < words * 4) out.push(0xaa);
  return out;
}

export function fragHeader(next: number, offset: number, more: boolean, id: number): number[] {
  return [next, 0, ...u16(offset | (more ? 1 : 0)), ...u32(id)];
}

// ---------------------------------------------------------------- links

export interface VlanTag {
  tpid: number;
  id: number;
}

export function ethernet(type: number, payload: Uint8Array | number[], vlans: VlanTag[] = [], trailer: number[] = []): Uint8Array {
  const dst = [0, 1, 2, 3, 4, 5];
  const src = [6, 7, 8, 9, 10, 11];
  const tags = vlans.flatMap((t) => [...u16(t.tpid), ...u16(0x2000 | t.id)]); // priority 1, DEI 0
  return concat(dst, src, tags, u16(type), payload, trailer);
}

export function sll(protocol: number, payload: Uint8Array | number[]): Uint8Array {
  return concat(u16(0), u16(1), u16(6), [1, 2, 3, 4, 5, 6, 0, 0], u16(protocol), payload);
}

export function sll2(protocol: number, payload: Uint8Array | number[]): Uint8Array {
  return concat(u16(protocol), u16(0), u32(3), u16(1), [0, 6], [1, 2, 3, 4, 5, 6, 0, 0], payload);
}

export function nullLink(af: number, littleEndian: boolean, payload: Uint8Array | number[]): Uint8Array {
  const b = u32(af);
  return concat(littleEndian ? b.reverse() : b, payload);
}

export function pppoe(pppProtocol: number, payload: Uint8Array | number[]): Uint8Array {
  return concat([0x11, 0x00], u16(0x1234), u16(payload.length + 2), u16(pppProtocol), payload);
}

// ---------------------------------------------------------------- decoding

export function packet(
  linkType: number,
  data: Uint8Array,
  extra: { ts?: number; origLen?: number; fileOffset?: number; littleEndian?: boolean } = {},
): CapturedPacket {
  return {
    ts: extra.ts ?? 1_000_000,
    linkType,
    littleEndian: extra.littleEndian ?? true,
    interfaceId: 0,
    buffer: data,
    start: 0,
    end: data.length,
    origLen: extra.origLen ?? data.length,
    fileOffset: extra.fileOffset ?? -1,
  };
}

/** A copy of a delivered segment (the decoder reuses its object). */
export interface SegmentCopy extends TcpSegment {
  ts: number;
}

export function collector(options?: PacketDecoderOptions): { decoder: PacketDecoder; segments: SegmentCopy[] } {
  const segments: SegmentCopy[] = [];
  const decoder = new PacketDecoder((s, ts) => segments.push({ ...s, payload: s.payload.slice(), ts }), options);
  return { decoder, segments };
}

/** Decodes one frame with a fresh decoder; returns the segments and stats. */
export function decodeOne(p: CapturedPacket): { segments: SegmentCopy[]; decoder: PacketDecoder } {
  const c = collector();
  c.decoder.decode(p);
  return c;
}

// ---------------------------------------------------------------- capture files

/** Minimal classic pcap / pcapng iterator (enough for well-formed corpus files). */
export function* readCapture(path: string): Generator<CapturedPacket> {
  const buf = readFileSync(path);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic === 0x0a0d0d0a) {
    yield* readPcapng(bytes, view);
    return;
  }
  const known: Record<number, [boolean, number]> = {
    0xa1b2c3d4: [true, 1],
    0xa1b23c4d: [true, 1e-3],
    0xd4c3b2a1: [false, 1],
    0x4d3cb2a1: [false, 1e-3],
  };
  const k = known[magic];
  if (k === undefined) throw new Error(`not a capture file: ${path}`);
  const [le, fracScale] = k;
  const linkType = view.getUint32(20, le) & 0x0fffffff;
  let off = 24;
  while (off + 16 <= bytes.length) {
    const sec = view.getUint32(off, le);
    const frac = view.getUint32(off + 4, le);
    const incl = view.getUint32(off + 8, le);
    const orig = view.getUint32(off + 12, le);
    if (off + 16 + incl > bytes.length) return; // cut record: stop
    yield {
      ts: sec * 1e6 + frac * fracScale,
      linkType,
      littleEndian: le,
      interfaceId: 0,
      buffer: bytes,
      start: off + 16,
      end: off + 16 + incl,
      origLen: orig,
      fileOffset: off + 16,
    };
    off += 16 + incl;
  }
}

function* readPcapng(bytes: Uint8Array, view: DataView): Generator<CapturedPacket> {
  let le = true;
  let off = 0;
  const links: number[] = [];
  while (off + 12 <= bytes.length) {
    let type = view.getUint32(off, le);
    if (type === 0x0a0d0d0a) {
      le = view.getUint32(off + 8, true) === 0x1a2b3c4d;
      links.length = 0;
      type = 0x0a0d0d0a;
    }
    const len = view.getUint32(off + 4, le);
    if (len < 12 || off + len > bytes.length) return;
    if (type === 1) links.push(view.getUint16(off + 8, le));
    else if (type === 6) {
      const iface = view.getUint32(off + 8, le);
      const hi = view.getUint32(off + 12, le);
      const lo = view.getUint32(off + 16, le);
      const incl = view.getUint32(off + 20, le);
      const orig = view.getUint32(off + 24, le);
      yield {
        ts: hi * 4294967296 + lo, // assumes microsecond resolution (enough for these tests)
        linkType: links[iface] ?? -1,
        littleEndian: le,
        interfaceId: iface,
        buffer: bytes,
        start: off + 28,
        end: off + 28 + incl,
        origLen: orig,
        fileOffset: off + 28,
      };
    } else if (type === 3) {
      const orig = view.getUint32(off + 8, le);
      const incl = Math.min(orig, len - 16);
      yield {
        ts: 0,
        linkType: links[0] ?? -1,
        littleEndian: le,
        interfaceId: 0,
        buffer: bytes,
        start: off + 12,
        end: off + 12 + incl,
        origLen: orig,
        fileOffset: off + 12,
      };
    }
    off += len;
  }
}
