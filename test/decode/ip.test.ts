/** Table tests for IPv4, IPv6 extension headers, TCP header checks, truncation and padding. */
import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../src/decode/types.js';
import { ah, concat, decodeOne, ethernet, ext8, fragHeader, ipv4, ipv6, packet, tcp, text } from './helpers.js';

const eth4 = (ip: Uint8Array, trailer: number[] = []) => ethernet(0x0800, ip, [], trailer);
const eth6 = (ip: Uint8Array) => ethernet(0x86dd, ip);

describe('IPv4', () => {
  it('reads ports, seq, ack, flags, window', () => {
    const frame = eth4(
      ipv4({}, tcp({ sport: 1, dport: 65535, seq: 0xffffffff, ack: 0x80000000, flags: TCP_SYN | TCP_ACK, window: 1234 })),
    );
    const { segments } = decodeOne(packet(1, frame));
    expect(segments[0]).toMatchObject({
      srcPort: 1,
      dstPort: 65535,
      seq: 0xffffffff,
      ack: 0x80000000,
      flags: TCP_SYN | TCP_ACK,
      window: 1234,
      payloadLength: 0,
      vlan: undefined,
    });
    expect(segments[0].payload.length).toBe(0);
  });

  it('skips IPv4 options (IHL > 5) and TCP options', () => {
    const opts = [0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00]; // router alert, NOPs, EOL
    const tcpOpts = [0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02]; // MSS, NOP, NOP, SACK-permitted
    const frame = eth4(ipv4({ options: opts }, tcp({ options: tcpOpts }, text('data!'))));
    const { segments, decoder } = decodeOne(packet(1, frame, { fileOffset: 24 }));
    expect(decoder.stats.malformed).toBe(0);
    expect(Buffer.from(segments[0].payload).toString()).toBe('data!');
    expect(segments[0].payloadFileOffset).toBe(24 + 14 + 28 + 28);
  });

  it('does not require a valid header checksum', () => {
    const ip = ipv4({}, tcp({}, text('x')));
    ip[10] ^= 0xff;
    const { segments } = decodeOne(packet(1, eth4(ip)));
    expect(segments).toHaveLength(1);
  });

  it('ignores Ethernet padding and trailers: payload is bounded by the IP total length', () => {
    // A bare ACK (40-byte datagram) padded to 60 bytes plus a 4-byte FCS.
    const frame = eth4(ipv4({}, tcp({ flags: TCP_ACK })), [0, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
    const { segments, decoder } = decodeOne(packet(1, frame));
    expect(segments[0].payload.length).toBe(0);
    expect(segments[0].payloadLength).toBe(0);
    expect(decoder.stats.truncated).toBe(0);
    const withData = eth4(ipv4({}, tcp({}, text('ab'))), [0x99, 0x99, 0x99]);
    const r2 = decodeOne(packet(1, withData));
    expect(Buffer.from(r2.segments[0].payload).toString()).toBe('ab');
  });

  it('truncated frame (snap length): payload is what was captured, payloadLength what IP announces', () => {
    const full = eth4(ipv4({}, tcp({}, text('0123456789'))));
    const cut = full.subarray(0, full.length - 6);
    const { segments, decoder } = decodeOne(packet(1, cut, { origLen: full.length, fileOffset: 0 }));
    expect(decoder.stats).toMatchObject({ truncated: 1, tcpSegments: 1, malformed: 0 });
    expect(Buffer.from(segments[0].payload).toString()).toBe('0123');
    expect(segments[0].payloadLength).toBe(10);
    expect(segments[0].payloadFileOffset).toBe(54);
  });

  it('a whole frame shorter than its IP total length: the header lies, the bytes are used as far as they go', () => {
    const full = eth4(ipv4({}, tcp({}, text('0123456789'))));
    const cut = full.subarray(0, full.length - 3);
    const { segments, decoder } = decodeOne(packet(1, cut));
    expect(decoder.stats).toMatchObject({ truncated: 0, lengthBeyondFrame: 1, tcpSegments: 1, malformed: 0 });
    expect(segments[0].payload.length).toBe(7);
    expect(segments[0].payloadLength).toBe(7);
    // the same bytes cut by the capture's snap length: truncated, the announced length stands
    const again = decodeOne(packet(1, cut, { origLen: full.length }));
    expect(again.decoder.stats).toMatchObject({ truncated: 1, lengthBeyondFrame: 0 });
    expect(again.segments[0].payloadLength).toBe(10);
  });

  it('truncated frame whose TCP options are cut: delivered with an empty payload', () => {
    const full = eth4(ipv4({}, tcp({ options: new Array(12).fill(1) }, text('abc'))));
    // A copy: the frame's buffer ends where the capture cut it, inside the options.
    const cut = full.slice(0, 14 + 20 + 24);
    const { segments, decoder } = decodeOne(packet(1, cut, { origLen: full.length }));
    expect(decoder.stats).toMatchObject({ truncated: 1, tcpSegments: 1, malformed: 0 });
    expect(segments[0].payload.length).toBe(0);
    expect(segments[0].payloadLength).toBe(3);
  });

  it('total length 0 (TSO capture) means the rest of the frame', () => {
    const ip = ipv4({ totalLength: 0 }, tcp({}, text('tso-data')));
    const { segments, decoder } = decodeOne(packet(1, eth4(ip)));
    expect(decoder.stats.malformed).toBe(0);
    expect(Buffer.from(segments[0].payload).toString()).toBe('tso-data');
  });

  const malformed: [string, Uint8Array, number?][] = [
    ['IPv4 header cut', eth4(ipv4({}, tcp({})).subarray(0, 19))],
    ['version 5 in an IPv4 EtherType', eth4(ipv4({ version: 5 }, tcp({})))],
    ['IHL 4', eth4(ipv4({ ihl: 4 }, tcp({})))],
    ['IHL beyond the captured bytes', eth4(ipv4({ ihl: 15 }, []).subarray(0, 30))],
    ['total length below the header', eth4(ipv4({ totalLength: 19 }, tcp({})))],
    ['TCP header cut (snap length)', eth4(ipv4({}, tcp({}, text('x')))).subarray(0, 14 + 20 + 19), 100],
    ['TCP segment shorter than 20 bytes by IP length', eth4(ipv4({ totalLength: 30 }, tcp({})))],
    ['TCP data offset 4', eth4(ipv4({}, tcp({ dataOffset: 4 })))],
    ['TCP data offset beyond the segment', eth4(ipv4({}, tcp({ dataOffset: 15 }, text('abc'))))],
  ];
  it.each(malformed)('%s is malformed', (_name, frame, origLen) => {
    const { segments, decoder } = decodeOne(packet(1, frame, { origLen: origLen ?? frame.length }));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ malformed: 1, tcpSegments: 0 });
  });

  it('ICMP quoting a TCP header is never delivered', () => {
    const quoted = ipv4({ src: '10.0.0.2', dst: '10.0.0.1' }, tcp({ sport: 80, dport: 1234 }, text('abcdefgh')));
    const icmp = concat([3, 3, 0, 0, 0, 0, 0, 0], quoted.subarray(0, 28));
    const { segments, decoder } = decodeOne(packet(1, eth4(ipv4({ proto: 1 }, icmp))));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ nonTcp: 1, malformed: 0 });
    const icmp6 = concat([1, 4, 0, 0, 0, 0, 0, 0], ipv6({}, tcp({}, text('x'))));
    const r6 = decodeOne(packet(1, eth6(ipv6({ next: 58 }, icmp6))));
    expect(r6.segments).toHaveLength(0);
    expect(r6.decoder.stats).toMatchObject({ nonTcp: 1, malformed: 0 });
  });
});

describe('IPv6 extension headers', () => {
  const body = tcp({ sport: 5555, dport: 80, flags: TCP_FIN | TCP_ACK }, text('v6-data'));
  const cases: [string, number, number[]][] = [
    ['hop-by-hop', 0, ext8(6, 1)],
    ['routing', 43, ext8(6, 3)],
    ['destination options', 60, ext8(6, 2)],
    ['AH', 51, ah(6, 6)],
    ['hop-by-hop + destination options + AH', 0, [...ext8(60, 1), ...ext8(51, 1), ...ah(6, 4)]],
    ['atomic fragment (offset 0, M=0)', 44, fragHeader(6, 0, false, 0xdeadbeef)],
    ['destination options, then atomic fragment', 60, [...ext8(44, 1), ...fragHeader(6, 0, false, 1)]],
  ];
  it.each(cases)('%s', (_name, first, exts) => {
    const frame = eth6(ipv6({ next: first }, concat(exts, body)));
    const { segments, decoder } = decodeOne(packet(1, frame, { fileOffset: 0 }));
    expect(decoder.stats).toMatchObject({ tcpSegments: 1, malformed: 0, fragments: 0 });
    expect(segments[0]).toMatchObject({ srcPort: 5555, dstPort: 80, flags: TCP_FIN | TCP_ACK, payloadLength: 7 });
    expect(Buffer.from(segments[0].payload).toString()).toBe('v6-data');
    expect(segments[0].payloadFileOffset).toBe(frame.length - 7);
  });

  const nonTcp: [string, number, number[]][] = [
    ['ESP', 50, [0, 0, 0, 1, 0, 0, 0, 1, ...new Array(32).fill(0x55)]],
    ['no next header', 59, []],
    ['hop-by-hop then no next header', 0, ext8(59, 1)],
    ['UDP after routing', 43, [...ext8(17, 1), ...new Array(8).fill(0)]],
  ];
  it.each(nonTcp)('%s is nonTcp', (_name, first, rest) => {
    const { segments, decoder } = decodeOne(packet(1, eth6(ipv6({ next: first }, rest))));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ nonTcp: 1, malformed: 0 });
  });

  const malformed: [string, Uint8Array][] = [
    ['IPv6 header cut', eth6(ipv6({}, body)).subarray(0, 14 + 39)],
    ['version 4 in an IPv6 EtherType', eth6(ipv4({}, concat(body, new Array(20).fill(0))))],
    ['extension header longer than the payload', eth6(ipv6({ next: 0 }, concat([6, 10, 0, 0, 0, 0, 0, 0], body)))],
    ['fragment header cut', eth6(ipv6({ next: 44 }, [6, 0, 0]))],
    ['two fragment headers', eth6(ipv6({ next: 44 }, concat(fragHeader(44, 0, false, 1), fragHeader(6, 0, false, 2), body)))],
  ];
  it.each(malformed)('%s is malformed', (_name, frame) => {
    const { segments, decoder } = decodeOne(packet(1, frame));
    expect(segments).toHaveLength(0);
    expect(decoder.stats).toMatchObject({ malformed: 1 });
  });

  it('truncated IPv6 frame: payload cut, payloadLength announced', () => {
    const full = eth6(ipv6({ next: 60 }, concat(ext8(6, 1), body)));
    const { segments, decoder } = decodeOne(packet(1, full.subarray(0, full.length - 4), { origLen: full.length }));
    expect(decoder.stats).toMatchObject({ truncated: 1, tcpSegments: 1 });
    expect(Buffer.from(segments[0].payload).toString()).toBe('v6-');
    expect(segments[0].payloadLength).toBe(7);
  });

  it('padding after an IPv6 datagram is not payload', () => {
    const frame = ethernet(0x86dd, ipv6({}, tcp({}, text('p'))), [], [1, 2, 3, 4]);
    const { segments } = decodeOne(packet(1, frame));
    expect(Buffer.from(segments[0].payload).toString()).toBe('p');
  });
});
