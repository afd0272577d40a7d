#!/usr/bin/env node
// Writes a SYN-scan capture: N half-open connections, each a SYN from the scanner and the
// target's SYN-ACK, never completed, never reset, no data (what a port scan leaves in a flow
// table). Every connection has its own 4-tuple: scanner 10.255.0.1 (source port 1024 + i mod
// 60000) to target 10.a.b.c (one address per 60000 connections) port 80.
// Timestamps advance 10 µs per connection, so 1M connections span 10 s (no idle timeout fires).
// Classic pcap, Ethernet, IPv4 and TCP checksums correct. Standalone: needs no build.
// Usage: node bench/synScan.mjs OUT.pcap N
import { closeSync, openSync, writeSync } from 'node:fs';
import { FRAME_HEADERS, writePcapHeader, writeTcpRecord } from './pcapFrames.mjs';

const [out, countText] = process.argv.slice(2);
const count = Number(countText);
if (!out || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: node bench/synScan.mjs OUT.pcap N (N >= 1 connections)\n');
  process.exit(2);
}

const RECORD = 16 + FRAME_HEADERS;
const NO_DATA = { window: 64240, ipId: 0, payload: Buffer.alloc(0) };
const SCANNER = [10, 255, 0, 1];
const BASE_TS = 1_700_000_000;

const fd = openSync(out, 'w');
writePcapHeader(fd);

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
    p = writeTcpRecord(chunk, p, { micros, fromFirst: true, src: SCANNER, dst: target, srcPort: scanPort, dstPort: 80, seq: isn, ack: 0, flags: 0x02, ...NO_DATA });
    p = writeTcpRecord(chunk, p, { micros: micros + 5, fromFirst: true, src: target, dst: SCANNER, srcPort: 80, dstPort: scanPort, seq: peerIsn, ack: isn + 1, flags: 0x12, ...NO_DATA });
  }
  writeSync(fd, chunk, 0, p);
}
closeSync(fd);
