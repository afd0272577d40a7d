#!/usr/bin/env node
// Proxy benchmark. Prints figures; it is not a timed test.
//
// Throughput of a bulk transfer over loopback (client -> server, default 1 GiB, best of
// --repeat runs): direct; through the RecordingProxy with a recording sink that copies every
// chunk into a bounded ring buffer; through the RecordingProxy with a no-op sink; through socat
// (when installed; default 8 KiB buffer and with -b 131072).
// Round-trip latency of a small request/response (64 bytes each way): direct, through the
// recording proxy, through socat. One run's p99 swings by 2x on a small VM, so latency is
// measured in --rounds interleaved rounds (default 5): in each round every variant takes its
// turn (the starting variant rotates from round to round) on a fresh connection, with 500
// warm-up round trips, then --round-trips measured ones (default 5000). Printed per variant:
// the median over rounds of p50 and of p99, the spread of the round p99s (min-max), and the
// worst single round trip.
// Accept latency under load: bench/busyLoad.mjs (its own process) runs an echo server and 100
// clients writing through the variant as fast as they can (the time until all of them got an echo
// is printed); then --probes new connections,
// one after the other, each send 4 bytes: connect -> first echo byte, p50/p99/max, and the
// probes that got no echo within 10 s. Variants: direct (the echo server itself), the recording
// proxy, socat (one process per connection).
// Each proxy runs in its own process (like socat), the load generator in this one.
// Targets: recording proxy throughput >= socat; p99 added latency <= 1 ms, where added latency
// is the recording proxy's median p99 minus direct's median p99; accept latency p99 under load
// < 100 ms.
//
// Usage: node bench/proxy.mjs [--bytes N] [--repeat N] [--rounds N] [--round-trips N] [--probes N]
//   --round-trips is per variant and round.
// Needs a build: npx tsc -p .   (imports ../dist/proxy/proxy.js)
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const RING_BYTES = 64 * 1024 * 1024;
const REQUEST = Buffer.alloc(64, 0x71);
const REPLY = Buffer.alloc(64, 0x72);
const WARM_UP_ROUND_TRIPS = 500;
const BUSY_CONNECTIONS = 100;

// ---- child mode: run one RecordingProxy, print its port ------------------------------------
if (process.argv[2] === '--child-proxy') {
  const { RecordingProxy } = await import('../dist/proxy/proxy.js');
  const targetPort = Number(process.argv[3]);
  const recording = process.argv[4] === 'record';
  const ring = new Uint8Array(RING_BYTES);
  let ringPos = 0;
  let events = 0;
  // Simulates a store: every data chunk is copied into a bounded ring buffer.
  const recordingSink = (event) => {
    events++;
    if (event.type !== 'data') return;
    const bytes = event.bytes;
    let from = 0;
    while (from < bytes.length) {
      const n = Math.min(bytes.length - from, RING_BYTES - ringPos);
      ring.set(from === 0 && n === bytes.length ? bytes : bytes.subarray(from, from + n), ringPos);
      ringPos = (ringPos + n) % RING_BYTES;
      from += n;
    }
  };
  let nextId = 1;
  const proxy = new RecordingProxy({
    spec: { bindAddress: '127.0.0.1', bindPort: 0, targetHost: '127.0.0.1', targetPort },
    emit: recording ? recordingSink : () => { events++; },
    nextFlowId: () => nextId++,
  });
  const { port } = await proxy.listen();
  process.stdout.write(`${port}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await proxy.close();
    process.stderr.write(`proxy child: ${events} events, ${JSON.stringify(proxy.stats)}\n`);
    process.exit(0);
  });
} else {
  await main();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const totalBytes = args['--bytes'] ?? 1024 * 1024 * 1024;
  const roundTrips = args['--round-trips'] ?? 5000;
  const rounds = args['--rounds'] ?? 5;
  const repeat = args['--repeat'] ?? 3;
  const probes = args['--probes'] ?? 50;
  const hasSocat = spawnSync('socat', ['-V']).status === 0;

  const sink = await startSinkServer();
  const echo = await startEchoServer();

  console.log(`proxy bench: ${fmtBytes(totalBytes)} bulk (best of ${repeat}), ${rounds} rounds of ${roundTrips} round trips of 64 B; node ${process.version}`);
  const via = [];
  via.push({ name: 'direct', bulkPort: sink.port, echoPort: echo.port, stop: async () => {} });
  via.push({ name: 'recording proxy', ...(await twoProxies(() => startChildProxy, 'record', sink.port, echo.port)) });
  via.push({ name: 'proxy, no-op sink', ...(await twoProxies(() => startChildProxy, 'noop', sink.port, echo.port)) });
  if (hasSocat) {
    via.push({ name: 'socat', ...(await twoProxies(() => startSocat, [], sink.port, echo.port)) });
    via.push({ name: 'socat -b 131072', ...(await twoProxies(() => startSocat, ['-b', '131072'], sink.port, echo.port)) });
  } else {
    console.log('socat not installed: skipping the socat comparison');
  }

  const results = {};
  console.log('\nthroughput (client -> server, bulk)');
  for (const v of via) {
    let best = 0;
    for (let i = 0; i < repeat; i++) best = Math.max(best, await bulk(v.bulkPort, totalBytes, sink));
    results[v.name] = { mbps: best };
    console.log(`  ${v.name.padEnd(20)} ${(best / 1e6).toFixed(0).padStart(6)} MB/s`);
  }
  console.log(`\nround-trip latency (64 B request, 64 B reply; ${rounds} interleaved rounds of ${WARM_UP_ROUND_TRIPS} warm-up + ${roundTrips} round trips)`);
  const latVia = via.filter((v) => v.name !== 'proxy, no-op sink' && v.name !== 'socat -b 131072');
  const perRound = new Map(latVia.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < latVia.length; k++) {
      const v = latVia[(round + k) % latVia.length]; // rotate who goes first
      perRound.get(v.name).push(await latency(v.echoPort, roundTrips));
    }
  }
  console.log(`  ${''.padEnd(20)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}   ${'p99 spread'.padEnd(19)} ${'max'.padStart(8)}`);
  for (const v of latVia) {
    const runs = perRound.get(v.name);
    const p99s = runs.map((r) => r.p99);
    const lat = { p50: median(runs.map((r) => r.p50)), p99: median(p99s), p99Min: Math.min(...p99s), p99Max: Math.max(...p99s), max: Math.max(...runs.map((r) => r.max)) };
    results[v.name].lat = lat;
    const spread = `${fmtUs(lat.p99Min)} – ${fmtUs(lat.p99Max)}`;
    console.log(`  ${v.name.padEnd(20)} ${fmtUs(lat.p50).padStart(8)} ${fmtUs(lat.p99).padStart(8)}   ${spread.padEnd(19)} ${fmtUs(lat.max).padStart(8)}`);
  }
  console.log('  (p50, p99: median over rounds; p99 spread: min – max of the rounds\' p99; max: worst round trip of all rounds)');
  for (const v of via) await v.stop();
  sink.server.close();
  echo.server.close();

  console.log(`\naccept latency under load (${BUSY_CONNECTIONS} connections echoing at full speed; ${probes} new connections: connect -> first echo)`);
  const acceptVia = [['direct', null], ['recording proxy', (port) => startChildProxy('record', port)]];
  if (hasSocat) acceptVia.push(['socat', (port) => startSocat([], port)]);
  for (const [name, start] of acceptVia) {
    const r = await acceptUnderLoad(start, probes);
    results[name].accept = r;
    const missed = r.missed ? `, ${r.missed} without an echo in 10 s` : '';
    console.log(`  ${name.padEnd(20)} p50 ${fmtMs(r.p50).padStart(9)}  p99 ${fmtMs(r.p99).padStart(9)}  max ${fmtMs(r.max).padStart(9)}  (all ${BUSY_CONNECTIONS} relaying after ${Number.isFinite(r.rampMs) ? fmtMs(r.rampMs) : 'more than 30 s'})${missed}`);
  }

  console.log('\ntargets');
  const rec = results['recording proxy'];
  if (results.socat) {
    const ratio = rec.mbps / results.socat.mbps;
    console.log(`  recording proxy >= socat throughput: ${(rec.mbps / 1e6).toFixed(0)} vs ${(results.socat.mbps / 1e6).toFixed(0)} MB/s (x${ratio.toFixed(2)}) ${ratio >= 1 ? 'MET' : 'NOT MET'}`);
  }
  const added = rec.lat.p99 - results.direct.lat.p99;
  console.log(`  p99 added latency <= 1 ms: ${fmtUs(added)} (median p99 ${fmtUs(rec.lat.p99)} - direct ${fmtUs(results.direct.lat.p99)}) ${added <= 1000 ? 'MET' : 'NOT MET'}`);
  const acc = rec.accept;
  console.log(`  accept latency p99 under load < 100 ms: ${fmtMs(acc.p99)}${acc.missed ? ` (${acc.missed} missed)` : ''} ${acc.p99 < 100 && !acc.missed ? 'MET' : 'NOT MET'}`);
}


/**
 * Starts bench/busyLoad.mjs, puts `start(echoPort)` (a proxy; null: none) in front of its echo
 * server, lets BUSY_CONNECTIONS clients run through it for a second, then times `probes` new
 * connections one after the other (ms from connect to the first echo byte).
 */
async function acceptUnderLoad(start, probes) {
  const load = spawn(process.execPath, [fileURLToPath(new URL('busyLoad.mjs', import.meta.url)), String(BUSY_CONNECTIONS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  load.stdout.on('data', (c) => { out += c; });
  const line = async (pattern, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return pattern.exec(out);
  };
  const echoPort = Number((await line(/^echo (\d+)$/m))[1]);
  const proxy = start ? await start(echoPort) : { port: echoPort, stop: async () => {} };
  load.stdin.write(`${proxy.port}\n`);
  const loadStarted = process.hrtime.bigint();
  const rampMs = (await line(/^flowing \d+$/m)) ? Number(process.hrtime.bigint() - loadStarted) / 1e6 : Infinity;
  await new Promise((r) => setTimeout(r, 500));
  const samples = [];
  let missed = 0;
  for (let i = 0; i < probes; i++) {
    const t0 = process.hrtime.bigint();
    const ok = await new Promise((resolve) => {
      const s = net.connect(proxy.port, '127.0.0.1');
      const timer = setTimeout(() => { s.destroy(); resolve(false); }, 10_000);
      s.once('error', () => { clearTimeout(timer); resolve(false); });
      s.once('connect', () => s.write('ping'));
      s.once('data', () => { clearTimeout(timer); s.destroy(); resolve(true); });
    });
    if (ok) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    else missed++;
  }
  const exited = new Promise((r) => load.once('exit', r));
  load.stdin.end();
  await exited;
  await proxy.stop();
  samples.sort((a, b) => a - b);
  const at = (q) => samples.length === 0 ? Infinity : samples[Math.min(samples.length - 1, Math.floor(samples.length * q))];
  return { rampMs, p50: at(0.5), p99: missed ? Infinity : at(0.99), max: missed ? Infinity : samples[samples.length - 1], missed };
}

// ---- load generators ---------------------------------------------------------------------
/** A server that counts and discards what it receives; `waitFor(n)` resolves when n more bytes arrived. */
async function startSinkServer() {
  let received = 0;
  let waiter;
  const server = net.createServer((s) => {
    s.on('data', (c) => {
      received += c.length;
      if (waiter && received >= waiter.target) { const w = waiter; waiter = undefined; w.resolve(); }
    });
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: server.address().port,
    waitFor(n) { return new Promise((resolve) => { waiter = { target: received + n, resolve }; }); },
  };
}

/** A server that answers every 64-byte message with 64 bytes. */
async function startEchoServer() {
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    let pending = 0;
    s.on('data', (c) => {
      pending += c.length;
      while (pending >= 64) { pending -= 64; s.write(REPLY); }
    });
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: server.address().port };
}

/** Sends `total` bytes to port; resolves with bytes/second measured until the sink got them all. */
async function bulk(port, total, sink) {
  const socket = await connectTo(port);
  const block = Buffer.alloc(1024 * 1024, 0x5a);
  const arrived = sink.waitFor(total);
  const started = process.hrtime.bigint();
  let sent = 0;
  while (sent < total) {
    const n = Math.min(block.length, total - sent);
    sent += n;
    if (!socket.write(n === block.length ? block : block.subarray(0, n))) {
      await new Promise((r) => socket.once('drain', r));
    }
  }
  await arrived;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  return total / seconds;
}

/**
 * Ping-pong of 64-byte messages on a fresh connection: WARM_UP_ROUND_TRIPS unmeasured, then
 * `count` measured; resolves with p50/p99/max in microseconds.
 */
async function latency(port, count) {
  const socket = await connectTo(port);
  socket.setNoDelay(true);
  const samples = new Float64Array(count);
  let pending = 0;
  let resolveReply;
  socket.on('data', (c) => {
    pending += c.length;
    if (pending >= 64 && resolveReply) { pending -= 64; const r = resolveReply; resolveReply = undefined; r(); }
  });
  for (let i = -WARM_UP_ROUND_TRIPS; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const reply = new Promise((r) => { resolveReply = r; });
    socket.write(REQUEST);
    await reply;
    if (i >= 0) samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  socket.destroy();
  samples.sort();
  return { p50: samples[Math.floor(count * 0.5)], p99: samples[Math.floor(count * 0.99)], max: samples[count - 1] };
}

function connectTo(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => { s.off('error', reject); resolve(s); });
    s.once('error', reject);
  });
}

// ---- proxies under test ------------------------------------------------------------------
async function twoProxies(getStarter, option, bulkTarget, echoTarget) {
  const start = getStarter();
  const a = await start(option, bulkTarget);
  const b = await start(option, echoTarget);
  return { bulkPort: a.port, echoPort: b.port, stop: async () => { await a.stop(); await b.stop(); } };
}

async function startChildProxy(mode, targetPort) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child-proxy', String(targetPort), mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`proxy child exited with ${code} (is dist/ built? npx tsc -p .)`)));
    child.stdout.once('data', (c) => resolve(Number(c.toString().trim())));
  });
  child.removeAllListeners('exit');
  return {
    port,
    stop: () => new Promise((resolve) => {
      const killer = setTimeout(() => { process.stderr.write('proxy child did not exit, killing it\n'); child.kill('SIGKILL'); }, 5000);
      child.once('exit', () => { clearTimeout(killer); resolve(); });
      child.stdin.end();
    }),
  };
}

async function startSocat(extraArgs, targetPort) {
  const port = await freePort();
  const child = spawn('socat', [...extraArgs, `TCP-LISTEN:${port},reuseaddr,fork,bind=127.0.0.1`, `TCP:127.0.0.1:${targetPort}`], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) { // wait until it listens
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }) };
}

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

// ---- formatting --------------------------------------------------------------------------
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!['--bytes', '--round-trips', '--rounds', '--repeat', '--probes'].includes(argv[i])) {
      process.stderr.write(`bench/proxy: unknown argument ${argv[i]} (see the header)\n`);
      process.exit(2);
    }
    const v = Number(argv[++i]);
    if (!Number.isFinite(v) || v <= 0) { process.stderr.write(`bench/proxy: ${argv[i - 1]} needs a positive number\n`); process.exit(2); }
    out[argv[i - 1]] = v;
  }
  return out;
}
/** Median of a non-empty list (mean of the two middle values for an even count). */
function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function fmtBytes(n) { return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : `${(n / (1 << 20)).toFixed(0)} MiB`; }
function fmtMs(ms) { return Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : '-'; }
function fmtUs(us) { return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`; }
