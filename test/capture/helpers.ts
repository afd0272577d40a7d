/**
 * Test-only builders of pcap / pcapng bytes, a packet recorder and the seeded PRNG.
 */
import type { CapturedPacket } from '../../src/core/packet.js';
import { CaptureParser } from '../../src/capture/parser.js';
import { CaptureFormatError } from '../../src/capture/errors.js';

/** Appends integers in one byte order. */
export class Bytes {
  private readonly parts: number[] = [];
  constructor(readonly littleEndian = true) {}
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.littleEndian ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    v >>>= 0;
    return this.littleEndian ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff);
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i] & 0xff);
    return this;
  }
  pad4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function concat(...arrays: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export interface PcapRecordSpec {
  sec: number;
  frac: number;
  data: Uint8Array;
  origLen?: number;
  capLen?: number;
}

export interface PcapSpec {
  littleEndian?: boolean;
  variant?: 'us' | 'ns' | 'modified';
  snapLen?: number;
  linkTypeField?: number;
  records: PcapRecordSpec[];
}

const PCAP_MAGIC = { us: 0xa1b2c3d4, ns: 0xa1b23c4d, modified: 0xa1b2cd34 } as const;

/** A classic pcap file. */
export function pcapFile(spec: PcapSpec): Uint8Array {
  const variant = spec.variant ?? 'us';
  const b = new Bytes(spec.littleEndian ?? true);
  b.u32(PCAP_MAGIC[variant]).u16(2).u16(4).u32(0).u32(0).u32(spec.snapLen ?? 65535).u32(spec.linkTypeField ?? 1);
  for (const r of spec.records) {
    b.u32(r.sec).u32(r.frac).u32(r.capLen ?? r.data.length).u32(r.origLen ?? r.data.length);
    if (variant === 'modified') b.u32(7).u16(0x0800).u8(0).u8(0);
    b.raw(r.data);
  }
  return b.build();
}

export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

/** One pcapng block: type, body (padded to 4), framed by both lengths. */
export function block(littleEndian: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const b = new Bytes(littleEndian).u32(type).u32(total).raw(body).pad4().u32(total);
  return b.build();
}

function options(littleEndian: boolean, opts: PcapngOption[]): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const b = new Bytes(littleEndian);
  for (const o of opts) b.u16(o.code).u16(o.value.length).raw(o.value).pad4();
  b.u16(0).u16(0);
  return b.build();
}

export function shb(littleEndian: boolean, opts: PcapngOption[] = [], major = 1): Uint8Array {
  const body = new Bytes(littleEndian).u32(0x1a2b3c4d).u16(major).u16(0).u32(0xffffffff).u32(0xffffffff);
  body.raw(options(littleEndian, opts));
  return block(littleEndian, 0x0a0d0d0a, body.build());
}

export function idb(littleEndian: boolean, linkType: number, snapLen = 0, opts: PcapngOption[] = []): Uint8Array {
  const body = new Bytes(littleEndian).u16(linkType).u16(0).u32(snapLen).raw(options(littleEndian, opts));
  return block(littleEndian, 1, body.build());
}

export function tsresol(value: number): PcapngOption {
  return { code: 9, value: Uint8Array.of(value) };
}

/** if_tsoffset: signed 64-bit seconds, in the section's byte order. */
export function tsoffset(littleEndian: boolean, seconds: number): PcapngOption {
  const high = Math.floor(seconds / 2 ** 32);
  const low = seconds - high * 2 ** 32;
  const b = new Bytes(littleEndian);
  if (littleEndian) b.u32(low).u32(high);
  else b.u32(high).u32(low);
  return { code: 14, value: b.build() };
}

export function epb(
  littleEndian: boolean,
  interfaceId: number,
  timestamp: bigint,
  data: Uint8Array,
  origLen = data.length,
  capLen = data.length,
): Uint8Array {
  const body = new Bytes(littleEndian)
    .u32(interfaceId)
    .u32(Number(timestamp >> 32n))
    .u32(Number(timestamp & 0xffffffffn))
    .u32(capLen)
    .u32(origLen)
    .raw(data)
    .pad4()
    .raw(options(littleEndian, [{ code: 1, value: ascii('comment') }]));
  return block(littleEndian, 6, body.build());
}

export function opb(
  littleEndian: boolean,
  interfaceId: number,
  timestamp: bigint,
  data: Uint8Array,
  origLen = data.length,
): Uint8Array {
  const body = new Bytes(littleEndian)
    .u16(interfaceId)
    .u16(0)
    .u32(Number(timestamp >> 32n))
    .u32(Number(timestamp & 0xffffffffn))
    .u32(data.length)
    .u32(origLen)
    .raw(data);
  return block(littleEndian, 2, body.build());
}

export function spb(littleEndian: boolean, origLen: number, data: Uint8Array): Uint8Array {
  return block(littleEndian, 3, new Bytes(littleEndian).u32(origLen).raw(data).build());
}

/** A plain copy of what a sink saw, for comparisons. */
export interface SeenPacket {
  ts: number;
  linkType: number;
  interfaceId: number;
  data: string;
  origLen: number;
  fileOffset: number;
}

/** The captured bytes of `packet` as one view. */
export function frameBytes(packet: CapturedPacket): Uint8Array {
  return packet.buffer.subarray(packet.start, packet.end);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function snapshot(p: CapturedPacket): SeenPacket {
  return {
    ts: p.ts,
    linkType: p.linkType,
    interfaceId: p.interfaceId,
    data: hex(frameBytes(p)),
    origLen: p.origLen,
    fileOffset: p.fileOffset,
  };
}

export interface ParseOutcome {
  packets: SeenPacket[];
  error: CaptureFormatError | undefined;
  parser: CaptureParser;
}

/**
 * Parses `bytes` pushed in chunks of the given sizes (cycled; default: one chunk).
 * Any error other than CaptureFormatError propagates.
 */
export function parseAll(bytes: Uint8Array, chunkSizes: number[] = [], seekable = true): ParseOutcome {
  const packets: SeenPacket[] = [];
  const parser = new CaptureParser((p) => packets.push(snapshot(p)), { seekable });
  let error: CaptureFormatError | undefined;
  try {
    if (chunkSizes.length === 0) parser.push(bytes);
    else {
      let at = 0;
      let i = 0;
      while (at < bytes.length) {
        const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]);
        // A fresh copy per chunk, later scribbled over: the parser must not keep references.
        const chunk = Uint8Array.prototype.slice.call(bytes, at, at + size);
        parser.push(chunk);
        chunk.fill(0xee);
        at += size;
      }
    }
    parser.end();
  } catch (err) {
    if (!(err instanceof CaptureFormatError)) throw err;
    error = err;
  }
  return { packets, error, parser };
}

/** The tests' one seeded PRNG (test/support/prng.ts). */
export { mulberry32 } from '../support/prng.js';
