#!/usr/bin/env node
// Writes a SYN-scan capture: N half-open connections, each a SYN from the scanner and the
// target's SYN-ACK, never completed, never reset, no data (what a port scan leaves in a flow
// table). Every connection has its own 4-tuple: scanner 10.255.0.1 (source port 1024 + i mod
// 60000) to target 10.a.b.c (one address per 60000 connections) port 80.
// Timestamps advance 10 µs per connection, so 1M connections span 10 s (no idle timeout fires).
// Classic pcap, Ethernet, IPv4 and TCP checksums correct. Standalone: needs no build.
// Usage: node bench/synScan.mjs OUT.pcap N
import { closeSync, openSync, writeSync } from 'node:fs';

const [out, countText] = process.argv.slice(2);
const count = Number(countText);
if (!out || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: node bench/synScan.mjs OUT.pcap N (N >= 1 connections)\n');
  process.exit(2);
}

const FRAME = 14 + 20 + 20;
const RECORD = 16 + FRAME;
const SCANNER = [10, 255, 0, 1];
const BASE_TS = 1_700_000_000;

/** Writes one Ethernet/IPv4/TCP frame without payload into `b` at `p` (its record header first). */
function writeRecord(b, p, micros, src, dst, srcPort, dstPort, seq, ack, flags) {
  const v = new DataView(b.buffer, b.byteOffset + p, RECORD);
  v.setUint32(0, Math.floor(micros / 1e6), true);
  v.setUint32(4, micros % 1e6, true);
  v.setUint32(8, FRAME, true);
  v.setUint32(12, FRAME, true);
  const e = 16;
  for (let i = 0; i < 6; i++) {
    v.setUint8(e + i, 0x02);
    v.setUint8(e + 6 + i, 0x04);
  }
  v.setUint16(e + 12, 0x0800);
  const ip = e + 14;
  v.setUint8(ip, 0x45);
  v.setUint8(ip + 1, 0);
  v.setUint16(ip + 2, 40);
  v.setUint16(ip + 4, 0);
  v.setUint16(ip + 6, 0x4000);
  v.setUint8(ip + 8, 64);
  v.setUint8(ip + 9, 6);
  v.setUint16(ip + 10, 0);
  for (let i = 0; i < 4; i++) {
    v.setUint8(ip + 12 + i, src[i]);
    v.setUint8(ip + 16 + i, dst[i]);
  }
  v.setUint16(ip + 10, checksum(v, ip, 20, 0));
  const tcp = ip + 20;
  v.setUint16(tcp, srcPort);
  v.setUint16(tcp + 2, dstPort);
  v.setUint32(tcp + 4, seq >>> 0);
  v.setUint32(tcp + 8, ack >>> 0);
  v.setUint8(tcp + 12, 5 << 4);
  v.setUint8(tcp + 13, flags);
  v.setUint16(tcp + 14, 64240);
  v.setUint16(tcp + 16, 0);
  v.setUint16(tcp + 18, 0);
  // Pseudo-header: addresses, protocol, TCP length.
  let pseudo = 6 + 20;
  for (let i = 0; i < 4; i += 2) pseudo += ((src[i] << 8) | src[i + 1]) + ((dst[i] << 8) | dst[i + 1]);
  v.setUint16(tcp + 16, checksum(v, tcp, 20, pseudo));
}

/** Internet checksum of `length` bytes of `v` from `at`, starting from the partial sum `sum`. */
function checksum(v, at, length, sum) {
  for (let i = 0; i < length; i += 2) sum += v.getUint16(at + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const fd = openSync(out, 'w');
const header = Buffer.alloc(24);
header.writeUInt32LE(0xa1b2c3d4, 0);
header.writeUInt16LE(2, 4);
header.writeUInt16LE(4, 6);
header.writeUInt32LE(65535, 16);
header.writeUInt32LE(1, 20);
writeSync(fd, header);

const PER_CHUNK = 8192;
const chunk = Buffer.alloc(PER_CHUNK * 2 * RECORD);
let seed = 0x2545f491;
const random32 = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
};
for (let first = 0; first < count; first += PER_CHUNK) {
  const last = Math.min(count, first + PER_CHUNK);
  let p = 0;
  for (let i = first; i < last; i++) {
    const host = Math.floor(i / 60000) + 1;
    const target = [10, (host >> 16) & 0xff, (host >> 8) & 0xff, host & 0xff];
    const scanPort = 1024 + (i % 60000);
    const micros = BASE_TS * 1e6 + i * 10;
    const isn = random32();
    const peerIsn = random32();
    writeRecord(chunk, p, micros, SCANNER, target, scanPort, 80, isn, 0, 0x02);
    p += RECORD;
    writeRecord(chunk, p, micros + 5, target, SCANNER, 80, scanPort, peerIsn, isn + 1, 0x12);
    p += RECORD;
  }
  writeSync(fd, chunk, 0, p);
}
closeSync(fd);
