#!/usr/bin/env node
// Writes a capture of one TCP flow: an HTTP GET and its answer, a CSV download of N bytes of
// body (rows `row,chicken-row,weight,timestamp`, a 1 MiB block of them repeated), with one
// unique row near the end (NEEDLE, ~4 MiB before it) and a unique last row (LAST_ROW): what the
// TUI bench opens, jumps to the end of and searches. Handshake, 1448-byte segments from the
// server (no ACKs from the client: reassembly does not need them), FIN from both sides.
// Timestamps advance 12 µs per segment (~120 MB/s), so no idle timeout fires.
// Classic pcap, Ethernet, IPv4; IP and TCP checksums correct. Standalone: needs no build.
// Usage: node bench/csvFlow.mjs OUT.pcap BODY_BYTES   (prints one JSON line: the rows to look for)
import { closeSync, openSync, writeSync } from 'node:fs';
import { FRAME_HEADERS, writePcapHeader, writeTcpRecord } from './pcapFrames.mjs';

export const NEEDLE = '424242,the-golden-chicken,999,2026-12-02T09:00:00Z';
export const LAST_ROW = '999999999,the-last-chicken,1,2026-12-02T10:00:00Z';
const NEEDLE_BEFORE_END = 4 << 20;

const MSS = 1448;
const CLIENT = [10, 1, 0, 2];
const SERVER = [10, 1, 0, 1];
const CLIENT_PORT = 50123;
const SERVER_PORT = 80;
const BASE_US = 1_764_666_000 * 1e6;

function main() {
  const [out, bytesText] = process.argv.slice(2);
  const bodyBytes = Number(bytesText);
  if (!out || !Number.isInteger(bodyBytes) || bodyBytes < 2 * NEEDLE_BEFORE_END) {
    process.stderr.write(`usage: node bench/csvFlow.mjs OUT.pcap BODY_BYTES (>= ${2 * NEEDLE_BEFORE_END})\n`);
    process.exit(2);
  }
  const fd = openSync(out, 'w');
  writePcapHeader(fd);

  const writer = new PacketWriter(fd);
  const cIsn = 0x11223344;
  const sIsn = 0xfedcba98;
  let micros = BASE_US;
  writer.packet(micros, true, cIsn, 0, 0x02, EMPTY);
  writer.packet((micros += 100), false, sIsn, cIsn + 1, 0x12, EMPTY);
  writer.packet((micros += 100), true, cIsn + 1, sIsn + 1, 0x10, EMPTY);
  const request = Buffer.from('GET /export.csv HTTP/1.1\r\nHost: farm.example\r\nAccept: text/csv\r\n\r\n');
  writer.packet((micros += 100), true, cIsn + 1, sIsn + 1, 0x18, request);
  const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
  let seq = sIsn + 1;
  const ack = cIsn + 1 + request.length;
  const segment = Buffer.alloc(MSS);
  let filled = 0;
  const flush = () => {
    writer.packet((micros += 12), false, seq, ack, 0x18, segment.subarray(0, filled));
    seq = (seq + filled) >>> 0;
    filled = 0;
  };
  const send = (bytes) => {
    for (let at = 0; at < bytes.length; ) {
      const n = Math.min(bytes.length - at, MSS - filled);
      bytes.copy(segment, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === MSS) flush();
    }
  };
  send(head);
  for (const piece of body(bodyBytes)) send(piece);
  if (filled > 0) flush();
  writer.packet((micros += 100), false, seq, ack, 0x11, EMPTY);
  writer.packet((micros += 100), true, ack, seq + 1, 0x11, EMPTY);
  writer.packet((micros += 100), false, seq + 1, ack + 1, 0x10, EMPTY);
  writer.close();
  closeSync(fd);
  process.stdout.write(JSON.stringify({ file: out, bodyBytes, packets: writer.packets, needle: NEEDLE, lastRow: LAST_ROW }) + '\n');
}

const EMPTY = Buffer.alloc(0);
const PAD_ROW = Buffer.from('-'.repeat(63) + '\n');

/** The body: the block repeated, NEEDLE as a row ~4 MiB before the end, LAST_ROW last; exactly `total` bytes. */
function* body(total) {
  let text = '';
  for (let row = 0; text.length < 1 << 20; row++) text += `${row},chicken-${row},${(row * 7) % 1000},2026-12-02T09:00:00Z\n`;
  const block = Buffer.from(text);
  const needle = Buffer.from(`${NEEDLE}\n`);
  const last = Buffer.from(`${LAST_ROW}\n`);
  const fill = function* (bytes) {
    for (; bytes >= block.length; bytes -= block.length) yield block;
    // Pad the remainder with short rows of dashes, so every row stays whole and short.
    for (; bytes >= 64; bytes -= 64) yield PAD_ROW;
    if (bytes > 0) yield Buffer.from('-'.repeat(bytes - 1) + '\n');
  };
  const beforeNeedle = total - NEEDLE_BEFORE_END - needle.length;
  yield* fill(beforeNeedle);
  yield needle;
  yield* fill(NEEDLE_BEFORE_END - last.length);
  yield last;
}

/** Writes the flow's Ethernet/IPv4/TCP records, batched into large writes. */
class PacketWriter {
  constructor(fd) {
    this.fd = fd;
    this.buffer = Buffer.alloc(4 << 20);
    this.at = 0;
    this.packets = 0;
  }

  packet(micros, fromClient, seq, ack, flags, payload) {
    if (this.at + 16 + FRAME_HEADERS + payload.length > this.buffer.length) this.drain();
    this.at = writeTcpRecord(this.buffer, this.at, {
      micros, fromFirst: fromClient, src: fromClient ? CLIENT : SERVER, dst: fromClient ? SERVER : CLIENT,
      srcPort: fromClient ? CLIENT_PORT : SERVER_PORT, dstPort: fromClient ? SERVER_PORT : CLIENT_PORT,
      seq, ack, flags, window: 65535, ipId: this.packets & 0xffff, payload,
    });
    this.packets++;
  }

  drain() {
    writeSync(this.fd, this.buffer, 0, this.at);
    this.at = 0;
  }

  close() {
    this.drain();
  }
}

main();
