#!/usr/bin/env node
// Line-protocol parser (`npm run bench:lines`): LineConversation over synthetic ~44 MB line
// flows fed in 1448-byte segments, as a capture delivers them. Prints MB/s per shape (median and
// spread of the runs), by wall time and by CPU time (user + system, GC threads included; less
// disturbed by other load on a shared machine); it is not a timed test. Shapes:
//   - short: a Redis inline bulk load (~30-byte commands, pipelined; `+OK` replies);
//   - long: a log stream over TCP (lines of 2–4 KB);
//   - smtp: an SMTP session whose DATA body is one 40 MB block (76-byte lines, dot-stuffed ones).
// Reference, measured in the same run: the same segments through a bare `indexOf(LF)` loop (the
// floor any line parser pays). With `--against DIR` (another build's dist/, e.g. main's; may be
// repeated), that build's LineConversation runs on the same data too. Each run prints a digest of its result
// (items and notes), so two builds can be checked to agree.
// Usage: node bench/lines.mjs [--rounds N (default 5)] [--against DIST_DIR]...   (needs npm run build)
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadGenerator } from './generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const SEGMENT = 1448;
const FLOW_BYTES = 44 * 1000 * 1000;

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let rounds = 5;
const against = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--against') against.push(resolve(argv[++i] ?? ''));
  else fail(`unknown argument ${argv[i]}`);
}
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds needs a whole number >= 1');
const load = async (dist) => {
  const file = join(dist, 'messages/lines.js');
  if (!existsSync(file)) fail(`no build at ${dist} (run npm run build)`);
  return (await import(pathToFileURL(file).href)).LineConversation;
};
// The tests' seeded generator (mulberry32): the bench's data is the same at every run.
const { mulberry32 } = await loadGenerator();
const builds = [['this build', await load(join(root, 'dist'))]];
for (const dist of against) builds.push([`--against ${dist}`, await load(dist)]);

/** Lines from `next()` joined until `bytes` are reached, as one Buffer. */
function textOf(bytes, next) {
  const parts = [];
  let length = 0;
  while (length < bytes) {
    const line = next();
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** A flow as steps: [dir, bytes]; each step is fed in SEGMENT-byte segments, in order. */
function redisShape() {
  const random = mulberry32(1);
  const steps = [];
  let total = 0;
  for (let batch = 0; total < FLOW_BYTES; batch++) {
    let n = 0;
    const commands = textOf(64 * 1024, () => {
      n++;
      const key = Math.floor(random() * 1e6);
      return random() < 0.8 ? `SET user:${key} v${key.toString(36)}x\r\n` : `INCR hits:${key % 977}\r\n`;
    });
    steps.push(['c2s', commands], ['s2c', Buffer.from('+OK\r\n'.repeat(n))]);
    total += commands.length + 5 * n;
  }
  return steps;
}

function logShape() {
  const random = mulberry32(2);
  const words = ['GET', 'chicken', 'coop', 'status=200', 'latency_ms=12', 'user=42', 'region=eu-west', 'feed', 'egg', 'trace'];
  const line = () => {
    const length = 2048 + Math.floor(random() * 2048);
    let text = `2026-12-02T09:00:00.${Math.floor(random() * 1e6)}Z INFO`;
    while (text.length < length) text += ` ${words[Math.floor(random() * words.length)]}`;
    return `${text.slice(0, length)}\n`;
  };
  return [['c2s', Buffer.from('TAIL app.log\n')], ['s2c', textOf(FLOW_BYTES, line)]];
}

function smtpShape() {
  const random = mulberry32(3);
  const text = (s) => Buffer.from(s, 'latin1');
  const body = textOf(40 * 1000 * 1000, () => {
    const r = random();
    if (r < 0.02) return '.. a dot-stuffed line, one of a few\r\n';
    if (r < 0.04) return '\r\n';
    return `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do. '.slice(0, 40 + Math.floor(random() * 34))}\r\n`;
  });
  const steps = [
    ['s2c', text('220 mail.example.com ESMTP Postfix\r\n')],
    ['c2s', text('EHLO laptop.example.com\r\n')],
    ['s2c', text('250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 104857600\r\n250 8BITMIME\r\n')],
    ['c2s', text('MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n')],
    ['s2c', text('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n')],
    ['c2s', Buffer.concat([text('Subject: a big one\r\nContent-Type: text/plain\r\n\r\n'), body, text('.\r\n')])],
    ['s2c', text('250 2.0.0 Ok: queued as 4242\r\n')],
  ];
  // The rest of the 44 MB: more short transactions on the same connection.
  let total = steps.reduce((n, [, b]) => n + b.length, 0);
  for (let m = 0; total < FLOW_BYTES; m++) {
    const c = text(`MAIL FROM:<m${m}@example.com>\r\nRCPT TO:<b@example.com>\r\nRSET\r\n`);
    const s = text('250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n');
    steps.push(['c2s', c], ['s2c', s]);
    total += c.length + s.length;
  }
  steps.push(['c2s', text('QUIT\r\n')], ['s2c', text('221 2.0.0 Bye\r\n')]);
  return steps;
}

/** A flow's steps cut into SEGMENT-byte segments, done before timing (a capture delivers them so). */
function segmentsOf(steps) {
  const out = [];
  const offsets = { c2s: 0, s2c: 0 };
  for (const [dir, bytes] of steps) {
    for (let at = 0; at < bytes.length; at += SEGMENT) out.push({ dir, offset: offsets[dir] + at, bytes: bytes.subarray(at, at + SEGMENT) });
    offsets[dir] += bytes.length;
  }
  return out;
}

/** Feeds a flow's segments; returns the conversation. */
function parse(LineConversation, segments) {
  const lines = new LineConversation('c2s');
  for (let k = 0; k < segments.length; k++) {
    const { dir, offset, bytes } = segments[k];
    lines.feed(dir, offset, bytes, k + 1);
  }
  lines.end('c2s');
  lines.end('s2c');
  return lines;
}

/** The floor: the same segments, each scanned for its line ends. */
function scanOnly(segments) {
  let count = 0;
  for (const { bytes } of segments) {
    for (let lf = bytes.indexOf(0x0a); lf >= 0; lf = bytes.indexOf(0x0a, lf + 1)) count++;
  }
  return count;
}

function digest(lines) {
  const hash = createHash('sha1');
  for (const i of lines.items) hash.update(`${i.kind} ${i.dir} ${i.offset} ${i.length} ${i.firstTs} ${i.lastTs} ${i.complete} ${i.text}\n`);
  for (const n of lines.notes) hash.update(`note ${n.dir} ${n.offset} ${n.text}\n`);
  hash.update(`raw ${lines.rawFrom('c2s')} ${lines.rawFrom('s2c')}`);
  return hash.digest('hex').slice(0, 12);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const timed = (f) => {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = f();
  const cpu = process.cpuUsage(cpuStarted);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, result };
};
const rate = (bytes, xs) => {
  const mbs = xs.map((s) => bytes / 1e6 / s);
  return `${median(mbs).toFixed(0)} MB/s (${Math.min(...mbs).toFixed(0)}–${Math.max(...mbs).toFixed(0)})`;
};

process.stdout.write(`LineConversation, ${SEGMENT}-byte segments, median (min–max) of ${rounds} runs\n`);
for (const [name, make] of [['short', redisShape], ['long', logShape], ['smtp', smtpShape]]) {
  const steps = make();
  const bytes = steps.reduce((n, [, b]) => n + b.length, 0);
  const segments = segmentsOf(steps);
  const scans = [];
  for (let r = 0; r < rounds; r++) scans.push(timed(() => scanOnly(segments)).seconds);
  const rows = [`  reference (indexOf(LF) only): ${rate(bytes, scans)}`];
  let items = 0;
  for (const [label, LineConversation] of builds) {
    parse(LineConversation, segmentsOf(steps.slice(0, 8).map(([dir, b]) => [dir, b.subarray(0, 1 << 18)]))); // warm-up
    const runs = [];
    const cpuRuns = [];
    const digests = new Set();
    for (let r = 0; r < rounds; r++) {
      const { seconds, cpuSeconds, result } = timed(() => parse(LineConversation, segments));
      runs.push(seconds);
      cpuRuns.push(cpuSeconds);
      digests.add(digest(result));
      items = result.items.length;
    }
    rows.push(`  ${label}: ${rate(bytes, runs)}; by CPU time ${rate(bytes, cpuRuns)}; result ${[...digests].join(' ')}`);
  }
  process.stdout.write(`${name}: ${(bytes / 1e6).toFixed(1)} MB, ${items} items kept\n${rows.join('\n')}\n`);
}
