/**
 * Rough decoder throughput figure (a script, not a test). Run from the repo root:
 *   npx esbuild test/decode/bench/decode-bench.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/decode-bench.mjs && node /tmp/decode-bench.mjs
 * Prints packets/s for Ethernet/IPv4/TCP and Ethernet/IPv6/TCP frames, with few distinct
 * addresses (the usual case: address text comes from the cache) and with 4096 (every lookup misses).
 */
import { PacketDecoder } from '../../../src/decode/decoder.js';
import { ethernet, ipv4, ipv6, tcp } from '../helpers.js';

function frames(v6: boolean, distinct: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const count = Math.max(64, distinct);
  for (let i = 0; i < count; i++) {
    const a = i % distinct;
    const seg = tcp({ sport: 40000 + (i % 8), dport: 443, seq: i * 1400 }, new Uint8Array(i % 4 === 0 ? 0 : 1400));
    out.push(
      v6
        ? ethernet(0x86dd, ipv6({ src: `2001:db8::${a.toString(16)}:1`, dst: '2001:db8::99' }, seg))
        : ethernet(0x0800, ipv4({ src: `10.${a >> 8}.${a & 255}.1`, dst: '10.0.1.1' }, seg)),
    );
  }
  return out;
}

const N = 5_000_000;
for (const distinct of [8, 4096]) {
  for (const v6 of [false, true]) {
    const fs = frames(v6, distinct);
    const mask = fs.length - 1; // powers of two
    let bytes = 0;
    const decoder = new PacketDecoder((s) => {
      bytes += s.payload.length;
    });
    const pkt = { ts: 0, linkType: 1, littleEndian: true, interfaceId: 0, buffer: fs[0], start: 0, end: fs[0].length, origLen: 0, fileOffset: 0 };
    let rate = 0;
    for (let round = 0; round < 2; round++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) {
        const f = fs[i & mask];
        pkt.buffer = f;
        pkt.end = f.length;
        pkt.origLen = f.length;
        pkt.ts = i;
        pkt.fileOffset += f.length + 16;
        decoder.decode(pkt);
      }
      rate = N / (Number(process.hrtime.bigint() - t0) / 1e9); // second round: warmed up
    }
    if (decoder.stats.tcpSegments !== 2 * N) throw new Error(`unexpected stats ${JSON.stringify(decoder.stats)}`);
    console.log(
      `${v6 ? 'Ethernet/IPv6/TCP' : 'Ethernet/IPv4/TCP'}, ${distinct} source addresses: ${(rate / 1e6).toFixed(2)} M packets/s (${bytes} payload bytes seen)`,
    );
  }
}
