import { describe, expect, it } from 'vitest';
import { compileCaptureFilter, runBpf } from '../../src/capture/filter.js';
import { UserError } from '../../src/core/errors.js';
import { nullLink, packet } from '../decode/helpers.js';
import { cannotRun } from '../support/requirements.js';

/** Ethernet + IPv4 + TCP header, enough for port filters. */
function tcpFrame(srcPort: number, dstPort: number): Uint8Array {
  const f = new Uint8Array(14 + 20 + 20);
  const v = new DataView(f.buffer);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 40);
  f[23] = 6;
  f.set([10, 0, 0, 1], 26);
  f.set([10, 0, 0, 2], 30);
  v.setUint16(34, srcPort);
  v.setUint16(36, dstPort);
  f[46] = 0x50;
  return f;
}

/** Why libpcap cannot compile filters here (its own one-line message), or undefined. */
function libpcapMissing(): string | undefined {
  try {
    compileCaptureFilter('tcp');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
const libpcapMissingReason = libpcapMissing();

describe('runBpf', () => {
  it('runs hand-written programs: accept, reject, loads past the end reject', () => {
    // ldh [12]; jeq #0x800 jt 0 jf 1; ret #65535; ret #0
    const prog = new Uint32Array([0x28, 0, 0, 12, 0x15, 0, 1, 0x800, 0x06, 0, 0, 65535, 0x06, 0, 0, 0]);
    expect(runBpf(prog, tcpFrame(1, 2), 0, 54, 54)).toBe(65535);
    const arp = tcpFrame(1, 2);
    arp[12] = 0x08; arp[13] = 0x06;
    expect(runBpf(prog, arp, 0, 54, 54)).toBe(0);
    expect(runBpf(prog, new Uint8Array(5), 0, 5, 5)).toBe(0);
    // A frame inside a larger buffer: loads are relative to its start, bounded by its end.
    const inside = new Uint8Array(100);
    inside.set(tcpFrame(1, 2), 30);
    expect(runBpf(prog, inside, 30, 84, 54)).toBe(65535);
    expect(runBpf(prog, inside, 30, 42, 54)).toBe(0);
  });
});

describe.skipIf(cannotRun(libpcapMissingReason, 'libpcap filter tests'))('compileCaptureFilter (libpcap present)', () => {
  it('matches tcpdump semantics for port filters', () => {
    const p = compileCaptureFilter('tcp port 80');
    expect(p(packet(1, tcpFrame(40000, 80)))).toBe(true);
    expect(p(packet(1, tcpFrame(80, 40000)))).toBe(true);
    expect(p(packet(1, tcpFrame(40000, 443)))).toBe(false);
  });
  it('compiles per link type (raw IP, link type 101)', () => {
    const p = compileCaptureFilter('dst port 443');
    expect(p(packet(101, tcpFrame(1, 443).subarray(14)))).toBe(true);
    expect(p(packet(101, tcpFrame(443, 1).subarray(14)))).toBe(false);
  });
  it('BSD loopback (link type 0): as tcpdump -r, every BSD IPv6 address family, in the file byte order', () => {
    const ip6 = compileCaptureFilter('ip6');
    const ip = compileCaptureFilter('ip');
    const frame = (af: number, littleEndian: boolean) => nullLink(af, littleEndian, new Uint8Array(40));
    for (const littleEndian of [true, false]) {
      for (const af of [24, 28, 30]) {
        expect(ip6(packet(0, frame(af, littleEndian), { littleEndian }))).toBe(true);
        expect(ip(packet(0, frame(af, littleEndian), { littleEndian }))).toBe(false);
      }
      expect(ip(packet(0, frame(2, littleEndian), { littleEndian }))).toBe(true);
      expect(ip6(packet(0, frame(2, littleEndian), { littleEndian }))).toBe(false);
      // Read in the file's byte order, not guessed from the frame; not this host's AF_INET6 (Linux: 10).
      expect(ip6(packet(0, frame(30, !littleEndian), { littleEndian }))).toBe(false);
      expect(ip6(packet(0, frame(10, littleEndian), { littleEndian }))).toBe(false);
    }
  });
  it('reports a bad expression as one line', () => {
    expect(() => compileCaptureFilter('tcp prt 80')).toThrow(UserError);
    expect(() => compileCaptureFilter('tcp prt 80')).toThrow(/bad capture filter "tcp prt 80": .*syntax error/);
  });
});
