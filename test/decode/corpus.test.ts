/**
 * Corpus checks: decode every packet of the public captures in ../shared/corpus and compare
 * segment counts and payload byte sums with tshark. Skipped (with the reason printed) when the
 * corpus folder is missing (never in CI).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun, missingTool } from '../support/requirements.js';
import { collector, readCapture } from './helpers.js';

const corpusMissing = cannotRun(corpusMissingReason, 'decode corpus tests');


function decodeFile(name: string) {
  const c = collector();
  for (const p of readCapture(corpusPath(name))) c.decoder.decode(p);
  const bytes = c.segments.reduce((n, s) => n + s.payloadLength, 0);
  const captured = c.segments.reduce((n, s) => n + s.payload.length, 0);
  return { ...c, bytes, captured };
}

interface Expect {
  file: string;
  /** TCP segments per `tshark -r F -Y 'tcp && !icmp && !icmpv6' -T fields -e tcp.len` (line count). */
  segments: number;
  /** Sum of tcp.len from the same command. */
  tsharkBytes: number;
  /** Our payloadLength sum when it differs from tshark by design (see `why`). */
  bytes?: number;
  why?: string;
}

// Numbers measured with TShark 4.0.17 (Debian 12):
//   tshark -r F -Y 'tcp && !icmp && !icmpv6' -T fields -e tcp.len
// ICMP errors quoting TCP are excluded on purpose (the decoder never delivers quoted TCP);
// plain `-Y tcp` counts them too (tcpflow__test1: 22, zeek__smtp: 122).
const EXPECTED: Expect[] = [
  { file: 'pcapplusplus__one_http_stream_rst.pcap', segments: 10, tsharkBytes: 1636 }, // QinQ + PPPoE
  { file: 'zeek__tls_openjdk-25.0.2-zeek.org.pcap', segments: 6, tsharkBytes: 3377 }, // SLL2
  { file: 'zeek__http_connect-with-header.pcap', segments: 58, tsharkBytes: 59143 }, // NULL, AF 30
  { file: 'suricata-verify__defrag-ipv6-tcp-frag-ip-tcp.pcap', segments: 1, tsharkBytes: 1000 }, // DLT 229, 3 fragments
  { file: 'peafowl__http_ip_fragmented_out_of_order.pcap', segments: 11, tsharkBytes: 3275 }, // 444 IPv4 fragments
  { file: 'zeek__tcp-http-with-padding.pcap', segments: 25, tsharkBytes: 207 },
  { file: 'zeek__vlan-qinqinq.pcap', segments: 14, tsharkBytes: 5143 },
  { file: 'zeek__ipv6-http-atomic-frag.pcap', segments: 36, tsharkBytes: 412 },
  { file: 'zeek__tls_pop3-starttls.pcap', segments: 33, tsharkBytes: 3441 }, // NULL, AF 2
  { file: 'pcapplusplus__sll.pcap', segments: 483, tsharkBytes: 415114 },
  { file: 'pcapplusplus__raw_ip.pcap', segments: 92, tsharkBytes: 24437 }, // DLT 101
  { file: 'pcapplusplus__four_ipv6_http_streams.pcap', segments: 81, tsharkBytes: 34770 }, // DLT 12
  { file: 'pcapplusplus__many_interfaces-1.pcapng', segments: 32, tsharkBytes: 3045 }, // 0, 1, 12 mixed
  { file: 'pcapplusplus__pcapng-example.pcapng', segments: 159, tsharkBytes: 46679 }, // 1 + 113, snap-length cut
  { file: 'pcapplusplus__nanosecs_big_endian.pcap', segments: 10, tsharkBytes: 1522 },
  { file: 'pcapplusplus__example2.pcap', segments: 4321, tsharkBytes: 2570195 },
  { file: 'tcpflow__jpegs.cap', segments: 464, tsharkBytes: 278705 }, // 19 orphan tail fragments
  { file: 'tcpflow__test1.pcap', segments: 21, tsharkBytes: 4187 },
  { file: 'zeek__smtp.pcap', segments: 118, tsharkBytes: 29126 },
  { file: 'zeek__tcp_timestamp.pcap', segments: 878, tsharkBytes: 1000000 }, // snap-length cut
  { file: 'zeek__http_1000-requests-one-dropped-response.pcap', segments: 4102, tsharkBytes: 996757 },
  // 5 frames are shorter than their IP length with origLen = caplen: like tshark, the payload is
  // bounded by the frame (the header lies; a later segment's sequence number shows any real hole)
  { file: 'termshark__telnet-cooked.pcap', segments: 92, tsharkBytes: 1660 },
  { file: 'zeek__tcp_reassembly.pcap', segments: 117, tsharkBytes: 34370 },
];

describe.skipIf(corpusMissing)('corpus: segment counts and payload sums match tshark', () => {
  it.each(EXPECTED)('$file', ({ file, segments, tsharkBytes, bytes }) => {
    const r = decodeFile(file);
    expect(r.decoder.stats.malformed).toBe(0);
    expect(r.decoder.stats.unsupportedLinkType).toBe(0);
    expect(r.segments.length).toBe(segments);
    expect(r.bytes).toBe(bytes ?? tsharkBytes);
    expect(r.captured).toBeLessThanOrEqual(r.bytes);
  });

  it('payloadFileOffset points at the payload bytes in the file (every non-fragmented segment)', () => {
    for (const { file } of EXPECTED) {
      const raw = new Uint8Array(readFileSync(corpusPath(file)));
      const r = decodeFile(file);
      let checked = 0;
      for (const s of r.segments) {
        if (s.payloadFileOffset < 0) continue;
        const inFile = raw.subarray(s.payloadFileOffset, s.payloadFileOffset + s.payload.length);
        if (!Buffer.from(inFile).equals(Buffer.from(s.payload))) throw new Error(`${file}: payload bytes differ`);
        checked++;
      }
      // Only datagrams rebuilt from fragments lack a file offset.
      expect(r.segments.length - checked, file).toBe(r.decoder.stats.reassembledDatagrams);
    }
  });

  it('QinQ + PPPoE: outermost VLAN id and the inner IPv4 addresses', () => {
    const r = decodeFile('pcapplusplus__one_http_stream_rst.pcap');
    expect(new Set(r.segments.map((s) => s.vlan))).toEqual(new Set([939]));
    expect(new Set(r.segments.map((s) => `${s.srcAddr}:${s.srcPort}`))).toEqual(
      new Set(['10.3.65.35:5068', '185.8.212.46:80']),
    );
  });

  it('triple VLAN tags: outermost id 30 (as tcpflow names the files)', () => {
    const r = decodeFile('zeek__vlan-qinqinq.pcap');
    expect(new Set(r.segments.map((s) => s.vlan))).toEqual(new Set([30]));
  });

  it('NULL with AF 30 decodes IPv6 ::1', () => {
    const r = decodeFile('zeek__http_connect-with-header.pcap');
    expect(new Set(r.segments.map((s) => s.srcAddr))).toEqual(new Set(['::1']));
  });

  it('IPv6 fragments rebuilt into one segment without a file offset', () => {
    const r = decodeFile('suricata-verify__defrag-ipv6-tcp-frag-ip-tcp.pcap');
    expect(r.decoder.stats).toMatchObject({ fragments: 3, reassembledDatagrams: 1, fragmentsDropped: 0 });
    expect(r.segments[0]).toMatchObject({ srcPort: 12345, dstPort: 8080, payloadLength: 1000, payloadFileOffset: -1 });
    expect(r.segments[0].payload.length).toBe(1000);
  });

  it('444 out-of-order IPv4 fragments rebuild 11 datagrams', () => {
    const r = decodeFile('peafowl__http_ip_fragmented_out_of_order.pcap');
    expect(r.decoder.stats).toMatchObject({ packets: 444, fragments: 444, reassembledDatagrams: 11, fragmentsDropped: 0 });
    // The rebuilt stream equals the unfragmented capture of the same conversation.
    const plain = decodeFile('peafowl__http_seq_num_wrapping_out_of_order.pcap');
    const key = (s: { payload: Uint8Array }) => Buffer.from(s.payload).toString('hex'); // that file has shifted seqs
    expect(r.segments.map(key).sort()).toEqual(plain.segments.map(key).sort());
  });

  it('padding is never payload', () => {
    const r = decodeFile('zeek__tcp-http-with-padding.pcap');
    for (const s of r.segments) expect(s.payload.length).toBe(s.payloadLength);
  });

  it('orphan tail fragments are dropped, never delivered', () => {
    const r = decodeFile('tcpflow__jpegs.cap');
    r.decoder.flush();
    expect(r.decoder.stats).toMatchObject({ fragments: 19, reassembledDatagrams: 0, fragmentsDropped: 19 });
  });
});

describe.skipIf(corpusMissing || cannotRun(missingTool('tshark'), 'decode corpus against tshark'))('corpus: live comparison with the installed tshark', () => {
  const files = [
    'pcapplusplus__one_http_stream_rst.pcap',
    'zeek__tls_openjdk-25.0.2-zeek.org.pcap',
    'suricata-verify__defrag-ipv6-tcp-frag-ip-tcp.pcap',
    'zeek__tcp-http-with-padding.pcap',
  ];
  it.each(files)('%s', (file) => {
    const out = execFileSync('tshark', ['-r', corpusPath(file), '-Y', 'tcp && !icmp && !icmpv6', '-T', 'fields', '-e', 'tcp.len'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lens = out.split('\n').filter((l) => l.trim() !== '').map(Number);
    const r = decodeFile(file);
    expect(r.segments.length).toBe(lens.length);
    expect(r.bytes).toBe(lens.reduce((a, b) => a + b, 0));
  });
});
