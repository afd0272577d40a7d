/**
 * The decoder's shortcut for untagged Ethernet + IPv4 + TCP must give what the general path gives.
 * The same datagram is decoded in an untagged Ethernet frame (the shortcut) and in one with an
 * 802.1Q tag (the general path only): same segment but the VLAN id, same counters, for
 * well-formed and damaged datagrams.
 */
import { describe, expect, it, vi } from 'vitest';
import { PacketDecoder } from '../../src/decode/decoder.js';
import type { DecodeStats } from '../../src/decode/types.js';
import { mulberry32 } from '../support/prng.js';
import { ethernet, ipv4, packet, tcp } from './helpers.js';

interface Outcome {
  segment?: Record<string, unknown>;
  stats: DecodeStats;
}

function decode(frame: Uint8Array, origLen: number, headerBytes: number): Outcome {
  let segment: Record<string, unknown> | undefined;
  const decoder = new PacketDecoder((s) => {
    segment = {
      srcAddr: s.srcAddr, dstAddr: s.dstAddr, srcPort: s.srcPort, dstPort: s.dstPort,
      seq: s.seq, ack: s.ack, flags: s.flags, window: s.window,
      payload: Array.from(s.payload), capturedLength: s.capturedLength, payloadLength: s.payloadLength,
      // File positions relative to the IP header, so both framings compare.
      payloadFileOffset: s.payloadFileOffset - headerBytes,
    };
  });
  decoder.decode(packet(1, frame, { origLen, fileOffset: 1000 }));
  return { segment, stats: { ...decoder.stats } };
}

describe('Ethernet/IPv4/TCP shortcut', () => {
  it('decodes 3000 random datagrams exactly as the general path does', () => {
    const rnd = mulberry32(20261129);
    const int = (n: number) => Math.floor(rnd() * n);
    // Counts the frames the shortcut decoded itself: equal results prove nothing if it never runs.
    const shortcut = vi.spyOn(PacketDecoder.prototype as unknown as { decodeEthernetIPv4Tcp(p: unknown): boolean }, 'decodeEthernetIPv4Tcp');
    let taken = 0;
    let delivered = 0;
    for (let i = 0; i < 3000; i++) {
      const payload = Array.from({ length: int(3) === 0 ? 0 : int(80) }, () => int(256));
      const seg = tcp(
        {
          sport: int(65536), dport: int(65536), seq: int(2 ** 32), ack: int(2 ** 32), flags: int(256), window: int(65536),
          options: int(3) === 0 ? [2, 4, 5, 0xb4] : [],
          ...(int(20) === 0 ? { dataOffset: int(16) } : {}),
        },
        payload,
      );
      const datagram = ipv4(
        {
          src: `10.${int(4)}.0.${int(256)}`, dst: `192.168.${int(4)}.1`,
          proto: int(12) === 0 ? 17 : 6,
          mf: int(15) === 0, df: int(2) === 0, fragOffset: int(15) === 0 ? 8 * int(100) : 0,
          options: int(6) === 0 ? [1, 1, 1, 0] : [],
          ...(int(12) === 0 ? { totalLength: int(3) === 0 ? 0 : int(140) } : {}),
          ...(int(40) === 0 ? { version: int(16) } : {}),
          ...(int(40) === 0 ? { ihl: int(16) } : {}),
        },
        seg,
      );
      // Cut some frames short (snap length), pad others (Ethernet trailer).
      const cut = int(8) === 0 ? int(datagram.length + 1) : datagram.length;
      const trailer = int(6) === 0 ? Array.from({ length: int(20) }, () => int(256)) : [];
      const raw = Uint8Array.from([...datagram.subarray(0, cut), ...trailer]);
      // Now and then another EtherType, differing from IPv4's 0x0800 in its first or second byte.
      const type = int(10) === 0 ? [0x0000, 0x8800, 0x0806, 0x0808][int(4)] : 0x0800;
      const untagged = ethernet(type, raw);
      const tagged = ethernet(type, raw, [{ tpid: 0x8100, id: 42 }]);
      const wireExtra = cut < datagram.length ? datagram.length - cut : 0;
      shortcut.mockClear();
      const viaShortcut = decode(untagged, untagged.length + wireExtra, 14);
      if (shortcut.mock.results.some((r) => r.value === true)) taken++;
      const viaGeneral = decode(tagged, tagged.length + wireExtra, 18);
      expect(viaShortcut, `datagram ${i}`).toEqual(viaGeneral);
      if (viaShortcut.segment) delivered++;
    }
    // The draw reaches both outcomes often.
    expect(delivered).toBeGreaterThan(1500);
    expect(delivered).toBeLessThan(2900);
    // Most delivered segments came through the shortcut; the rest (odd headers) fell back.
    expect(taken).toBeGreaterThan(1000);
    shortcut.mockRestore();
  });
});
