import { describe, expect, it } from 'vitest';
import { CaptureParser, isMicrosecondPcapMagic, timestampMicros } from '../../src/capture/parser.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { UserError } from '../../src/core/errors.js';
import {
  ascii,
  block,
  concat,
  epb,
  hex,
  idb,
  opb,
  parseAll,
  pcapFile,
  shb,
  spb,
  tsoffset,
  tsresol,
  snapshot,
  type SeenPacket,
} from './helpers.js';

const A = ascii('hello, world');
const B = ascii('second frame!');
const C = ascii('xyz');
const SEC = 1_600_000_000;

interface Expected {
  ts: number;
  linkType: number;
  interfaceId?: number;
  data: Uint8Array;
  origLen?: number;
}

interface Case {
  name: string;
  bytes: Uint8Array;
  format: 'pcap' | 'pcapng';
  packets: Expected[];
}

function pcapCases(): Case[] {
  const cases: Case[] = [];
  for (const littleEndian of [true, false]) {
    const order = littleEndian ? 'LE' : 'BE';
    cases.push({
      name: `pcap ${order} microseconds`,
      format: 'pcap',
      bytes: pcapFile({
        littleEndian,
        records: [
          { sec: SEC, frac: 123456, data: A },
          { sec: SEC + 1, frac: 999999, data: B, origLen: 1500 },
        ],
      }),
      packets: [
        { ts: SEC * 1e6 + 123456, linkType: 1, data: A, origLen: A.length },
        { ts: (SEC + 1) * 1e6 + 999999, linkType: 1, data: B, origLen: 1500 },
      ],
    });
    cases.push({
      name: `pcap ${order} nanoseconds`,
      format: 'pcap',
      bytes: pcapFile({
        littleEndian,
        variant: 'ns',
        linkTypeField: 113,
        records: [{ sec: SEC, frac: 123456789, data: A }],
      }),
      packets: [{ ts: SEC * 1e6 + 123456.789, linkType: 113, data: A }],
    });
    cases.push({
      name: `pcap ${order} modified (Kuznetzov) record headers`,
      format: 'pcap',
      bytes: pcapFile({
        littleEndian,
        variant: 'modified',
        records: [
          { sec: SEC, frac: 5, data: A },
          { sec: SEC, frac: 6, data: C, origLen: 60 },
        ],
      }),
      packets: [
        { ts: SEC * 1e6 + 5, linkType: 1, data: A },
        { ts: SEC * 1e6 + 6, linkType: 1, data: C, origLen: 60 },
      ],
    });
  }
  cases.push({
    name: 'pcap link type field with FCS bits: low 16 bits only',
    format: 'pcap',
    bytes: pcapFile({ linkTypeField: 0x1400_0000 | 0x0001_0000 | 101, records: [{ sec: 1, frac: 0, data: C }] }),
    packets: [{ ts: 1e6, linkType: 101, data: C }],
  });
  cases.push({
    name: 'pcap record claiming fewer wire bytes than captured reports the captured length',
    format: 'pcap',
    bytes: pcapFile({ records: [{ sec: 1, frac: 2, data: A, origLen: 3 }] }),
    packets: [{ ts: 1e6 + 2, linkType: 1, data: A, origLen: A.length }],
  });
  cases.push({
    name: 'pcap empty record and a file with no records',
    format: 'pcap',
    bytes: pcapFile({ records: [{ sec: 1, frac: 0, data: new Uint8Array(0), origLen: 0 }] }),
    packets: [{ ts: 1e6, linkType: 1, data: new Uint8Array(0), origLen: 0 }],
  });
  cases.push({
    name: 'pcap header only',
    format: 'pcap',
    bytes: pcapFile({ records: [] }),
    packets: [],
  });
  cases.push({
    name: 'pcap record larger than the snap length but within 262144 is accepted',
    format: 'pcap',
    bytes: pcapFile({ snapLen: 16, records: [{ sec: 1, frac: 0, data: new Uint8Array(3000).fill(7) }] }),
    packets: [{ ts: 1e6, linkType: 1, data: new Uint8Array(3000).fill(7) }],
  });
  return cases;
}

function pcapngCases(): Case[] {
  const cases: Case[] = [];
  for (const le of [true, false]) {
    const order = le ? 'LE' : 'BE';
    cases.push({
      name: `pcapng ${order} EPB, default microsecond resolution`,
      format: 'pcapng',
      bytes: concat(shb(le), idb(le, 1, 65535), epb(le, 0, 1_600_000_000_123_456n, A, 1514), epb(le, 0, 7n, C)),
      packets: [
        { ts: 1_600_000_000_123_456, linkType: 1, interfaceId: 0, data: A, origLen: 1514 },
        { ts: 7, linkType: 1, interfaceId: 0, data: C },
      ],
    });
    cases.push({
      name: `pcapng ${order} if_tsresol 10^-9`,
      format: 'pcapng',
      bytes: concat(shb(le), idb(le, 1, 0, [tsresol(9)]), epb(le, 0, 1_600_000_000_123_456_789n, A)),
      packets: [{ ts: 1_600_000_000_123_456.789, linkType: 1, data: A }],
    });
    cases.push({
      name: `pcapng ${order} if_tsresol 2^-20`,
      format: 'pcapng',
      bytes: concat(shb(le), idb(le, 1, 0, [tsresol(0x80 | 20)]), epb(le, 0, (BigInt(SEC) << 20n) + 524288n, A)),
      packets: [{ ts: SEC * 1e6 + 500000, linkType: 1, data: A }],
    });
    cases.push({
      name: `pcapng ${order} if_tsoffset (positive and negative) with other options around`,
      format: 'pcapng',
      bytes: concat(
        shb(le, [{ code: 4, value: ascii('Linux') }]),
        idb(le, 1, 0, [{ code: 2, value: ascii('eth0') }, tsoffset(le, 1000), tsresol(3)]),
        idb(le, 1, 0, [tsoffset(le, -10)]),
        epb(le, 0, 5_000n, A),
        epb(le, 1, 20_000_000n, B),
      ),
      packets: [
        { ts: 1_005_000_000, linkType: 1, interfaceId: 0, data: A },
        { ts: 10_000_000, linkType: 1, interfaceId: 1, data: B },
      ],
    });
    cases.push({
      name: `pcapng ${order} SPB: snap length, padding, timestamp of the previous packet`,
      format: 'pcapng',
      bytes: concat(
        shb(le),
        idb(le, 1, 8),
        spb(le, 5, ascii('abcde')),
        epb(le, 0, 42n, C),
        spb(le, 100, ascii('0123456789')),
      ),
      packets: [
        { ts: 0, linkType: 1, data: ascii('abcde'), origLen: 5 },
        { ts: 42, linkType: 1, data: C },
        { ts: 42, linkType: 1, data: ascii('01234567'), origLen: 100 },
      ],
    });
    cases.push({
      name: `pcapng ${order} OPB (obsolete packet block)`,
      format: 'pcapng',
      bytes: concat(shb(le), idb(le, 0), idb(le, 12), opb(le, 1, 99n, A, 600)),
      packets: [{ ts: 99, linkType: 12, interfaceId: 1, data: A, origLen: 600 }],
    });
  }
  cases.push({
    name: 'pcapng several IDBs of different link types, unknown blocks skipped',
    format: 'pcapng',
    bytes: concat(
      shb(true),
      idb(true, 1),
      block(true, 4, new Uint8Array([1, 0, 4, 0, 10, 0, 0, 1, 0, 0, 0, 0])), // name resolution
      idb(true, 113),
      block(true, 0x0bad, new Uint8Array(9).fill(0xab)), // custom block
      idb(true, 101),
      block(true, 5, new Uint8Array(12)), // interface statistics
      epb(true, 2, 3n, A),
      block(true, 0x40000bad, new Uint8Array(0)),
      epb(true, 0, 1n, B),
      epb(true, 1, 2n, C),
    ),
    packets: [
      { ts: 3, linkType: 101, interfaceId: 2, data: A },
      { ts: 1, linkType: 1, interfaceId: 0, data: B },
      { ts: 2, linkType: 113, interfaceId: 1, data: C },
    ],
  });
  cases.push({
    name: 'pcapng several sections of different byte order, interfaces reset per section',
    format: 'pcapng',
    bytes: concat(
      shb(true),
      idb(true, 1, 0, [tsresol(9)]),
      idb(true, 1),
      epb(true, 1, 10n, A),
      shb(false),
      idb(false, 113),
      idb(false, 101),
      epb(false, 1, 20n, B),
      epb(false, 0, 30n, C),
      shb(true),
      idb(true, 0, 0, [tsresol(3)]),
      epb(true, 0, 40n, A),
    ),
    packets: [
      { ts: 10, linkType: 1, interfaceId: 1, data: A },
      { ts: 20, linkType: 101, interfaceId: 1, data: B },
      { ts: 30, linkType: 113, interfaceId: 0, data: C },
      { ts: 40_000, linkType: 0, interfaceId: 0, data: A },
    ],
  });
  return cases;
}

function checkPackets(bytes: Uint8Array, seen: SeenPacket[], expected: Expected[]): void {
  expect(seen.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const p = seen[i];
    expect(Math.abs(p.ts - e.ts), `ts of packet ${i}: ${p.ts} vs ${e.ts}`).toBeLessThan(0.01);
    expect(p.linkType).toBe(e.linkType);
    expect(p.interfaceId).toBe(e.interfaceId ?? 0);
    expect(p.data).toBe(hex(e.data));
    expect(p.origLen).toBe(e.origLen ?? e.data.length);
    expect(hex(bytes.subarray(p.fileOffset, p.fileOffset + e.data.length))).toBe(hex(e.data));
  });
}

const ALL_CASES = [...pcapCases(), ...pcapngCases()];

describe('CaptureParser: format variants', () => {
  it.each(ALL_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { packets, error, parser } = parseAll(c.bytes);
    expect(error).toBeUndefined();
    expect(parser.format).toBe(c.format);
    expect(parser.packetsDelivered).toBe(c.packets.length);
    expect(parser.bytesConsumed).toBe(c.bytes.length);
    checkPackets(c.bytes, packets, c.packets);
  });

  it('reports -1 file offsets when the stream is not seekable', () => {
    const c = ALL_CASES[0];
    const { packets } = parseAll(c.bytes, [], false);
    expect(packets.length).toBeGreaterThan(0);
    for (const p of packets) expect(p.fileOffset).toBe(-1);
  });

  it('computes the exact file offset of the first record data', () => {
    const bytes = pcapFile({ records: [{ sec: 1, frac: 0, data: A }, { sec: 1, frac: 0, data: B }] });
    const { packets } = parseAll(bytes);
    expect(packets.map((p) => p.fileOffset)).toEqual([24 + 16, 24 + 16 + A.length + 16]);
    const modified = pcapFile({ variant: 'modified', records: [{ sec: 1, frac: 0, data: A }] });
    expect(parseAll(modified).packets[0].fileOffset).toBe(24 + 24);
    const ng = concat(shb(true), idb(true, 1), epb(true, 0, 1n, A));
    expect(parseAll(ng).packets[0].fileOffset).toBe(28 + 20 + 28);
  });

  it('hands out ranges of the pushed chunk (no copy, no view per packet) and reuses the packet object', () => {
    const bytes = pcapFile({ records: [{ sec: 1, frac: 0, data: A }, { sec: 2, frac: 0, data: B }] });
    const objects = new Set<object>();
    const parser = new CaptureParser((p) => {
      objects.add(p);
      expect(p.buffer).toBe(bytes);
    });
    parser.push(bytes);
    parser.end();
    expect(objects.size).toBe(1);
    expect(parser.packetsDelivered).toBe(2);
  });

  it('reports the link types of the interfaces', () => {
    expect(parseAll(ALL_CASES[0].bytes).parser.interfaceLinkTypes).toEqual([1]);
    const ng = concat(shb(false), idb(false, 1), idb(false, 113), idb(false, 0));
    expect(parseAll(ng).parser.interfaceLinkTypes).toEqual([1, 113, 0]);
  });
});

describe('CaptureParser: chunking invariance', () => {
  const splits: [string, number[]][] = [
    ['1-byte chunks', [1]],
    ['2-byte chunks', [2]],
    ['3,5,7 cycled', [3, 5, 7]],
    ['13 and 1 cycled', [13, 1]],
    ['64-byte chunks', [64]],
  ];
  for (const c of ALL_CASES) {
    it(c.name, () => {
      const whole = parseAll(c.bytes);
      for (const [, sizes] of splits) {
        const split = parseAll(c.bytes, sizes);
        expect(split.error).toBeUndefined();
        expect(split.packets).toEqual(whole.packets);
        expect(split.parser.bytesConsumed).toBe(c.bytes.length);
      }
      for (let cut = 0; cut <= c.bytes.length; cut++) {
        const two = parseAll(c.bytes, [cut === 0 ? c.bytes.length : cut, c.bytes.length]);
        expect(two.packets).toEqual(whole.packets);
      }
    });
  }

  it('accepts empty chunks anywhere', () => {
    const bytes = ALL_CASES[0].bytes;
    const seen: SeenPacket[] = [];
    const parser = new CaptureParser((p) => seen.push(snapshot(p)), { seekable: true });
    parser.push(new Uint8Array(0));
    for (let i = 0; i < bytes.length; i += 10) {
      parser.push(bytes.subarray(i, i + 10));
      parser.push(new Uint8Array(0));
    }
    parser.end();
    expect(seen).toEqual(parseAll(bytes).packets);
  });
});

interface ErrorCase {
  name: string;
  bytes: Uint8Array;
  kind: 'not-a-capture' | 'damaged' | 'truncated';
  offset: number;
  delivered: number;
  message: string | RegExp;
}

function errorCases(): ErrorCase[] {
  const good = pcapFile({ records: [{ sec: 1, frac: 0, data: A }, { sec: 2, frac: 0, data: B }] });
  const badRecord = new Uint8Array(16);
  new DataView(badRecord.buffer).setUint32(8, 300_000, true);
  const bigSnap = pcapFile({ snapLen: 0x7fffffff, records: [{ sec: 1, frac: 0, data: A }] });
  const absurd = new Uint8Array(16);
  new DataView(absurd.buffer).setUint32(8, 64 * 1024 * 1024 + 1, true);
  const ngHead = concat(shb(true), idb(true, 1));
  const ngGood = concat(ngHead, epb(true, 0, 1n, A));
  const badLength = (len: number, trailer = len) => {
    const b = new Uint8Array(Math.max(len, 12));
    const v = new DataView(b.buffer);
    v.setUint32(0, 0x0bad, true);
    v.setUint32(4, len, true);
    v.setUint32(b.length - 4, trailer, true);
    return b;
  };
  const cases: ErrorCase[] = [
    {
      name: 'empty input',
      bytes: new Uint8Array(0),
      kind: 'not-a-capture',
      offset: 0,
      delivered: 0,
      message: 'not a pcap or pcapng capture (empty input)',
    },
    {
      name: 'JSON text',
      bytes: ascii('{\n  "a": 1}\n'),
      kind: 'not-a-capture',
      offset: 0,
      delivered: 0,
      message: 'not a pcap or pcapng capture (first bytes: 7b 0a 20 20)',
    },
    {
      name: 'two bytes that start no magic',
      bytes: Uint8Array.of(0x1f, 0x8b),
      kind: 'not-a-capture',
      offset: 0,
      delivered: 0,
      message: 'not a pcap or pcapng capture (first bytes: 1f 8b)',
    },
    {
      name: 'two bytes of a pcap magic',
      bytes: Uint8Array.of(0xd4, 0xc3),
      kind: 'truncated',
      offset: 2,
      delivered: 0,
      message: 'capture cut short at byte 2, before any packet: file header of 24 bytes has only 2',
    },
    {
      name: 'partial pcap file header',
      bytes: good.subarray(0, 10),
      kind: 'truncated',
      offset: 10,
      delivered: 0,
      message: 'capture cut short at byte 10, before any packet: file header of 24 bytes has only 10',
    },
    {
      name: 'pcap cut inside a record header',
      bytes: good.subarray(0, 24 + 16 + A.length + 5),
      kind: 'truncated',
      offset: 24 + 16 + A.length + 5,
      delivered: 1,
      message: `capture cut short at byte ${24 + 16 + A.length + 5}, after packet 1: record header of 16 bytes has only 5`,
    },
    {
      name: 'pcap cut inside record data',
      bytes: good.subarray(0, good.length - 3),
      kind: 'truncated',
      offset: good.length - 3,
      delivered: 1,
      message: `capture cut short at byte ${good.length - 3}, after packet 1: record of ${B.length} bytes has only ${B.length - 3}`,
    },
    {
      name: 'pcap record above 262144 bytes',
      bytes: concat(good, badRecord, new Uint8Array(100)),
      kind: 'damaged',
      offset: good.length,
      delivered: 2,
      message: `damaged capture at byte ${good.length}, after packet 2: record announces 300000 captured bytes (more than 262144)`,
    },
    {
      name: 'pcap record above 64 MiB despite a huge snap length',
      bytes: concat(bigSnap, absurd),
      kind: 'damaged',
      offset: bigSnap.length,
      delivered: 1,
      message: `damaged capture at byte ${bigSnap.length}, after packet 1: record announces 67108865 captured bytes (more than 67108864)`,
    },
    {
      name: 'pcapng cut inside the section header',
      bytes: ngGood.subarray(0, 20),
      kind: 'truncated',
      offset: 20,
      delivered: 0,
      message: 'capture cut short at byte 20, before any packet: block of 28 bytes has only 20',
    },
    {
      name: 'pcapng cut inside a block header',
      bytes: ngGood.subarray(0, ngHead.length + 6),
      kind: 'truncated',
      offset: ngHead.length + 6,
      delivered: 0,
      message: `capture cut short at byte ${ngHead.length + 6}, before any packet: block header of 12 bytes has only 6`,
    },
    {
      name: 'pcapng cut inside a packet block',
      bytes: concat(ngGood, epb(true, 0, 2n, B)).subarray(0, ngGood.length + 30),
      kind: 'truncated',
      offset: ngGood.length + 30,
      delivered: 1,
      message: `capture cut short at byte ${ngGood.length + 30}, after packet 1: block of ${epb(true, 0, 2n, B).length} bytes has only 30`,
    },
    {
      name: 'pcapng block length not a multiple of 4',
      bytes: concat(ngGood, badLength(14)),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: `damaged capture at byte ${ngGood.length}, after packet 1: block length 14 is not a multiple of 4`,
    },
    {
      name: 'pcapng block length below 12',
      bytes: concat(ngGood, badLength(8)),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: `damaged capture at byte ${ngGood.length}, after packet 1: block length 8 is less than 12`,
    },
    {
      name: 'pcapng absurd block length',
      bytes: concat(ngGood, badLength(0x7ffffffc).subarray(0, 16)),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: /block announces 2147483644 bytes/,
    },
    {
      name: 'pcapng trailing length differs',
      bytes: concat(ngGood, badLength(16, 20)),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: `damaged capture at byte ${ngGood.length}, after packet 1: block length 16 differs from its trailing copy 20`,
    },
    {
      name: 'pcapng packet on an unknown interface',
      bytes: concat(ngGood, epb(true, 1, 1n, B)),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: `damaged capture at byte ${ngGood.length}, after packet 1: enhanced packet block refers to interface 1, but the section defines 1`,
    },
    {
      name: 'pcapng packet before any interface',
      bytes: concat(shb(true), epb(true, 0, 1n, B)),
      kind: 'damaged',
      offset: 28,
      delivered: 0,
      message: /refers to interface 0, but the section defines 0/,
    },
    {
      name: 'pcapng interface of an earlier section',
      bytes: concat(ngGood, shb(false), epb(false, 0, 1n, B)),
      kind: 'damaged',
      offset: ngGood.length + 28,
      delivered: 1,
      message: /enhanced packet block refers to interface 0, but the section defines 0/,
    },
    {
      name: 'pcapng SPB without interface',
      bytes: concat(shb(true), spb(true, 3, C)),
      kind: 'damaged',
      offset: 28,
      delivered: 0,
      message: /simple packet block refers to interface 0/,
    },
    {
      name: 'pcapng EPB announcing more captured bytes than it holds',
      bytes: concat(ngGood, epb(true, 0, 1n, C, 100, 200)),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: /enhanced packet block of \d+ bytes cannot hold 200 captured bytes/,
    },
    {
      name: 'pcapng second section without byte-order magic',
      bytes: (() => {
        const second = shb(true);
        second[8] = 0x99;
        return concat(ngGood, second);
      })(),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: /section header block has no byte-order magic/,
    },
    ...(
      [
        ['interface description block', 1, 16, 20],
        ['simple packet block', 3, 12, 16],
        ['enhanced packet block', 6, 28, 32],
        ['packet block', 2, 24, 32],
      ] as const
    ).map(([label, type, size, min]) => ({
      name: `pcapng ${label} shorter than its fixed fields`,
      bytes: concat(ngGood, block(true, type, new Uint8Array(size - 12))),
      kind: 'damaged' as const,
      offset: ngGood.length,
      delivered: 1,
      message: `damaged capture at byte ${ngGood.length}, after packet 1: ${label} of ${size} bytes is shorter than ${min}`,
    })),
    {
      name: 'pcapng section header block shorter than 28',
      bytes: concat(ngGood, block(true, 0x0a0d0d0a, Uint8Array.of(0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0))),
      kind: 'damaged',
      offset: ngGood.length,
      delivered: 1,
      message: `damaged capture at byte ${ngGood.length}, after packet 1: section header block of 20 bytes is shorter than 28`,
    },
    {
      name: 'pcapng version 2',
      bytes: shb(true, [], 2),
      kind: 'damaged',
      offset: 0,
      delivered: 0,
      message: 'damaged capture at byte 0, before any packet: unsupported pcapng version 2.0',
    },
    {
      name: 'pcapng-like start without byte-order magic',
      bytes: concat(ascii('\n\r\r\nhello there, text'), new Uint8Array(4)),
      kind: 'not-a-capture',
      offset: 0,
      delivered: 0,
      message: 'not a pcap or pcapng capture (first bytes: 0a 0d 0d 0a as in pcapng, but no byte-order magic follows)',
    },
  ];
  return cases;
}

describe('CaptureParser: damaged and truncated input', () => {
  for (const c of errorCases()) {
    it(c.name, () => {
      for (const sizes of [[], [1], [7, 3]]) {
        const { packets, error } = parseAll(c.bytes, sizes);
        expect(error, `chunks ${JSON.stringify(sizes)}`).toBeInstanceOf(CaptureFormatError);
        expect(error).toBeInstanceOf(UserError);
        expect(error!.kind).toBe(c.kind);
        expect(error!.offset).toBe(c.offset);
        expect(error!.exitCode).toBe(2);
        expect(error!.message).not.toContain('\n');
        if (typeof c.message === 'string') expect(error!.message).toBe(c.message);
        else expect(error!.message).toMatch(c.message);
        expect(packets.length).toBe(c.delivered);
      }
    });
  }

  it('throws the same error again after a failure', () => {
    const parser = new CaptureParser(() => undefined);
    expect(() => parser.push(ascii('nope'))).toThrow(CaptureFormatError);
    let again: unknown;
    try {
      parser.push(new Uint8Array(1));
    } catch (err) {
      again = err;
    }
    expect(again).toBeInstanceOf(CaptureFormatError);
    expect(() => parser.end()).toThrow(again as Error);
  });

  it('refuses to go on after the sink threw, and after end()', () => {
    const bytes = pcapFile({ records: [{ sec: 1, frac: 0, data: A }] });
    const parser = new CaptureParser(() => {
      throw new RangeError('consumer bug');
    });
    expect(() => parser.push(bytes)).toThrow(RangeError);
    expect(() => parser.push(bytes)).toThrow(/unusable/);
    const done = new CaptureParser(() => undefined);
    done.push(bytes);
    done.end();
    expect(() => done.push(bytes)).toThrow(/after end/);
  });
});

describe('timestampMicros', () => {
  it('is exact for microsecond and nanosecond values beyond 2^53', () => {
    const ns = 1_700_000_000_987_654_321n;
    const us = timestampMicros(Number(ns >> 32n), Number(ns & 0xffffffffn), 1e9, 0);
    expect(Math.floor(us)).toBe(1_700_000_000_987_654);
    expect(us - 1_700_000_000_987_654).toBeCloseTo(0.321, 0);
    expect(timestampMicros(0, 1_000_000, 1e6, 5e6)).toBe(6_000_000);
    expect(timestampMicros(0, 3, 1, 0)).toBe(3e6);
    expect(timestampMicros(0, 1 << 19, 2 ** 20, 0)).toBe(500_000);
  });
});

describe('isMicrosecondPcapMagic', () => {
  it('is true for classic and modified pcap in either byte order, false for nanosecond pcap and pcapng', () => {
    expect([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b2cd34, 0x34cdb2a1].map(isMicrosecondPcapMagic)).toEqual([true, true, true, true]);
    expect([0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a, 0].map(isMicrosecondPcapMagic)).toEqual([false, false, false, false]);
  });
});
