#!/usr/bin/env node
// Loopback traffic for bench/live.mjs: a server on 127.0.0.1:PORT that discards what it gets,
// and CONNECTIONS clients that send for SECONDS, together at RATE bytes/s (paced in 5 ms steps)
// or as fast as they can (RATE 0). Prints one JSON line: {bytes, seconds, mbPerSecond}.
// Usage: node bench/live-traffic.mjs PORT RATE SECONDS [CONNECTIONS (default 4)]
import { createServer, connect } from 'node:net';
import { once } from 'node:events';

const [port, rate, seconds, connections = 4] = process.argv.slice(2).map(Number);
if (!Number.isInteger(port) || !Number.isFinite(rate) || !(seconds > 0)) {
  process.stderr.write('usage: node bench/live-traffic.mjs PORT RATE SECONDS [CONNECTIONS]\n');
  process.exit(2);
}

const STEP_MS = 5;
const block = Buffer.alloc(256 * 1024, 'flowspy live bench ');

const server = createServer((socket) => {
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
});
server.listen(port, '127.0.0.1');
await once(server, 'listening');

let sent = 0;
const started = performance.now();
const deadline = started + seconds * 1000;

/** Sends as fast as the socket takes it, until the deadline. */
async function flood(socket) {
  while (performance.now() < deadline) {
    if (!socket.write(block)) await once(socket, 'drain');
    sent += block.length;
  }
}

/** Sends `share` bytes/s in STEP_MS steps, catching up on the schedule (never ahead of it). */
async function paced(socket, share) {
  let owed = 0;
  let last = performance.now();
  while (last < deadline) {
    await new Promise((r) => setTimeout(r, STEP_MS));
    const now = Math.min(performance.now(), deadline);
    owed += ((now - last) / 1000) * share;
    last = now;
    while (owed >= 1) {
      const n = Math.min(block.length, Math.floor(owed));
      owed -= n;
      sent += n;
      if (!socket.write(block.subarray(0, n))) await once(socket, 'drain');
    }
  }
}

const sockets = [];
for (let i = 0; i < connections; i++) {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  sockets.push(socket);
}
await Promise.all(sockets.map((s) => (rate > 0 ? paced(s, rate / connections) : flood(s))));
for (const s of sockets) s.end();
await Promise.all(sockets.map((s) => once(s, 'close')));
server.close();
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ bytes: sent, seconds: elapsed, mbPerSecond: sent / 1e6 / elapsed }) + '\n');
