/** IPv4 and IPv6 fragment reassembly through the decoder, plus the reassembler's bounds. */
import { describe, expect, it } from 'vitest';
import { FragmentReassembler } from '../../src/decode/fragments.js';
import { collector, concat, ethernet, ext8, fragHeader, ipv4, ipv6, packet, tcp, type SegmentCopy } from './helpers.js';

/** A TCP segment with a 200-byte payload whose bytes are (i * 7) & 0xff. */
const payload = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
const segment = tcp({ sport: 1111, dport: 2222, seq: 42 }, payload); // 220 bytes

/** IPv4 fragments of `segment` at the given [start, end) byte ranges of the IP payload. */
function frags4(ranges: [number, number][], id = 77, src = '10.0.0.1'): Uint8Array[] {
  return ranges.map(([s, e]) =>
    ethernet(0x0800, ipv4({ id, src, mf: e < segment.length, fragOffset: s }, segment.subarray(s, e))),
  );
}

/**
 * IPv6 fragments of `first ++ segment` (the fragmentable part); `first` is an optional
 * destination-options header, `unfrag` an optional hop-by-hop header before the fragment header.
 */
function frags6(ranges: [number, number][], id = 0x01020304, first: number[] = [], unfrag: number[] = []): Uint8Array[] {
  const fragmentable = concat(first, segment);
  const fragNext = first.length > 0 ? 60 : 6;
  return ranges.map(([s, e]) => {
    const hdr = fragHeader(fragNext, s, e < fragmentable.length, id);
    const ipNext = unfrag.length > 0 ? 0 : 44;
    return ethernet(0x86dd, ipv6({ next: ipNext }, concat(unfrag, hdr, fragmentable.subarray(s, e))));
  });
}

function run(frames: Uint8Array[], tsStep = 1000, options?: Parameters<typeof collector>[0]) {
  const c = collector(options);
  frames.forEach((f, i) => c.decoder.decode(packet(1, f, { ts: 1_000_000 + i * tsStep, fileOffset: 500 })));
  return c;
}

function expectWhole(s: SegmentCopy): void {
  expect(s).toMatchObject({ srcPort: 1111, dstPort: 2222, seq: 42, payloadLength: 200, payloadFileOffset: -1 });
  expect(Buffer.from(s.payload).equals(Buffer.from(payload))).toBe(true);
}

const inOrder: [number, number][] = [
  [0, 80],
  [80, 160],
  [160, 220],
];

describe('IPv4 fragments', () => {
  it('in order', () => {
    const { segments, decoder } = run(frags4(inOrder));
    expect(segments).toHaveLength(1);
    expectWhole(segments[0]);
    expect(segments[0].ts).toBe(1_002_000); // delivered with the completing fragment
    expect(decoder.stats).toMatchObject({ fragments: 3, reassembledDatagrams: 1, tcpSegments: 1, fragmentsDropped: 0, nonTcp: 0 });
  });

  it('keeps a copy of a fragment handed in a Buffer that its source reuses (a live capture\'s queue), not a Buffer#slice view', () => {
    const c = collector();
    frags4([...inOrder].reverse()).forEach((f, i) => {
      const queue = Buffer.from(f);
      c.decoder.decode(packet(1, queue, { ts: 1_000_000 + i * 1000, fileOffset: 500 }));
      queue.fill(0x21);
    });
    expect(c.segments).toHaveLength(1);
    expectWhole(c.segments[0]);
  });

  it('reverse order', () => {
    const { segments, decoder } = run(frags4([...inOrder].reverse()));
    expect(segments).toHaveLength(1);
    expectWhole(segments[0]);
    expect(decoder.stats.reassembledDatagrams).toBe(1);
  });

  it('shuffled, with overlaps: first bytes received win', () => {
    // Middle fragment first, then a conflicting overlap over [40, 120) carrying 0xEE bytes,
    // then the real rest. Bytes 80..160 come from the first fragment; 40..80 from the overlap.
    const conflicting = ethernet(
      0x0800,
      ipv4({ id: 77, mf: true, fragOffset: 40 }, new Uint8Array(80).fill(0xee)),
    );
    const [f0, f1, f2] = frags4(inOrder);
    const { segments, decoder } = run([f1, conflicting, f2, f0]);
    expect(segments).toHaveLength(1);
    const got = segments[0].payload;
    const want = Uint8Array.from(segment.subarray(20));
    want.fill(0xee, 40 - 20, 80 - 20); // IP payload bytes 40..80 = TCP payload bytes 20..60
    expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    expect(decoder.stats).toMatchObject({ fragments: 4, reassembledDatagrams: 1, fragmentsDropped: 0 });
  });

  it('a duplicate fragment counts as dropped and does not disturb', () => {
    const [f0, f1, f2] = frags4(inOrder);
    const { segments, decoder } = run([f0, f0, f1, f2]);
    expect(segments).toHaveLength(1);
    expectWhole(segments[0]);
    expect(decoder.stats).toMatchObject({ fragments: 4, fragmentsDropped: 1, reassembledDatagrams: 1 });
  });

  it('many small fragments, shuffled', () => {
    const ranges: [number, number][] = [];
    for (let s = 0; s < segment.length; s += 8) ranges.push([s, Math.min(s + 8, segment.length)]);
    const order = ranges.map((r, i) => [r, (i * 11) % ranges.length] as const).sort((a, b) => a[1] - b[1]);
    const { segments } = run(frags4(order.map(([r]) => r)));
    expect(segments).toHaveLength(1);
    expectWhole(segments[0]);
  });

  it('incomplete datagram expires after the timeout (capture time) and counts its fragments as dropped', () => {
    const [f0, , f2] = frags4(inOrder);
    const c = collector({ fragmentTimeoutMicros: 5_000_000 });
    c.decoder.decode(packet(1, f0, { ts: 1_000_000 }));
    c.decoder.decode(packet(1, f2, { ts: 2_000_000 }));
    // An unrelated packet 10 s later: the datagram expires.
    c.decoder.decode(packet(1, ethernet(0x0806, new Uint8Array(28)), { ts: 11_000_000 }));
    expect(c.decoder.stats).toMatchObject({ fragments: 2, fragmentsDropped: 2, reassembledDatagrams: 0 });
    // The missing middle now arrives alone: it cannot complete anything.
    c.decoder.decode(packet(1, frags4(inOrder)[1], { ts: 11_000_001 }));
    expect(c.segments).toHaveLength(0);
    c.decoder.flush();
    expect(c.decoder.stats.fragmentsDropped).toBe(3);
  });

  it('fragments of different ids / sources do not mix', () => {
    const a = frags4(inOrder, 1);
    const b = frags4(inOrder, 2);
    const c = frags4(inOrder, 1, '10.9.9.9');
    const { segments } = run([a[0], b[2], c[1], b[0], a[2], c[0], b[1], c[2], a[1]]);
    expect(segments).toHaveLength(3);
    for (const s of segments) expectWhole(s);
    expect(segments.map((s) => s.srcAddr)).toEqual(['10.0.0.1', '10.9.9.9', '10.0.0.1']);
  });

  it('non-TCP fragments count as fragments and nonTcp, never held', () => {
    const f = ethernet(0x0800, ipv4({ proto: 17, mf: true, id: 5 }, new Uint8Array(64)));
    const { decoder } = run([f]);
    expect(decoder.stats).toMatchObject({ fragments: 1, nonTcp: 1 });
  });

  it('fragment reaching past 65535 bytes is dropped', () => {
    const f = ethernet(0x0800, ipv4({ mf: false, fragOffset: 65528, id: 9 }, new Uint8Array(16)));
    const { decoder } = run([f]);
    expect(decoder.stats).toMatchObject({ fragments: 1, fragmentsDropped: 1 });
  });

  it('a fragment contradicting the known end is dropped', () => {
    const [f0, f1, f2] = frags4(inOrder);
    const badLast = ethernet(0x0800, ipv4({ id: 77, mf: false, fragOffset: 80 }, segment.subarray(80, 100)));
    const { segments, decoder } = run([f0, f2, badLast, f1]);
    expect(segments).toHaveLength(1);
    expectWhole(segments[0]);
    expect(decoder.stats.fragmentsDropped).toBe(1);
  });

  it('a truncated fragment is dropped', () => {
    const [f0] = frags4(inOrder);
    const c = collector();
    c.decoder.decode(packet(1, f0.subarray(0, 60), { origLen: f0.length }));
    expect(c.decoder.stats).toMatchObject({ fragments: 1, fragmentsDropped: 1, truncated: 1 });
  });

  it('memory budget: the oldest pending datagrams are discarded', () => {
    // Budget fits two pending 80-byte fragments (80 + 64 per piece + 128 per datagram each).
    const frames = [1, 2, 3, 4].map((id) => frags4([[0, 80]], id)[0]);
    const { decoder } = run(frames, 1000, { maxFragmentBytes: 600 });
    expect(decoder.stats).toMatchObject({ fragments: 4, fragmentsDropped: 2 });
  });
});

describe('IPv6 fragments', () => {
  it('in order, reverse, and with the offset-0 fragment last', () => {
    for (const order of [inOrder, [...inOrder].reverse(), [inOrder[1], inOrder[2], inOrder[0]]]) {
      const { segments, decoder } = run(frags6(order));
      expect(segments).toHaveLength(1);
      expectWhole(segments[0]);
      expect(segments[0].srcAddr).toBe('2001:db8::1');
      expect(decoder.stats).toMatchObject({ fragments: 3, reassembledDatagrams: 1, fragmentsDropped: 0 });
    }
  });

  it('with a destination-options header in the fragmentable part and hop-by-hop before', () => {
    const ranges: [number, number][] = [
      [0, 96],
      [96, 176],
      [176, 236],
    ];
    const { segments } = run(frags6(ranges, 9, ext8(6, 2), ext8(44, 1)));
    expect(segments).toHaveLength(1);
    expectWhole(segments[0]);
  });

  it('incomplete IPv6 datagram is dropped by flush', () => {
    const { segments, decoder } = run(frags6([inOrder[0], inOrder[2]]));
    expect(segments).toHaveLength(0);
    decoder.flush();
    expect(decoder.stats).toMatchObject({ fragments: 2, fragmentsDropped: 2 });
  });

  it('fragment of a UDP datagram is nonTcp', () => {
    const f = ethernet(0x86dd, ipv6({ next: 44 }, concat(fragHeader(17, 0, true, 3), new Array(16).fill(0))));
    const { decoder } = run([f]);
    expect(decoder.stats).toMatchObject({ fragments: 1, nonTcp: 1 });
  });
});

describe('FragmentReassembler', () => {
  const counters = () => ({ fragmentsDropped: 0, reassembledDatagrams: 0 });
  const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

  it('releases its memory once a datagram completes', () => {
    const c = counters();
    const r = new FragmentReassembler(1 << 20, 1e6, c);
    expect(r.add('k', 0, 8, bytes(8, 2), 0, 8, false, 0)).toBeNull();
    expect(r.pendingBytes).toBeGreaterThan(0);
    const out = r.add('k', 0, 0, bytes(8, 1), 0, 8, true, 6);
    expect(Array.from(out!)).toEqual([...bytes(8, 1), ...bytes(8, 2)]);
    expect(r.completedMeta).toBe(6);
    expect(r.pendingBytes).toBe(0);
    expect(r.pendingDatagrams).toBe(0);
  });

  it('fills only holes when a fragment spans several', () => {
    const c = counters();
    const r = new FragmentReassembler(1 << 20, 1e6, c);
    r.add('k', 0, 0, bytes(4, 1), 0, 4, true, 0);
    r.add('k', 0, 8, bytes(4, 2), 0, 4, true, 0);
    const out = r.add('k', 0, 0, bytes(16, 9), 0, 16, false, 0);
    expect(Array.from(out!)).toEqual([1, 1, 1, 1, 9, 9, 9, 9, 2, 2, 2, 2, 9, 9, 9, 9]);
  });

  it('a datagram bigger than the whole budget is discarded', () => {
    const c = counters();
    const r = new FragmentReassembler(100, 1e6, c);
    expect(r.add('k', 0, 0, bytes(200, 1), 0, 200, true, 0)).toBeNull();
    expect(r.pendingDatagrams).toBe(0);
    expect(r.pendingBytes).toBe(0);
    expect(c.fragmentsDropped).toBe(1);
  });

  it('empty fragments of many datagrams stay within the budget: each waiting datagram is charged', () => {
    const c = counters();
    const r = new FragmentReassembler(64 * 1024, 60e6, c);
    for (let id = 0; id < 200_000; id++) r.add(`k${id}`, id, 0, bytes(0, 0), 0, 0, true, 0);
    expect(r.pendingBytes).toBeLessThanOrEqual(64 * 1024);
    expect(r.pendingDatagrams).toBeLessThanOrEqual(512);
    expect(r.pendingDatagrams).toBeGreaterThan(0);
    r.flush();
    expect(r.pendingBytes).toBe(0);
  });
});
