import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from '../../src/decode/types.js';
import { buildTcpFrame, parseAddress, tcpFrameLength } from '../../src/capture/frames.js';
import type { TcpFrameSpec } from '../../src/capture/frames.js';
import { collectPcap } from '../../src/capture/pcapWriter.js';
import { mulberry32, randomInt } from '../support/prng.js';
import { decodeTcpFrame } from '../support/pcapCheck.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('buildTcpFrame', () => {
  it('builds a correct IPv4 frame', () => {
    const payload = text('GET / HTTP/1.1\r\n\r\n');
    const frame = buildTcpFrame({
      srcAddr: '10.0.0.1',
      dstAddr: '192.0.2.80',
      srcPort: 40000,
      dstPort: 80,
      seq: 1000,
      ack: 2000,
      flags: TCP_ACK | TCP_PSH,
      payload,
      ipId: 0x1234,
    });
    expect(frame.length).toBe(14 + 20 + 20 + payload.length);
    expect([...frame.subarray(12, 14)]).toEqual([0x08, 0x00]);
    // MACs derive from the addresses: dst first.
    expect([...frame.subarray(0, 6)]).toEqual([2, 0, 192, 0, 2, 80]);
    expect([...frame.subarray(6, 12)]).toEqual([2, 0, 10, 0, 0, 1]);
    const d = decodeTcpFrame(frame);
    expect(d).toMatchObject({
      vlan: undefined,
      v6: false,
      src: '10.0.0.1',
      dst: '192.0.2.80',
      srcPort: 40000,
      dstPort: 80,
      seq: 1000,
      ack: 2000,
      flags: TCP_ACK | TCP_PSH,
      window: 64240,
      mss: undefined,
      ipChecksumOk: true,
      tcpChecksumOk: true,
    });
    expect(Buffer.from(d.payload).toString()).toBe('GET / HTTP/1.1\r\n\r\n');
    expect((frame[18] << 8) | frame[19]).toBe(0x1234); // IP id
    expect(frame[20] & 0x40).toBe(0x40); // DF
  });

  it('builds IPv6 with an 802.1Q tag and an MSS option', () => {
    const spec: TcpFrameSpec = {
      srcAddr: '2001:db8::1',
      dstAddr: '2001:db8:0:1::ff',
      srcPort: 1234,
      dstPort: 443,
      seq: 0xffffffff,
      ack: 0,
      flags: TCP_SYN,
      vlan: 4094,
      mss: 1440,
      window: 65535,
    };
    const frame = buildTcpFrame(spec);
    expect(frame.length).toBe(tcpFrameLength(spec));
    expect(frame.length).toBe(14 + 4 + 40 + 24);
    expect([...frame.subarray(12, 18)]).toEqual([0x81, 0x00, 0x0f, 0xfe, 0x86, 0xdd]);
    const d = decodeTcpFrame(frame);
    expect(d).toMatchObject({
      vlan: 4094,
      v6: true,
      src: '2001:db8:0:0:0:0:0:1',
      dst: '2001:db8:0:1:0:0:0:ff',
      seq: 0xffffffff,
      flags: TCP_SYN,
      window: 65535,
      mss: 1440,
      tcpChecksumOk: true,
    });
    expect(d.payload.length).toBe(0);
  });

  it('keeps checksums right for random specs (odd lengths, wrapping numbers, both families)', () => {
    const random = mulberry32(7);
    const scratch = new Uint8Array(2000);
    for (let i = 0; i < 300; i++) {
      const v6 = random() < 0.4;
      const payload = new Uint8Array(randomInt(random, 0, 1460));
      for (let k = 0; k < payload.length; k++) payload[k] = randomInt(random, 0, 255);
      const seq = Math.floor(random() * 2 ** 33) - 2 ** 32; // may be negative or >= 2^32
      const spec: TcpFrameSpec = {
        srcAddr: v6 ? `fe80::${randomInt(random, 0, 0xffff).toString(16)}:1` : `10.${randomInt(random, 0, 255)}.0.${randomInt(random, 0, 255)}`,
        dstAddr: v6 ? `2001:db8::${randomInt(random, 0, 0xffff).toString(16)}` : `172.16.${randomInt(random, 0, 255)}.9`,
        srcPort: randomInt(random, 0, 65535),
        dstPort: randomInt(random, 0, 65535),
        seq,
        ack: randomInt(random, 0, 2 ** 32 - 1),
        flags: randomInt(random, 0, 63),
        payload,
        vlan: random() < 0.3 ? randomInt(random, 0, 4095) : undefined,
        mss: random() < 0.2 ? randomInt(random, 0, 65535) : undefined,
        window: randomInt(random, 0, 65535),
      };
      const frame = buildTcpFrame(spec, random() < 0.5 ? scratch : undefined);
      const d = decodeTcpFrame(frame);
      expect(d.tcpChecksumOk).toBe(true);
      expect(d.ipChecksumOk).toBe(true);
      expect(d.seq).toBe(((seq % 2 ** 32) + 2 ** 32) % 2 ** 32);
      expect(d.ack).toBe(spec.ack);
      expect(d.srcPort).toBe(spec.srcPort);
      expect(d.dstPort).toBe(spec.dstPort);
      expect(d.flags).toBe(spec.flags);
      expect(d.window).toBe(spec.window);
      expect(d.vlan).toBe(spec.vlan);
      expect(d.mss).toBe(spec.mss);
      expect(Buffer.compare(d.payload, payload)).toBe(0);
    }
  });

  it('writes into the given buffer when it is large enough, else allocates', () => {
    const spec: TcpFrameSpec = { srcAddr: '1.2.3.4', dstAddr: '5.6.7.8', srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TCP_FIN };
    const big = new Uint8Array(100);
    const a = buildTcpFrame(spec, big);
    expect(a.buffer).toBe(big.buffer);
    expect(a.byteOffset).toBe(0);
    expect(a.length).toBe(54);
    const small = new Uint8Array(10);
    const b = buildTcpFrame(spec, small);
    expect(b.buffer).not.toBe(small.buffer);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('rejects bad addresses and mixed families', () => {
    const base = { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0 };
    expect(() => buildTcpFrame({ ...base, srcAddr: '1.2.3', dstAddr: '1.2.3.4' })).toThrow(/IPv4/);
    expect(() => buildTcpFrame({ ...base, srcAddr: '1.2.3.256', dstAddr: '1.2.3.4' })).toThrow(/IPv4/);
    expect(() => buildTcpFrame({ ...base, srcAddr: '::1', dstAddr: '1.2.3.4' })).toThrow(/families/);
    expect(() => buildTcpFrame({ ...base, srcAddr: '1::2::3', dstAddr: '::1' })).toThrow(/IPv6/);
  });
});

describe('parseAddress', () => {
  it('parses IPv6 forms', () => {
    expect([...parseAddress('::')]).toEqual(new Array(16).fill(0));
    expect([...parseAddress('::1')]).toEqual([...new Array(15).fill(0), 1]);
    expect([...parseAddress('fe80::1:2')].slice(0, 2)).toEqual([0xfe, 0x80]);
    expect([...parseAddress('fe80::1:2')].slice(12)).toEqual([0, 1, 0, 2]);
    expect([...parseAddress('::ffff:192.0.2.1')].slice(10)).toEqual([0xff, 0xff, 192, 0, 2, 1]);
    expect([...parseAddress('1:2:3:4:5:6:7:8')]).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(() => parseAddress('1:2:3:4:5:6:7:8:9')).toThrow();
    expect(() => parseAddress('1:2:3:4:5:6:7:8::')).toThrow();
    expect(() => parseAddress('12345::')).toThrow();
  });
});
