/**
 * Throughput micro-benchmark of the reassembler (not a test): in-order MSS segments.
 * Run: npx vite-node test/reassembly/throughput.bench-script.ts
 */
import { TCP_ACK, TCP_SYN, type TcpSegment } from '../../src/decode/types.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';

function run(label: string, flows: number, segmentsTotal: number, mss: number): void {
  let delivered = 0;
  const r = new Reassembler({
    emit: (e) => {
      if (e.type === 'data') delivered += e.bytes.length;
    },
  });
  const payload = new Uint8Array(mss);
  const seqs: number[] = [];
  const seg: TcpSegment = {
    srcAddr: '', srcPort: 0, dstAddr: '192.168.1.1', dstPort: 443, vlan: undefined,
    seq: 0, ack: 1, flags: TCP_SYN, window: 65535, payload: new Uint8Array(0), payloadBuffer: new Uint8Array(0), payloadStart: 0,
    capturedLength: 0, payloadLength: 0, payloadFileOffset: -1,
  };
  for (let f = 0; f < flows; f++) {
    seg.srcAddr = `10.0.${f >> 8}.${f & 255}`;
    seg.srcPort = 30000 + (f % 30000);
    seg.seq = (f * 7919) >>> 0;
    seg.flags = TCP_SYN;
    r.feed(seg, 0);
    seqs.push((seg.seq + 1) >>> 0);
  }
  seg.flags = TCP_ACK;
  Object.assign(seg, { payload, payloadBuffer: payload, capturedLength: mss, payloadLength: mss });
  const addrs = Array.from({ length: flows }, (_, f) => `10.0.${f >> 8}.${f & 255}`);
  const start = process.hrtime.bigint();
  let fileOffset = 0;
  for (let i = 0; i < segmentsTotal; i++) {
    const f = i % flows;
    seg.srcAddr = addrs[f];
    seg.srcPort = 30000 + (f % 30000);
    seg.seq = seqs[f];
    seg.payloadFileOffset = fileOffset;
    fileOffset += mss + 66;
    seqs[f] = (seqs[f] + mss) >>> 0;
    r.feed(seg, i);
  }
  const ns = Number(process.hrtime.bigint() - start);
  const perSec = segmentsTotal / (ns / 1e9);
  console.log(
    `${label}: ${segmentsTotal} segments of ${mss} B in ${(ns / 1e6).toFixed(0)} ms = ` +
      `${(perSec / 1e6).toFixed(2)} M segments/s, ${((delivered / (ns / 1e9)) / 2 ** 30).toFixed(2)} GiB/s`,
  );
  if (delivered !== segmentsTotal * mss) throw new Error('delivered bytes mismatch');
}

for (let round = 0; round < 2; round++) {
  run('1 flow        ', 1, 3_000_000, 1448);
  run('1000 flows r-r', 1000, 3_000_000, 1448);
  run('100k flows r-r', 100_000, 3_000_000, 1448);
}
