/**
 * Fuzzing: seeded random and mutated frames for every link type. Nothing may escape decode(),
 * and every delivered segment must be self-consistent.
 */
import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/decoder.js';
import type { TcpSegment } from '../../src/decode/types.js';
import {
  ah,
  concat,
  ethernet,
  ext8,
  fragHeader,
  ipv4,
  ipv6,
  nullLink,
  pppoe,
  sll,
  sll2,
  tcp,
  u16,
} from './helpers.js';
import { mulberry32 } from '../support/prng.js';

const LINK_TYPES = [0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 228, 229, 276];

function randomBytes(rnd: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rnd() * 256) | 0;
  return out;
}

/** A plausible IP datagram: TCP, sometimes fragmented, with options or extension headers. */
function randomIp(rnd: () => number): Uint8Array {
  const pick = <T>(xs: T[]): T => xs[(rnd() * xs.length) | 0];
  const payload = randomBytes(rnd, (rnd() * 64) | 0);
  const seg = tcp({ seq: (rnd() * 2 ** 32) >>> 0, flags: (rnd() * 256) | 0, options: rnd() < 0.3 ? [2, 4, 5, 180] : [] }, payload);
  const id = (rnd() * 4) | 0; // few ids: fragments collide and complete
  if (rnd() < 0.5) {
    if (rnd() < 0.4) {
      const start = pick([0, 8, 16, 24, 32]);
      const end = Math.min(seg.length, start + pick([8, 16, 24, 64]));
      return ipv4({ id, mf: end < seg.length, fragOffset: start }, seg.subarray(start, end));
    }
    return ipv4({ options: rnd() < 0.3 ? [1, 1, 1, 0] : [], proto: rnd() < 0.9 ? 6 : pick([1, 17]) }, seg);
  }
  if (rnd() < 0.4) {
    const start = pick([0, 8, 16, 24]);
    const end = Math.min(seg.length, start + pick([8, 16, 32, 64]));
    return ipv6({ next: 44 }, concat(fragHeader(6, start, end < seg.length, id), seg.subarray(start, end)));
  }
  // [first next header, extension headers before TCP]
  const chains: [number, number[]][] = [
    [6, []],
    [0, ext8(6, 1)],
    [51, ah(6, 4)],
    [43, [...ext8(60, 1), ...ext8(6, 2)]],
    [44, fragHeader(6, 0, false, id)],
  ];
  const [first, exts] = pick(chains);
  return ipv6({ next: first }, concat(exts, seg));
}

function frameFor(linkType: number, ip: Uint8Array, rnd: () => number): Uint8Array {
  const v6 = ip[0] >> 4 === 6;
  const etype = v6 ? 0x86dd : 0x0800;
  switch (linkType) {
    case 1: {
      const r = rnd();
      if (r < 0.2) return ethernet(0x8864, pppoe(v6 ? 0x57 : 0x21, ip), [{ tpid: 0x88a8, id: 3 }]);
      if (r < 0.4) return ethernet(etype, ip, [{ tpid: 0x8100, id: 7 }, { tpid: 0x9100, id: 8 }], [0, 0, 0, 0]);
      return ethernet(etype, ip, [], rnd() < 0.3 ? [1, 2, 3, 4, 5, 6] : []);
    }
    case 113:
      return sll(etype, ip);
    case 276:
      return sll2(etype, ip);
    case 0:
      return nullLink(v6 ? 30 : 2, rnd() < 0.5, ip);
    case 108:
      return nullLink(v6 ? 24 : 2, false, ip);
    case 9:
    case 50:
      return concat([0xff, 0x03], u16(v6 ? 0x57 : 0x21), ip);
    case 104:
      return concat([0x0f, 0], u16(etype), ip);
    default:
      return ip;
  }
}

function mutate(frame: Uint8Array, rnd: () => number): Uint8Array {
  let f: Uint8Array = frame.slice();
  const kind = rnd();
  if (kind < 0.4) {
    const flips = 1 + ((rnd() * 4) | 0);
    for (let i = 0; i < flips && f.length > 0; i++) f[(rnd() * f.length) | 0] = (rnd() * 256) | 0;
  } else if (kind < 0.6) {
    f = f.subarray(0, (rnd() * f.length) | 0);
  } else if (kind < 0.75) {
    // Set a header byte to an extreme value (lengths, IHL, data offset, ext lengths).
    if (f.length > 0) f[(rnd() * Math.min(f.length, 80)) | 0] = rnd() < 0.5 ? 0xff : 0x00;
  } else if (kind < 0.85) {
    f = concat(f, randomBytes(rnd, (rnd() * 20) | 0));
  } // else: unchanged
  return f;
}

/** `frame`: the buffer the frame sits in at `[start, end)`, with `fileOffset` = `start`. */
function checkSegment(s: TcpSegment, frame: Uint8Array, start = 0, end = frame.length): void {
  if (s.payload.length > s.payloadLength) throw new Error('payload longer than announced');
  if (s.payloadLength < 0 || s.srcPort > 65535 || s.dstPort > 65535 || s.seq < 0 || s.seq > 0xffffffff) {
    throw new Error('field out of range');
  }
  if (s.ack < 0 || s.ack > 0xffffffff || s.flags > 255 || s.window > 65535) throw new Error('field out of range');
  if (s.payloadFileOffset >= 0) {
    if (s.payload.length > 0 && (s.payloadFileOffset < start || s.payloadFileOffset + s.payload.length > end)) throw new Error(`payload outside the frame: at ${s.payloadFileOffset} len ${s.payload.length} frame [${start}, ${end})`);
    const at = frame.subarray(s.payloadFileOffset, s.payloadFileOffset + s.payload.length);
    if (!Buffer.from(at).equals(Buffer.from(s.payload))) throw new Error('payloadFileOffset does not match');
  }
}

describe('fuzz: decode() never throws', () => {
  it.each(LINK_TYPES)('link type %i: 3000 mutated and random frames', (linkType) => {
    const rnd = mulberry32(0x5eed + linkType);
    let current: Uint8Array = new Uint8Array(0);
    let currentStart = 0;
    let currentEnd = 0;
    const decoder = new PacketDecoder((s) => checkSegment(s, current, currentStart, currentEnd), {
      maxFragmentBytes: 16_384,
      fragmentTimeoutMicros: 300_000,
    });
    let ts = 1_000_000;
    for (let i = 0; i < 3000; i++) {
      const r = rnd();
      const frame = r < 0.15 ? randomBytes(rnd, (rnd() * 100) | 0) : mutate(frameFor(linkType, randomIp(rnd), rnd), rnd);
      // The frame sits inside a larger buffer between random bytes, as in a read chunk: nothing
      // outside [start, end) may be read as part of it.
      currentStart = (rnd() * 40) | 0;
      currentEnd = currentStart + frame.length;
      current = randomBytes(rnd, currentEnd + ((rnd() * 40) | 0));
      current.set(frame, currentStart);
      ts += rnd() < 0.05 ? -20_000 : (rnd() * 10_000) | 0; // sometimes back in time
      const origLen = rnd() < 0.2 ? frame.length + ((rnd() * 100) | 0) : frame.length;
      decoder.decode({
        ts, linkType, littleEndian: true, interfaceId: 0, buffer: current, start: currentStart, end: currentEnd, origLen, fileOffset: currentStart,
      });
    }
    decoder.flush();
    const s = decoder.stats;
    expect(s.packets).toBe(3000);
    // Every packet lands in exactly one bucket, except fragments still waiting or rebuilt.
    expect(s.tcpSegments + s.nonTcp + s.malformed + s.unsupportedLinkType).toBeLessThanOrEqual(3000 + s.reassembledDatagrams);
    expect(s.tcpSegments).toBeGreaterThan(100); // the generator really produces TCP
    expect(s.malformed).toBeGreaterThan(10); // and really produces garbage
    expect(s.reassembledDatagrams).toBeGreaterThan(0); // and fragments that complete
  });

  it('random link types and pure noise', () => {
    const rnd = mulberry32(99);
    const decoder = new PacketDecoder(() => {});
    for (let i = 0; i < 5000; i++) {
      const linkType = rnd() < 0.5 ? LINK_TYPES[(rnd() * LINK_TYPES.length) | 0] : (rnd() * 400) | 0;
      const data = randomBytes(rnd, (rnd() * 120) | 0);
      decoder.decode({ ts: i, linkType, littleEndian: true, interfaceId: 0, buffer: data, start: 0, end: data.length, origLen: data.length, fileOffset: -1 });
    }
    expect(decoder.stats.packets).toBe(5000);
  });

  it('fragment floods stay within the memory budget and are counted', () => {
    const rnd = mulberry32(7);
    const decoder = new PacketDecoder(() => {}, { maxFragmentBytes: 10_000 });
    for (let i = 0; i < 5000; i++) {
      const start = ((rnd() * 8000) | 0) * 8;
      const ip = ipv4({ id: (rnd() * 65536) | 0, mf: true, fragOffset: start }, randomBytes(rnd, 8 + ((rnd() * 4) | 0) * 8));
      decoder.decode({ ts: i, linkType: 228, littleEndian: true, interfaceId: 0, buffer: ip, start: 0, end: ip.length, origLen: ip.length, fileOffset: -1 });
    }
    const held = (decoder as unknown as { fragments: { pendingBytes: number } }).fragments.pendingBytes;
    expect(held).toBeLessThanOrEqual(10_000);
    expect(decoder.stats.fragments).toBe(5000);
    decoder.flush();
    expect(decoder.stats.fragmentsDropped).toBe(5000);
  });
});
