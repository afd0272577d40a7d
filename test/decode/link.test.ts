/** Table tests: one TCP segment carried by every link type and encapsulation the decoder knows. */
import { describe, expect, it } from 'vitest';
import {
  concat,
  decodeOne,
  ethernet,
  ipv4,
  ipv6,
  nullLink,
  packet,
  pppoe,
  sll,
  sll2,
  tcp,
  text,
  u16,
} from './helpers.js';

const PAYLOAD = text('hello');
const seg4 = ipv4({ src: '192.168.1.10', dst: '10.1.2.3' }, tcp({ sport: 40000, dport: 443, seq: 7, flags: 0x18 }, PAYLOAD));
const seg6 = ipv6({ src: 'fe80::1', dst: '2001:db8::53' }, tcp({ sport: 40001, dport: 22, seq: 9, flags: 0x18 }, PAYLOAD));

interface Case {
  name: string;
  linkType: number;
  frame: Uint8Array;
  v: 4 | 6;
  vlan?: number;
}

const cases: Case[] = [
  { name: 'Ethernet IPv4', linkType: 1, frame: ethernet(0x0800, seg4), v: 4 },
  { name: 'Ethernet IPv6', linkType: 1, frame: ethernet(0x86dd, seg6), v: 6 },
  { name: 'Ethernet 802.1Q', linkType: 1, frame: ethernet(0x0800, seg4, [{ tpid: 0x8100, id: 42 }]), v: 4, vlan: 42 },
  {
    name: 'Ethernet QinQ 0x88a8 + 0x8100 (outermost id)',
    linkType: 1,
    frame: ethernet(0x86dd, seg6, [
      { tpid: 0x88a8, id: 100 },
      { tpid: 0x8100, id: 200 },
    ]),
    v: 6,
    vlan: 100,
  },
  {
    name: 'Ethernet triple tag 0x9100/0x9200/0x8100',
    linkType: 1,
    frame: ethernet(0x0800, seg4, [
      { tpid: 0x9100, id: 1 },
      { tpid: 0x9200, id: 2 },
      { tpid: 0x8100, id: 4095 },
    ]),
    v: 4,
    vlan: 1,
  },
  { name: 'Ethernet PPPoE IPv4', linkType: 1, frame: ethernet(0x8864, pppoe(0x0021, seg4)), v: 4 },
  { name: 'Ethernet PPPoE IPv6', linkType: 1, frame: ethernet(0x8864, pppoe(0x0057, seg6)), v: 6 },
  {
    name: 'Ethernet QinQ + PPPoE',
    linkType: 1,
    frame: ethernet(0x8864, pppoe(0x0021, seg4), [
      { tpid: 0x88a8, id: 10 },
      { tpid: 0x8100, id: 20 },
    ]),
    v: 4,
    vlan: 10,
  },
  { name: 'Linux SLL IPv4', linkType: 113, frame: sll(0x0800, seg4), v: 4 },
  { name: 'Linux SLL IPv6', linkType: 113, frame: sll(0x86dd, seg6), v: 6 },
  { name: 'Linux SLL2 IPv4', linkType: 276, frame: sll2(0x0800, seg4), v: 4 },
  { name: 'Linux SLL2 IPv6', linkType: 276, frame: sll2(0x86dd, seg6), v: 6 },
  { name: 'NULL AF 2 little-endian', linkType: 0, frame: nullLink(2, true, seg4), v: 4 },
  { name: 'NULL AF 2 big-endian', linkType: 0, frame: nullLink(2, false, seg4), v: 4 },
  { name: 'NULL AF 24 little-endian', linkType: 0, frame: nullLink(24, true, seg6), v: 6 },
  { name: 'NULL AF 28 big-endian', linkType: 0, frame: nullLink(28, false, seg6), v: 6 },
  { name: 'NULL AF 30 little-endian', linkType: 0, frame: nullLink(30, true, seg6), v: 6 },
  { name: 'LOOP AF 2', linkType: 108, frame: nullLink(2, false, seg4), v: 4 },
  { name: 'LOOP AF 24', linkType: 108, frame: nullLink(24, false, seg6), v: 6 },
  { name: 'raw 101 IPv4', linkType: 101, frame: seg4, v: 4 },
  { name: 'raw 101 IPv6', linkType: 101, frame: seg6, v: 6 },
  { name: 'raw 12 IPv4', linkType: 12, frame: seg4, v: 4 },
  { name: 'raw 14 IPv6', linkType: 14, frame: seg6, v: 6 },
  { name: 'IPv4 228', linkType: 228, frame: seg4, v: 4 },
  { name: 'IPv6 229', linkType: 229, frame: seg6, v: 6 },
  { name: 'PPP IPv4', linkType: 9, frame: concat(u16(0x0021), seg4), v: 4 },
  { name: 'PPP with ff03 IPv6', linkType: 9, frame: concat([0xff, 0x03], u16(0x0057), seg6), v: 6 },
  { name: 'PPP compressed protocol field', linkType: 9, frame: concat([0x21], seg4), v: 4 },
  { name: 'PPP in HDLC IPv4', linkType: 50, frame: concat([0xff, 0x03], u16(0x0021), seg4), v: 4 },
  { name: 'Cisco HDLC IPv6', linkType: 104, frame: concat([0x0f, 0x00], u16(0x86dd), seg6), v: 6 },
];

describe('link types and encapsulations', () => {
  it.each(cases)('$name', ({ linkType, frame, v, vlan }) => {
    const { segments, decoder } = decodeOne(packet(linkType, frame, { fileOffset: 100 }));
    expect(decoder.stats).toMatchObject({ packets: 1, tcpSegments: 1, malformed: 0, nonTcp: 0 });
    expect(segments).toHaveLength(1);
    const s = segments[0];
    if (v === 4) {
      expect(s).toMatchObject({ srcAddr: '192.168.1.10', dstAddr: '10.1.2.3', srcPort: 40000, dstPort: 443, seq: 7 });
    } else {
      expect(s).toMatchObject({ srcAddr: 'fe80::1', dstAddr: '2001:db8::53', srcPort: 40001, dstPort: 22, seq: 9 });
    }
    expect(s.vlan).toBe(vlan);
    expect(s.flags).toBe(0x18);
    expect(Buffer.from(s.payload).toString()).toBe('hello');
    expect(s.payloadLength).toBe(5);
    // The payload is the last 5 bytes of the frame here: its file offset says so.
    expect(s.payloadFileOffset).toBe(100 + frame.length - 5);
  });
});

describe('non-TCP and unknown framings', () => {
  const nonTcp: [string, number, Uint8Array][] = [
    ['ARP', 1, ethernet(0x0806, new Uint8Array(28))],
    ['802.3 length field + LLC', 1, ethernet(0x0026, [0x42, 0x42, 0x03, ...new Array(35).fill(0)])],
    ['802.3 LLC/SNAP', 1, ethernet(0x0030, [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...seg4])],
    ['PPPoE discovery', 1, ethernet(0x8863, new Uint8Array(20))],
    ['PPPoE LCP', 1, ethernet(0x8864, pppoe(0xc021, new Uint8Array(10)))],
    ['MPLS', 1, ethernet(0x8847, new Uint8Array(40))],
    ['VLAN then ARP', 1, ethernet(0x0806, new Uint8Array(28), [{ tpid: 0x8100, id: 5 }])],
    ['SLL ARP', 113, sll(0x0806, new Uint8Array(28))],
    ['NULL AF 7', 0, nullLink(7, true, seg4)],
    ['UDP over IPv4', 1, ethernet(0x0800, ipv4({ proto: 17 }, new Uint8Array(16)))],
    ['ICMPv6 over IPv6', 1, ethernet(0x86dd, ipv6({ next: 58 }, new Uint8Array(16)))],
  ];
  it.each(nonTcp)('%s counts as nonTcp', (_name, linkType, frame) => {
    const { segments, decoder } = decodeOne(packet(linkType, frame));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ packets: 1, nonTcp: 1, malformed: 0, tcpSegments: 0 });
  });

  it('unknown link type counts as unsupportedLinkType', () => {
    const { segments, decoder } = decodeOne(packet(147, seg4));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ unsupportedLinkType: 1, nonTcp: 0, malformed: 0 });
  });

  const cut: [string, number, Uint8Array][] = [
    ['Ethernet header', 1, new Uint8Array(13)],
    ['VLAN tag', 1, ethernet(0x8100, [0x00])],
    ['SLL header', 113, new Uint8Array(15)],
    ['SLL2 header', 276, new Uint8Array(19)],
    ['NULL header', 0, new Uint8Array(3)],
    ['raw IP, empty', 101, new Uint8Array(0)],
    ['raw IP, version 5', 101, Uint8Array.from([0x50, ...new Array(30).fill(0)])],
    ['PPPoE header', 1, ethernet(0x8864, [0x11, 0x00, 0x00])],
  ];
  it.each(cut)('%s cut or invalid is malformed', (_name, linkType, frame) => {
    const { segments, decoder } = decodeOne(packet(linkType, frame));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ packets: 1, malformed: 1, nonTcp: 0 });
  });
});
