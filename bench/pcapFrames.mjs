// Classic pcap writing for the bench's capture generators (bench/csvFlow.mjs, bench/synScan.mjs):
// the file header, and Ethernet/IPv4/TCP records with correct IP and TCP checksums. Standalone:
// needs no build.
import { writeSync } from 'node:fs';

/** Bytes of an Ethernet + IPv4 + TCP header (no options). */
export const FRAME_HEADERS = 14 + 20 + 20;

/** Writes a classic pcap file header (microseconds, Ethernet, snap length 65535) to `fd`. */
export function writePcapHeader(fd) {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
}

/**
 * Writes one record (its 16-byte pcap header, then the frame) into `b` at `p` and returns the
 * position after it. `segment`: { micros, src, dst (4-byte arrays), srcPort, dstPort, seq, ack,
 * flags, window, ipId, payload (a Buffer) }. The sender's MAC is 02:.., the receiver's 04:..
 * when `fromFirst`, swapped otherwise.
 */
export function writeTcpRecord(b, p, { micros, fromFirst, src, dst, srcPort, dstPort, seq, ack, flags, window, ipId, payload }) {
  const frame = FRAME_HEADERS + payload.length;
  b.writeUInt32LE(Math.floor(micros / 1e6), p);
  b.writeUInt32LE(micros % 1e6, p + 4);
  b.writeUInt32LE(frame, p + 8);
  b.writeUInt32LE(frame, p + 12);
  p += 16;
  b.fill(fromFirst ? 0x02 : 0x04, p, p + 6);
  b.fill(fromFirst ? 0x04 : 0x02, p + 6, p + 12);
  b.writeUInt16BE(0x0800, p + 12);
  const ip = p + 14;
  b[ip] = 0x45;
  b[ip + 1] = 0;
  b.writeUInt16BE(40 + payload.length, ip + 2);
  b.writeUInt16BE(ipId, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6);
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  b.writeUInt16BE(0, ip + 10);
  for (let i = 0; i < 4; i++) {
    b[ip + 12 + i] = src[i];
    b[ip + 16 + i] = dst[i];
  }
  b.writeUInt16BE(fold(sum16(b, ip, 20, 0)), ip + 10);
  const tcp = ip + 20;
  b.writeUInt16BE(srcPort, tcp);
  b.writeUInt16BE(dstPort, tcp + 2);
  b.writeUInt32BE(seq >>> 0, tcp + 4);
  b.writeUInt32BE(ack >>> 0, tcp + 8);
  b[tcp + 12] = 5 << 4;
  b[tcp + 13] = flags;
  b.writeUInt16BE(window, tcp + 14);
  b.writeUInt32BE(0, tcp + 16);
  payload.copy(b, tcp + 20);
  let pseudo = 6 + 20 + payload.length;
  for (let i = 0; i < 4; i += 2) pseudo += ((src[i] << 8) | src[i + 1]) + ((dst[i] << 8) | dst[i + 1]);
  b.writeUInt16BE(fold(sum16(b, tcp, 20 + payload.length, pseudo)), tcp + 16);
  return tcp + 20 + payload.length;
}

/** Sum of the big-endian 16-bit words of `length` bytes from `at` (odd tail padded), plus `sum`. */
function sum16(b, at, length, sum) {
  const end = at + (length & ~1);
  for (let i = at; i < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (length & 1) sum += b[end] << 8;
  return sum;
}

function fold(sum) {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
