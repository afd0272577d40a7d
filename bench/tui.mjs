#!/usr/bin/env node
// TUI benchmark (`npm run bench:tui`): drives the real app (bin/flowspy) in a pseudo-terminal
// (80x24, TERM xterm-256color, UTF-8), its output parsed by @xterm/headless, and measures from
// the screen. Prints figures with their targets and the references measured in the same run; it
// is not a timed test. Runs are repeated and interleaved (2 noisy cores): min / median / max.
// Verdicts: latencies on the p99 of all keys; times, rates and ratios on the median of the runs
// (the spread is printed beside it); peak RSS on the worst run; idle CPU on the worst run.
//   1. big     the 436 MB bench capture (bench/out/big.pcap, as bench/run.mjs makes it): spawn ->
//              first flows on screen, spawn -> fully loaded (no `loading` in the status row)
//              against the headless model load (bench/model-load.mjs, bundled as the CLI is,
//              whole process), alternating; `j` -> selection moved, while it loads.
//   2. scan    a SYN scan of 200,000 flows (bench/synScan.mjs): keystroke -> screen updated for
//              `j`, `PgDn`, `G`, `g`, and applying a filter (`:8080`) and clearing it; reference:
//              `j`/`k` on the demo capture (the floor: pty, blessed, emulator); load and RSS beside
//              the headless model load's.
//   3. csv     one flow of 1 GiB (bench/csvFlow.mjs, a CSV download): `Enter`, `G`, `/` search for
//              a row ~4 MiB before the end, peak RSS (VmHWM) of the flowspy process; references:
//              the headless model load of the file (time, RSS), a bare read + indexOf to the row.
//   4. proxy   a 512 MiB upload through `-L` with the TUI open (and paused with `p`: the screen's
//              share) vs `--no-tui -q` (stdout to /dev/null; and with -o to /dev/shm): MB/s. Also
//              as an HTTP POST of a CSV body, which the TUI follows in its messages mode (body
//              preview), open and paused.
//   5. idle    CPU (utime + stime from /proc) of TUIs on the loaded demo capture, two 10 s windows;
//              also under node --no-memory-reducer (V8's own timed GCs left out).
// Usage: node bench/tui.mjs [--rounds N (default 5)] [--only big,scan,csv,proxy,idle]
//                           [--proxy-bytes N (default 512 MiB)]        Needs a build (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleModelLoad, ensureBigCapture } from './benchFiles.mjs';
import { freePort, loadGenerator } from './loopback.mjs';
import { cpuMs, peakRssMb, runProcess, wakeups } from './processStats.mjs';
import { PtyScreen } from './ptyScreen.mjs';
import { ensureCsvCapture, ensureScanCapture } from './tuiCaptures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const flowspy = join(root, 'bin', 'flowspy');
const demo = join(root, 'demo', 'demo.pcap');
const ENV = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
delete ENV.TMUX;
delete ENV.NO_COLOR;

// ---- arguments -------------------------------------------------------------------------------
const SECTIONS = ['big', 'scan', 'csv', 'proxy', 'idle'];
let rounds = 5;
let only = SECTIONS;
let proxyBytes = 512 << 20;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const value = argv[++i];
  if (argv[i - 1] === '--rounds' && Number(value) >= 1) rounds = Math.floor(Number(value));
  else if (argv[i - 1] === '--proxy-bytes' && Number(value) >= 1 << 20) proxyBytes = Math.floor(Number(value));
  else if (argv[i - 1] === '--only' && value && value.split(',').every((s) => SECTIONS.includes(s))) only = value.split(',');
  else fail(`unknown or bad argument ${argv[i - 1]} (see the header of bench/tui.mjs)`);
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

// ---- figures ---------------------------------------------------------------------------------
const sorted = (values) => [...values].sort((a, b) => a - b);
const median = (values) => sorted(values)[Math.floor(values.length / 2)];
const percentile = (values, p) => sorted(values)[Math.min(values.length - 1, Math.floor(p * values.length))];
const fmt = (n, digits = 0) => n.toFixed(digits);
/** `median M (min A, max B)` of runs, in `unit`. */
const spread = (values, unit, digits = 0) =>
  `median ${fmt(median(values), digits)} ${unit} (min ${fmt(Math.min(...values), digits)}, max ${fmt(Math.max(...values), digits)}, ${values.length} runs)`;
/** p50/p99 of key samples, and the spread of the per-run p99s. */
const latency = (perRun) => {
  const all = perRun.flat();
  const p99s = perRun.map((run) => percentile(run, 0.99));
  return `p50 ${fmt(percentile(all, 0.5), 1)} ms, p99 ${fmt(percentile(all, 0.99), 1)} ms, max ${fmt(Math.max(...all), 1)} ms ` +
    `(${all.length} keys; per-run p99 ${p99s.map((v) => fmt(v, 1)).join(' / ')})`;
};
const verdict = (ok) => (ok ? 'MET' : 'NOT MET');
const line = (label, text) => process.stdout.write(`  ${label.padEnd(34)} ${text}\n`);
const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
const jitter = () => sleep(5 + Math.random() * 20);

// ---- the app on a screen ---------------------------------------------------------------------
const STATUS_ROW = 22;
const HINT_ROW = 23;
const hasFlowRow = (lines) => lines.some((l) => /^ *[\d,]+ \S+ → \S+/.test(l));
const status = (lines) => lines[STATUS_ROW];
const loaded = (lines) => / [\d,]+(\/[\d,]+)? flows? /.test(status(lines)) && !status(lines).includes('loading');
const parsed = (lines) => loaded(lines) && !status(lines).includes('parsing');
const titleId = (lines) => lines.map((l) => /^ #(\d+) /.exec(l)).find(Boolean)?.[1];
const showing = (text) => (lines) => lines.some((l) => l.includes(text));

/** bin/flowspy with `args` on an 80x24 screen; with `nodeFlags`, node runs the bundle with them. */
function open(args, nodeFlags = []) {
  const [command, commandArgs] = nodeFlags.length === 0 ? [flowspy, args] : [process.execPath, [...nodeFlags, join(root, 'dist', 'flowspy.cjs'), ...args]];
  return new PtyScreen(command, commandArgs, { cols: 80, rows: 24, cwd: root, env: ENV });
}

/** Quits with `keys` and waits for the exit; kills the app if it does not exit in 5 s. */
async function quit(screen, ...keys) {
  screen.press(...keys);
  const timer = setTimeout(() => screen.kill(), 5000);
  await screen.exited;
  clearTimeout(timer);
}

/** Presses `key`, resolves with ms until `changed(lines)` holds. */
async function timeKey(screen, key, changed, timeoutMs = 10_000) {
  const sent = screen.press(key);
  return (await screen.waitFor(changed, timeoutMs)) - sent;
}

/** Presses `key` and times it until the selected flow (the conversation title) changes. */
async function timeMove(screen, key) {
  const before = titleId(screen.text());
  return timeKey(screen, key, (lines) => titleId(lines) !== undefined && titleId(lines) !== before);
}

/** Headless model load of `file`: whole-process ms and the peak RSS it reports. */
async function modelLoad(bundle, file) {
  const run = await runProcess(process.execPath, [bundle, file], root);
  const report = JSON.parse(run.stdout.trim().split('\n').pop());
  return { ms: run.ms, rssMb: report.peakRssBytes / 1048576, cpuMs: report.cpuMs };
}

/** Calls each of `runs` once per round, the starting one rotating from round to round. */
async function interleave(runs) {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < runs.length; i++) await runs[(round + i) % runs.length](round);
  }
}

// ---- 1. the 436 MB bench capture -------------------------------------------------------------
async function benchBig(bundle) {
  const big = await ensureBigCapture({ log: (text) => process.stdout.write(text + '\n') });
  process.stdout.write(`\n1. ${big.capture}: ${fmt(big.stats.bytes / 1e6)} MB, ${big.stats.flows} flows, ${big.stats.packets} packets\n`);
  const first = [];
  const full = [];
  const parsedAll = [];
  const model = [];
  const cpu = { tui: [], model: [] };
  const keys = [];
  const loadRun = async () => {
    const started = performance.now();
    const screen = open(['-r', big.capture]);
    first.push((await screen.waitFor(hasFlowRow)) - started);
    full.push((await screen.waitFor(loaded, 60_000)) - started);
    cpu.tui.push(cpuMs(screen.pid));
    parsedAll.push((await screen.waitFor(parsed, 60_000)) - started);
    await quit(screen, 'q');
  };
  const modelRun = async () => {
    const run = await modelLoad(bundle, big.capture);
    model.push(run.ms);
    cpu.model.push(run.cpuMs);
  };
  const keysRun = async () => {
    const screen = open(['-r', big.capture]);
    await screen.waitFor(hasFlowRow);
    const samples = [];
    while (!loaded(screen.text())) {
      await jitter();
      samples.push(await timeMove(screen, 'j'));
    }
    keys.push(samples);
    await quit(screen, 'q');
  };
  await interleave([loadRun, modelRun, keysRun]);
  const ratios = full.map((ms, i) => ms / model[i]);
  line('first screen with flows', `${spread(first, 'ms')}  target <= 500 ms: ${verdict(median(first) <= 500)}`);
  line('fully loaded (TUI)', spread(full, 'ms'));
  line('reference: headless model load', spread(model, 'ms'));
  line('TUI / headless load', `${spread(ratios, 'x', 2).replace(' x ', ' ')}  target <= 1.30: ${verdict(median(ratios) <= 1.3)}`);
  line('CPU to fully loaded (TUI)', spread(cpu.tui, 'ms'));
  line('messages parsed too (after the load)', spread(parsedAll, 'ms'));
  line('reference: CPU of the model load', spread(cpu.model, 'ms'));
  line('`j` while loading', latency(keys));
}

// ---- 2. a port scan of 200,000 flows ---------------------------------------------------------
async function benchScan(bundle) {
  const scan = ensureScanCapture(200_000);
  process.stdout.write(`\n2. ${scan}: SYN scan, 200,000 flows\n`);
  const loads = [];
  const rss = [];
  const model = { ms: [], rss: [] };
  const figures = { j: [], PgDn: [], G: [], g: [], filter: [], clear: [], demo: [] };
  let shown = '';
  const scanRun = async () => {
    const started = performance.now();
    const screen = open(['-r', scan]);
    loads.push((await screen.waitFor(loaded, 120_000)) - started);
    rss.push(peakRssMb(screen.pid));
    shown = /([\d,]+) flows/.exec(status(screen.text()))[1];
    const run = { j: [], PgDn: [], G: [], g: [], filter: [], clear: [] };
    for (let i = 0; i < 30; i++) {
      await jitter();
      run.j.push(await timeMove(screen, 'j'));
    }
    for (let i = 0; i < 30; i++) {
      await jitter();
      run.PgDn.push(await timeMove(screen, 'PgDn'));
    }
    for (let i = 0; i < 15; i++) {
      await jitter();
      run.G.push(await timeMove(screen, 'G'));
      await jitter();
      run.g.push(await timeMove(screen, 'g'));
    }
    for (let i = 0; i < 5; i++) {
      screen.press('f');
      await screen.waitFor((lines) => status(lines).startsWith('filter: '));
      screen.press(':8080');
      await screen.waitFor((lines) => status(lines).includes('filter: :8080'));
      await jitter();
      run.filter.push(await timeKey(screen, 'Enter', (lines) => /[\d,]+\/[\d,]+ flows/.test(status(lines))));
      screen.press('f');
      await screen.waitFor((lines) => status(lines).includes('filter: :8080'));
      screen.press('\x15'); // C-u clears the prompt
      await screen.waitFor((lines) => status(lines).startsWith('filter: ') && !status(lines).includes(':8080'));
      await jitter();
      run.clear.push(await timeKey(screen, 'Enter', (lines) => / [\d,]+ flows /.test(status(lines))));
    }
    for (const [name, samples] of Object.entries(run)) figures[name].push(samples);
    await quit(screen, 'q');
  };
  const demoRun = async () => {
    const screen = open(['-r', demo]);
    await screen.waitFor(loaded);
    const samples = [];
    for (let i = 0; i < 40; i++) {
      await jitter();
      samples.push(await timeMove(screen, i % 2 === 0 ? 'j' : 'k'));
    }
    figures.demo.push(samples);
    await quit(screen, 'q');
  };
  const modelRun = async () => {
    const run = await modelLoad(bundle, scan);
    model.ms.push(run.ms);
    model.rss.push(run.rssMb);
  };
  await interleave([scanRun, demoRun, modelRun]);
  line('loaded (TUI)', `${spread(loads, 'ms')}; the list holds ${shown} flows (the store's cap)`);
  line('reference: headless model load', spread(model.ms, 'ms'));
  line('peak RSS at loaded (TUI)', spread(rss, 'MB'));
  line('reference: headless model load', spread(model.rss, 'MB'));
  for (const name of ['j', 'PgDn', 'G', 'g']) {
    const p99 = percentile(figures[name].flat(), 0.99);
    line(`\`${name}\``, `${latency(figures[name])}  target p99 <= 50 ms: ${verdict(p99 <= 50)}`);
  }
  line('filter `:8080` (Enter)', `${latency(figures.filter)}  target p99 <= 300 ms: ${verdict(percentile(figures.filter.flat(), 0.99) <= 300)}`);
  line('filter cleared (Enter)', `${latency(figures.clear)}  target p99 <= 300 ms: ${verdict(percentile(figures.clear.flat(), 0.99) <= 300)}`);
  line('reference: `j`/`k` on the demo', latency(figures.demo));
}

// ---- 3. one flow of 1 GiB --------------------------------------------------------------------
async function benchCsv(bundle) {
  const csv = ensureCsvCapture(1 << 30);
  process.stdout.write(`\n3. ${csv.file}: one flow, ${fmt(csv.bodyBytes / 1048576)} MiB CSV body, ${csv.packets} packets\n`);
  const query = csv.needle.slice(0, 25);
  const figures = { load: [], enter: [], end: [], search: [], rss: [], model: [], modelRss: [], scan: [] };
  const tuiRun = async () => {
    const started = performance.now();
    const screen = open(['-r', csv.file]);
    figures.load.push((await screen.waitFor(loaded, 120_000)) - started);
    figures.enter.push(await timeKey(screen, 'Enter', (lines) => !lines[HINT_ROW].includes('Enter open')));
    // The flow opens in the messages mode (an HTTP download): the rows of the CSV are in the raw text mode.
    if (status(screen.text()).includes(' messages ')) await timeKey(screen, 'm', (lines) => status(lines).includes(' text '));
    figures.end.push(await timeKey(screen, 'G', showing(csv.lastRow), 30_000));
    await timeKey(screen, 'g', showing('> GET /export.csv'), 30_000);
    screen.press('/');
    await screen.waitFor((lines) => status(lines).startsWith('/'));
    screen.press(query);
    await screen.waitFor((lines) => status(lines).includes(query));
    await jitter();
    figures.search.push(await timeKey(screen, 'Enter', (lines) => lines.slice(0, STATUS_ROW).some((l) => l.includes(query)) && !status(lines).includes('searching'), 60_000));
    figures.rss.push(peakRssMb(screen.pid));
    await quit(screen, 'q');
  };
  const modelRun = async () => {
    const run = await modelLoad(bundle, csv.file);
    figures.model.push(run.ms);
    figures.modelRss.push(run.rssMb);
    figures.scan.push(scanTo(csv.file, Buffer.from(query)));
  };
  await interleave([tuiRun, modelRun]);
  line('loaded (TUI)', spread(figures.load, 'ms'));
  line('reference: headless model load', spread(figures.model, 'ms'));
  line('`Enter` (focus the conversation)', spread(figures.enter, 'ms', 1));
  line('`G` (end of the flow)', `${spread(figures.end, 'ms', 1)}  target <= 200 ms: ${verdict(median(figures.end) <= 200)}`);
  line('`/` a row near the end (Enter)', `${spread(figures.search, 'ms')}  target <= 2000 ms: ${verdict(median(figures.search) <= 2000)}`);
  line('reference: read + indexOf to it', spread(figures.scan, 'ms'));
  line('peak RSS (VmHWM, TUI)', `${spread(figures.rss, 'MB')}  target <= 300 MB: ${verdict(Math.max(...figures.rss) <= 300)}`);
  line('reference: headless model load', spread(figures.modelRss, 'MB'));
}

/** ms to read `file` from its start in 1 MiB reads until `needle` is found (the floor of a search). */
function scanTo(file, needle) {
  const started = performance.now();
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc((1 << 20) + needle.length);
  try {
    for (let at = 0; ; at += 1 << 20) {
      const n = readSync(fd, buffer, 0, buffer.length, at);
      if (n === 0 || buffer.subarray(0, n).indexOf(needle) >= 0) break;
    }
  } finally {
    closeSync(fd);
  }
  return performance.now() - started;
}

// ---- 4. proxy throughput ---------------------------------------------------------------------
// Headless references run outside the pseudo-terminal: `--no-tui` on a terminal writes the --log
// dialogue there, and a terminal emulator cannot take 100s of MB/s (here, xterm.js in this
// process would be what is measured). Its stdout goes to /dev/null instead; the second reference
// records with -o into a fresh directory on /dev/shm (the TUI records into its store too).
async function benchProxy() {
  process.stdout.write(`\n4. proxy: ${fmt(proxyBytes / 1048576)} MiB client -> server through -L on loopback\n`);
  const load = await loadGenerator(proxyBytes);
  const rates = { tui: [], paused: [], log: [], dir: [], tuiHttp: [], pausedHttp: [] };
  const spec = (port) => ['-L', `127.0.0.1:${port}:127.0.0.1:${load.sinkPort}`];
  const measure = async (name, start) => {
    const port = await freePort();
    const stop = await start(port);
    rates[name].push(proxyBytes / 1e6 / (await load.upload(port, name.endsWith('Http'))));
    await stop();
  };
  const tui = (name, keys) => () => measure(name, async (port) => {
    const screen = open(spec(port));
    await screen.waitFor(showing('waiting for connections'));
    if (keys) {
      screen.press(keys);
      await screen.waitFor(showing('PAUSED'));
    }
    return () => quit(screen, 'q', 'y');
  });
  const headless = (name, extra) => () => measure(name, async (port) => {
    const dir = mkdtempSync(join('/dev/shm', 'flowspy-tui-bench-'));
    const child = spawn(flowspy, [...spec(port), '--no-tui', '-q', ...extra(dir)], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise((resolveExit) => child.on('close', resolveExit));
    return async () => {
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    };
  });
  await interleave([tui('tui'), headless('log', () => []), tui('paused', 'p'), headless('dir', (dir) => ['-o', join(dir, 'out')]), tui('tuiHttp'), tui('pausedHttp', 'p')]);
  await load.close();
  line('TUI open', spread(rates.tui, 'MB/s'));
  line('TUI open, screen paused (p)', spread(rates.paused, 'MB/s'));
  line('TUI open, HTTP POST of a CSV body', spread(rates.tuiHttp, 'MB/s'));
  line('  same, screen paused (p)', spread(rates.pausedHttp, 'MB/s'));
  line('reference: --no-tui -q >/dev/null', spread(rates.log, 'MB/s'));
  line('reference: --no-tui -q -o /dev/shm', spread(rates.dir, 'MB/s'));
  for (const [name, reference] of [['--log', rates.log], ['-o', rates.dir]]) {
    const ratios = rates.tui.map((v, i) => v / reference[i]);
    line(`TUI / headless ${name}`, `${spread(ratios, 'x', 2).replace(' x ', ' ')}  target >= 0.80: ${verdict(median(ratios) >= 0.8)}`);
  }
  const followed = rates.tuiHttp.map((v, i) => v / rates.pausedHttp[i]);
  line('HTTP: TUI open / paused', `${spread(followed, 'x', 2).replace(' x ', ' ')}  target >= 0.80: ${verdict(median(followed) >= 0.8)}`);
}

// ---- 5. idle CPU -----------------------------------------------------------------------------
// Two windows back to back. V8's memory reducer runs garbage collections of its own on a timer
// after the load stops allocating (up to 3, ~8 s apart), so the same app also runs under
// `node --no-memory-reducer`: what is left there is the app's own (wake-ups: main-thread
// voluntary context switches).
async function benchIdle() {
  const seconds = 10;
  process.stdout.write(`\n5. idle: ${rounds} TUIs on ${demo}, loaded, each way; CPU (all threads) over two ${seconds} s windows\n`);
  const plain = Array.from({ length: rounds }, () => open(['-r', demo]));
  const noReducer = Array.from({ length: rounds }, () => open(['-r', demo], ['--no-memory-reducer']));
  const screens = [...plain, ...noReducer];
  for (const screen of screens) await screen.waitFor(loaded);
  await sleep(1000);
  const windows = [];
  for (let w = 0; w < 2; w++) {
    const before = screens.map((screen) => ({ cpu: cpuMs(screen.pid), wakeups: wakeups(screen.pid) }));
    await sleep(seconds * 1000);
    windows.push(screens.map((screen, i) => ({ cpu: cpuMs(screen.pid) - before[i].cpu, wakeups: wakeups(screen.pid) - before[i].wakeups })));
  }
  for (const screen of screens) await quit(screen, 'q');
  const show = (label, runs, target) => {
    const used = runs.map((r) => r.cpu);
    line(label, `${spread(used, 'ms')}, wake-ups ${runs.map((r) => r.wakeups).join(' / ')}${target ? `  target ~0 (<= 20 ms, 0.2% of a core): ${verdict(Math.max(...used) <= 20)}` : ''}`);
  };
  windows.forEach((runs, w) => {
    const when = `${w * seconds}-${(w + 1) * seconds} s after load`;
    show(`CPU ${when}`, runs.slice(0, rounds), false);
    show(`  same, --no-memory-reducer`, runs.slice(rounds), true);
  });
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(join(root, 'dist', 'flowspy.cjs'))) fail('not built: run `npm run build` first');
  if (sourcesNewerThanBuild()) {
    process.stdout.write('warning: src/ has changes newer than dist/; run `npm run build` to measure the current code\n');
  }
  process.stdout.write(`TUI bench: ${rounds} rounds, 80x24, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} (2 cores; figures are noisy when busy)\n`);
  const bundle = only.some((name) => ['big', 'scan', 'csv'].includes(name)) ? await bundleModelLoad() : undefined;
  const sections = { big: () => benchBig(bundle), scan: () => benchScan(bundle), csv: () => benchCsv(bundle), proxy: benchProxy, idle: benchIdle };
  let failed = 0;
  for (const name of only) {
    try {
      await sections[name]();
    } catch (error) {
      failed++;
      process.stdout.write(`  ${name}: FAILED: ${error.message}\n`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

/** True when a source file is newer than the bundle. */
function sourcesNewerThanBuild() {
  const found = spawnSync('find', [join(root, 'src'), '-name', '*.ts', '-newer', join(root, 'dist', 'flowspy.cjs')], { encoding: 'utf8' });
  return found.stdout.trim() !== '';
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(1);
  },
);
