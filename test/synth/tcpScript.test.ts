import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../src/decode/types.js';
import { TcpConversation, dropSegment, retransmit, swapAdjacent } from '../../src/synth/tcpScript.js';
import type { ConversationOptions } from '../../src/synth/tcpScript.js';
import { decodeTcpFrame, reassemble } from '../support/pcapCheck.js';
import type { DecodedTcp } from '../support/pcapCheck.js';

interface Captured extends DecodedTcp {
  ts: number;
  dir: 'c2s' | 's2c';
}

const CLIENT = { addr: '10.0.0.1', port: 40000 };
const SERVER = { addr: '10.0.0.2', port: 80 };

function record(options: Partial<ConversationOptions> = {}): { conv: TcpConversation; packets: Captured[] } {
  const packets: Captured[] = [];
  const conv = new TcpConversation(
    {
      writePacket(ts, frame) {
        const d = decodeTcpFrame(frame.slice());
        packets.push({ ...d, ts, dir: d.srcPort === CLIENT.port ? 'c2s' : 's2c' });
      },
    },
    { client: CLIENT, server: SERVER, isnClient: 1000, isnServer: 5000, ...options },
  );
  return { conv, packets };
}

const bytes = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
};

const flagsOf = (p: Captured): number => p.flags;
const sub = (a: number, b: number): number => (a - b) >>> 0;

/**
 * Checks seq/ack consistency of a capture: no side acknowledges bytes the peer has not sent
 * yet, no side's sequence numbers skip ahead (unless the capture was reordered), every segment carries ACK after
 * the SYN, and checksums are right.
 */
function checkConsistency(packets: Captured[], isn: { c2s: number; s2c: number }, reordered = false): void {
  // Next sequence number each side may use, relative to its ISN (1: the SYN takes 0).
  const sentEnd = { c2s: 1, s2c: 1 };
  for (const p of packets) {
    const peer = p.dir === 'c2s' ? 's2c' : 'c2s';
    expect(p.tcpChecksumOk && p.ipChecksumOk).toBe(true);
    const rel = sub(p.seq, isn[p.dir]);
    if (!reordered) expect(rel).toBeLessThanOrEqual(sentEnd[p.dir]);
    const end = rel + p.payload.length + (p.flags & TCP_SYN ? 1 : 0) + (p.flags & TCP_FIN ? 1 : 0);
    sentEnd[p.dir] = Math.max(sentEnd[p.dir], end);
    if (p.flags & TCP_ACK) expect(sub(p.ack, isn[peer])).toBeLessThanOrEqual(sentEnd[peer]);
    else expect(p.flags & TCP_SYN).toBe(TCP_SYN);
  }
}

describe('TcpConversation', () => {
  it('writes a handshake, MSS-sized data with ACKs, and a clean close, all consistent', () => {
    const { conv, packets } = record({ mss: 1448, stepMicros: 5 });
    let t = conv.handshake(100);
    expect(t).toBe(115);
    const request = bytes(300, 1);
    const response = bytes(3000, 2);
    t = conv.send('c2s', request, t);
    t = conv.send('s2c', response, t + 100);
    t = conv.fin('c2s', t, { peerAcks: false });
    t = conv.fin('s2c', t);
    expect(packets.map((p) => p.ts)).toEqual(packets.map((_, i) => (i < 5 ? 100 + 5 * i : packets[i].ts)));
    const summary = packets.map((p) => `${p.dir} ${p.flags} ${p.payload.length}`);
    expect(summary).toEqual([
      `c2s ${TCP_SYN} 0`,
      `s2c ${TCP_SYN | TCP_ACK} 0`,
      `c2s ${TCP_ACK} 0`,
      `c2s ${TCP_ACK | TCP_PSH} 300`,
      `s2c ${TCP_ACK} 0`,
      `s2c ${TCP_ACK} 1448`,
      `s2c ${TCP_ACK} 1448`,
      `c2s ${TCP_ACK} 0`,
      `s2c ${TCP_ACK | TCP_PSH} 104`,
      `c2s ${TCP_ACK} 0`,
      `c2s ${TCP_FIN | TCP_ACK} 0`,
      `s2c ${TCP_FIN | TCP_ACK} 0`,
      `c2s ${TCP_ACK} 0`,
    ]);
    expect(packets[0].mss).toBe(1448);
    expect(packets[1].mss).toBe(1448);
    expect(packets[0].seq).toBe(1000);
    expect(packets[1]).toMatchObject({ seq: 5000, ack: 1001 });
    expect(packets[4].ack).toBe(1301);
    expect(packets[7].ack).toBe(5001 + 2896);
    expect(packets[9].ack).toBe(5001 + 3000);
    expect(packets[10]).toMatchObject({ seq: 1301, ack: 8001 });
    expect(packets[11]).toMatchObject({ seq: 8001, ack: 1302 });
    expect(packets[12]).toMatchObject({ seq: 1302, ack: 8002 });
    checkConsistency(packets, { c2s: 1000, s2c: 5000 });
    const stream = (dir: 'c2s' | 's2c') => reassemble(packets.filter((p) => p.dir === dir), dir === 'c2s' ? 1001 : 5001);
    expect(Buffer.compare(stream('c2s'), request)).toBe(0);
    expect(Buffer.compare(stream('s2c'), response)).toBe(0);
    expect(conv.counters).toEqual({ packets: 13, payloadBytes: 3300 });
  });

  it('wraps sequence numbers past 2^32', () => {
    const { conv, packets } = record({ isnClient: 0xffffff00, mss: 100 });
    let t = conv.handshake(0);
    const data = bytes(1000, 3);
    t = conv.send('c2s', data, t);
    expect(conv.nextSeq('c2s')).toBe((0xffffff01 + 1000) % 2 ** 32);
    checkConsistency(packets, { c2s: 0xffffff00, s2c: 5000 });
    expect(Buffer.compare(reassemble(packets.filter((p) => p.dir === 'c2s'), 0xffffff01), data)).toBe(0);
  });

  it('reorders segments with duplicate ACKs that only cover contiguous data', () => {
    const { conv, packets } = record({ mss: 10 });
    conv.send('s2c', bytes(40, 4), 0, { order: swapAdjacent(1), ackEvery: 1 });
    const data = packets.filter((p) => p.payload.length > 0).map((p) => p.seq - 5001);
    expect(data).toEqual([0, 20, 10, 30]);
    const acks = packets.filter((p) => p.dir === 'c2s').map((p) => p.ack - 5001);
    expect(acks).toEqual([10, 10, 30, 40]);
    checkConsistency(packets, { c2s: 1000, s2c: 5000 }, true);
  });

  it('retransmits and drops segments as asked', () => {
    const { conv, packets } = record({ mss: 10 });
    let t = conv.send('c2s', bytes(30, 5), 0, { order: retransmit(0, 1), ackEvery: 0 });
    expect(packets.map((p) => p.seq - 1001)).toEqual([0, 10, 0, 20]);
    packets.length = 0;
    t = conv.send('c2s', bytes(30, 6), t, { order: dropSegment(1) });
    const data = packets.filter((p) => p.dir === 'c2s').map((p) => p.seq - 1031);
    expect(data).toEqual([0, 20]);
    // The receiver got the segment the capture lost: ACKs end at the full length.
    const acks = packets.filter((p) => p.dir === 's2c').map((p) => p.ack - 1031);
    expect(acks).toEqual([10, 30]);
    expect(conv.nextSeq('c2s')).toBe(1061);
    expect(() => conv.send('c2s', bytes(30, 6), t, { order: [3] })).toThrow(/out of range/);
  });

  it('sends nothing for empty data and no ACKs with ackEvery 0', () => {
    const { conv, packets } = record();
    expect(conv.send('c2s', '', 7)).toBe(7);
    expect(packets.length).toBe(0);
    conv.send('c2s', 'héllo', 7, { ackEvery: 0, push: false });
    expect(packets.length).toBe(1);
    expect(packets[0].flags).toBe(TCP_ACK);
    expect(Buffer.from(packets[0].payload).toString('utf8')).toBe('héllo');
  });

  it('supports half-close, data after the peer FIN, and RST; rejects script mistakes', () => {
    const { conv, packets } = record();
    let t = conv.handshake(0);
    t = conv.fin('s2c', t);
    expect(conv.finSent('s2c')).toBe(true);
    expect(() => conv.send('s2c', 'late', t)).toThrow(/FIN/);
    expect(() => conv.fin('s2c', t)).toThrow(/FIN/);
    t = conv.send('c2s', 'after your FIN', t, { ackEvery: 0 });
    t = conv.rst('s2c', t);
    expect(conv.isReset).toBe(true);
    const last = packets[packets.length - 1];
    expect(last.flags).toBe(TCP_RST | TCP_ACK);
    expect(last.seq).toBe(5002); // after the FIN
    expect(last.ack).toBe(1001 + 'after your FIN'.length);
    expect(() => conv.send('c2s', 'x', t)).toThrow(/reset/);
    expect(() => conv.rst('c2s', t)).toThrow(/reset/);
    expect(() => conv.ack('c2s', t)).toThrow(/reset/);
    checkConsistency(packets, { c2s: 1000, s2c: 5000 });
  });

  it('writes arbitrary segments through segment()', () => {
    const { conv, packets } = record({ vlan: 42 });
    conv.segment('c2s', 0, { flags: TCP_ACK | TCP_PSH, payload: bytes(5, 1) });
    expect(conv.nextSeq('c2s')).toBe(1006);
    conv.segment('c2s', 1, { flags: TCP_ACK, payload: bytes(5, 1), seq: 1001 }); // a retransmission
    expect(conv.nextSeq('c2s')).toBe(1006);
    conv.segment('s2c', 2, { flags: TCP_FIN | TCP_ACK, ack: 77 });
    expect(conv.nextSeq('s2c')).toBe(5002);
    conv.segment('s2c', 3, { flags: TCP_ACK, advance: false, payload: bytes(3, 1) });
    expect(conv.nextSeq('s2c')).toBe(5002);
    expect(packets.map((p) => [p.seq, p.ack, p.vlan])).toEqual([
      [1001, 5001, 42],
      [1001, 5001, 42],
      [5001, 77, 42],
      [5002, 1006, 42],
    ]);
  });

  it('derives deterministic ISNs from the endpoints when none are given', () => {
    const a = new TcpConversation({ writePacket() {} }, { client: CLIENT, server: SERVER });
    const b = new TcpConversation({ writePacket() {} }, { client: CLIENT, server: SERVER });
    const c = new TcpConversation({ writePacket() {} }, { client: { ...CLIENT, port: 40001 }, server: SERVER });
    expect(a.isnClient).toBe(b.isnClient);
    expect(a.isnServer).toBe(b.isnServer);
    expect(a.isnClient).not.toBe(c.isnClient);
    expect(a.isnClient).toBeLessThan(2 ** 32);
  });

  it('carries IPv6 endpoints', () => {
    const packets: DecodedTcp[] = [];
    const conv = new TcpConversation(
      { writePacket: (_ts, f) => packets.push(decodeTcpFrame(f.slice())) },
      { client: { addr: '2001:db8::1', port: 5 }, server: { addr: '2001:db8::2', port: 6 } },
    );
    conv.handshake(0);
    conv.send('c2s', 'x', 0);
    expect(packets.every((p) => p.v6 && p.tcpChecksumOk)).toBe(true);
  });
});
