/**
 * Micro-benchmark of the reassembler (not a test): one flow's server segments in order, with
 * and without the client's FIN before them (a request ended by a half-close), on the fast path
 * and on the general path alone (`fastPath: false`).
 * Run: npx vite-node test/reassembly/afterFin.bench-script.ts
 */
import { TCP_ACK, TCP_FIN, TCP_SYN, type TcpSegment } from '../../src/decode/types.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';

const CLIENT = { addr: '10.0.0.1', port: 40000 };
const SERVER = { addr: '10.0.0.2', port: 80 };

function segment(fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array): TcpSegment {
  const [src, dst] = fromClient ? [CLIENT, SERVER] : [SERVER, CLIENT];
  return {
    srcAddr: src.addr, srcPort: src.port, dstAddr: dst.addr, dstPort: dst.port, vlan: undefined,
    seq: seq >>> 0, ack: ack >>> 0, flags, window: 65535, payload, payloadBuffer: payload, payloadStart: 0,
    capturedLength: payload.length, payloadLength: payload.length, payloadFileOffset: -1,
  };
}

/** Milliseconds for `count` server segments of `mss` bytes after a handshake and a request (and the client's FIN when `clientFin`). */
function run(clientFin: boolean, count: number, mss: number, fastPath = true): number {
  let delivered = 0;
  const r = new Reassembler({ emit: (e) => void (e.type === 'data' && (delivered += e.bytes.length)), fastPath });
  const none = new Uint8Array(0);
  const request = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');
  let ts = 0;
  r.feed(segment(true, 1000, 0, TCP_SYN, none), ts++);
  r.feed(segment(false, 5000, 1001, TCP_SYN | TCP_ACK, none), ts++);
  r.feed(segment(true, 1001, 5001, TCP_ACK, none), ts++);
  r.feed(segment(true, 1001, 5001, TCP_ACK, request), ts++);
  const clientEnd = 1001 + request.length;
  if (clientFin) r.feed(segment(true, clientEnd, 5001, TCP_ACK | TCP_FIN, none), ts++);
  const payload = new Uint8Array(mss);
  const seg = segment(false, 5001, clientEnd + (clientFin ? 1 : 0), TCP_ACK, payload);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    seg.seq = (5001 + i * mss) >>> 0;
    r.feed(seg, ts++);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (delivered !== request.length + count * mss) throw new Error(`delivered ${delivered} of ${request.length + count * mss}`);
  return ms;
}

const COUNT = 2_000_000;
for (let round = 0; round < 5; round++) {
  const open = run(false, COUNT, 1448);
  const afterFin = run(true, COUNT, 1448);
  const general = [run(false, COUNT, 1448, false), run(true, COUNT, 1448, false)].map((ms) => ms.toFixed(0));
  console.log(`${COUNT} server segments: no client FIN ${open.toFixed(0)} ms, after the client's FIN ${afterFin.toFixed(0)} ms; general path only: ${general.join(' ms, ')} ms`);
}
