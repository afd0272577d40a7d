/**
 * The real command, as a user runs it: `bin/flowspy` in a child process (dist/ is built by the
 * suite's global setup). Exit codes, one-line errors, outputs on the bundled demo capture.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusMissingReason, corpusPath, repoRoot } from '../support/corpus.js';
import { cannotRun } from '../support/requirements.js';

const bin = join(repoRoot, 'bin', 'flowspy');
const demo = join(repoRoot, 'demo', 'demo.pcap');
const work = mkdtempSync(join(tmpdir(), 'flowspy-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function flowspy(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), raw: r.stdout };
}

/** No byte that starts a terminal control sequence, and no other C0 control but newline. */
function assertTerminalSafe(raw: Buffer): void {
  for (const byte of raw) {
    if (byte === 0x0a) continue;
    expect(byte < 0x20 || byte === 0x7f, `control byte 0x${byte.toString(16)} reached stdout`).toBe(false);
  }
  expect(raw.toString('utf8')).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe('flowspy command', () => {
  it('--help and --version', () => {
    const help = flowspy(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: flowspy -r FILE/);
    const version = flowspy(['--version']);
    expect(version.stdout).toMatch(/^flowspy \d+\.\d+\.\d+\n$/);
  });

  it('runs as an executable file, also through a symlink as npm links it', () => {
    const link = join(work, 'flowspy-link');
    symlinkSync(bin, link);
    for (const command of [bin, link]) {
      const r = spawnSync(command, ['-r', demo, '--json'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/^\{"type":"flow-start","flow":1,/);
    }
  });

  it('without a build beside it: the not-built line, exit 2', () => {
    const dir = join(work, 'unbuilt');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    for (const name of ['flowspy', 'package.json']) copyFileSync(join(repoRoot, 'bin', name), join(dir, 'bin', name));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'flowspy'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('flowspy: not built yet; run `npm install` (or `npm run build`) in the checkout first\n');
  });

  it('shows the demo as a sockspy dialogue by default, escaping hostile bytes', () => {
    const r = flowspy(['-r', demo]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/=connect from 192\.168\.1\.23:51000 to 198\.51\.100\.10:80/);
    expect(r.stdout).toMatch(/>GET \/style\.css HTTP\/1\.1/);
    expect(r.stdout).toMatch(/<250 2\.1\.0 Ok/);
    expect(r.stdout).toMatch(/after the server closed/);
    expect(r.stdout).toMatch(/\\x1b\[2J/);
    assertTerminalSafe(r.raw);
    expect(r.stderr).toMatch(/^flowspy: 5 flows, [\d,]+ packets, [\d,]+ payload bytes, [\d,]+ gaps \([\d,]+ bytes\), 0 truncated, 0 malformed/m);
  });

  it('-c and -c --hex are reassembled and terminal-safe', () => {
    const text = flowspy(['-r', demo, '-c', '-q']);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{6} #1 /m);
    assertTerminalSafe(text.raw);
    const hex = flowspy(['-r', demo, '-c', '--hex', '-q']);
    expect(hex.stdout).toMatch(/00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  \|GET \/ HTTP\/1\.1\.\.\|/);
    assertTerminalSafe(hex.raw);
  });

  it('--log --hex: the same = lines, data as >/< hex dump lines in dialogue order, terminal-safe', () => {
    const r = flowspy(['-r', demo, '--log', '--hex', '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    assertTerminalSafe(r.raw);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.slice(0, 2)).toEqual([
      '=connect from 192.168.1.23:51000 to 198.51.100.10:80',
      '>00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|',
    ]);
    // The binary protocol flow of the demo, whole: every chunk at its stream offset, in order.
    const binary = lines.filter((l) => l.startsWith('#4 '));
    expect(binary).toEqual([
      '#4 =connect from [2001:db8:1::23]:50100 to [2001:db8:2::7]:7777',
      '#4 >00000000  00 00 00 0e 01 00 07 73  65 73 73 69 6f 6e 00 ff  |.......session..|',
      '#4 >00000010  10 00                                             |..|',
      '#4 <00000000  00 00 00 65 81 00 00 00  60 3a ab ac 26 af 23 1a  |...e....`:..&.#.|',
      '#4 <00000010  71 6c 91 5d 31 18 3e bc  d2 ef 51 22 9d 72 4f db  |ql.]1.>...Q".rO.|',
      '#4 <00000020  d9 6f 39 6e ae 2b c8 22  2f 0c e3 ed 8c 68 7b a2  |.o9n.+."/....h{.|',
      '#4 <00000030  89 99 d6 39 a7 9f f2 55  fe 91 15 b8 20 aa 7a 94  |...9...U.... .z.|',
      '#4 <00000040  8a a0 4d c0 9d fe 49 4c  dc 8e e0 b9 06 b2 30 29  |..M...IL......0)|',
      '#4 <00000050  4a 60 1c df 3c b7 62 cf  42 05 19 0c 4b b3 df e1  |J`..<.b.B...K...|',
      '#4 <00000060  7c 45 fb 50 51 67 70 78  c9                       ||E.PQgpx.|',
      '#4 >00000012  00 00 00 0b 02 00 04 70  69 6e 67 1b 7f 80 fe     |.......ping....|',
      '#4 <00000069  00 00 00 09 82 00 00 00  04 70 6f 6e 67           |.........pong|',
      '#4 =client closed (FIN)',
      '#4 =server closed (FIN)',
      '#4 =connection closed',
    ]);
    // Every line is an event line or a hex dump line; the event lines are exactly the text log's.
    const isEvent = (l: string) => /^(#\d+ )?=/.test(l);
    for (const l of lines.filter((l) => !isEvent(l))) {
      expect(l).toMatch(/^(#\d+ )?[<>][0-9a-f]{8} ( [0-9a-f]{2}| {3}){8} ( [0-9a-f]{2}| {3}){8}  \|[\x20-\x7e]{1,16}\|$/);
    }
    const text = flowspy(['-r', demo, '--log', '-q']);
    expect(lines.filter(isEvent)).toEqual(text.stdout.split('\n').filter(isEvent));
    const timed = flowspy(['-r', demo, '--log', '--hex', '-t', '-q']);
    expect(timed.stdout.split('\n')[1]).toBe('00:00:00.102450 ' + lines[1]);
  });

  it('--json gives one parseable object per event, payload in base64', () => {
    const r = flowspy(['-r', demo, '--json', '-q']);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'flow-start')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'flow-end')).toHaveLength(5);
    const first = events.find((e) => e.type === 'data');
    expect(Buffer.from(first.data, 'base64').toString().startsWith('GET / HTTP/1.1')).toBe(true);
  });

  it('-o DIR writes one file per direction with tcpflow names', () => {
    const dir = join(work, 'out');
    const r = flowspy(['-r', demo, '-o', dir, '-q']);
    expect(r.code).toBe(0);
    const names = readdirSync(dir).sort();
    expect(names).toContain('192.168.001.023.51000-198.051.100.010.00080');
    expect(names).toContain('198.051.100.010.00080-192.168.001.023.51000');
    expect(readFileSync(join(dir, '192.168.001.023.51000-198.051.100.010.00080'), 'latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\n[\s\S]*GET \/style\.css/);
  });

  it('reads stdin with -r -: a pipe (slow writer, small writes) and a redirected file give what the path gives', async () => {
    const { spawn } = await import('node:child_process');
    const { openSync, closeSync } = await import('node:fs');
    const byPath = flowspy(['-r', demo, '--json', '-q']);
    expect(byPath.code).toBe(0);
    // a pipe fed in odd-sized pieces with pauses: records straddle the reads
    const child = spawn(process.execPath, [bin, '-r', '-', '--json', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let piped = '';
    child.stdout.on('data', (c) => (piped += c));
    const capture = readFileSync(demo);
    for (let at = 0; at < capture.length; at += 777) {
      child.stdin.write(capture.subarray(at, at + 777));
      if (at % (777 * 8) === 0) await new Promise((r) => setTimeout(r, 5));
    }
    child.stdin.end();
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
    expect(piped).toBe(byPath.stdout);
    // stdin redirected from the file itself
    const fd = openSync(demo, 'r');
    const redirected = spawnSync(process.execPath, [bin, '-r', '-', '--json', '-q'], { stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    expect(redirected.status).toBe(0);
    expect(redirected.stdout.toString()).toBe(byPath.stdout);
  });

  it('reads a fast pipe of several megabytes (many reads between pauses) as it reads the file', async () => {
    const { spawn } = await import('node:child_process');
    const { writeBigCaptureFile } = await import('../support/bigCapture.js');
    const file = join(work, 'pipe-burst.pcap');
    const stats = writeBigCaptureFile(file, { targetBytes: 6_000_000, minFlows: 40, concurrency: 20, maxResponseBytes: 400_000 });
    expect(stats.bytes).toBeGreaterThan(5_000_000);
    const byPath = flowspy(['-r', file, '--json', '-q']);
    expect(byPath.code).toBe(0);
    const child = spawn(process.execPath, [bin, '-r', '-', '--json', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stdin.end(readFileSync(file)); // all at once: the pipe stays full, reads follow each other
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
    const piped = Buffer.concat(out).toString('utf8');
    expect(piped.length).toBe(byPath.stdout.length);
    expect(piped === byPath.stdout).toBe(true); // (not toBe on the texts: a diff of megabytes)
  });

  it('applies a trailing capture filter', () => {
    const r = flowspy(['-r', demo, '--log', 'tcp', 'port', '25']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/EHLO/);
    expect(r.stdout).not.toMatch(/GET \//);
    expect(r.stderr).toMatch(/filtered out/);
  });

  it.each([
    [['-r', '/nonexistent.pcap'], /^flowspy: cannot read capture \/nonexistent\.pcap: no such file\n$/],
    [['-r', 'README.md'], /^flowspy: cannot read capture README\.md: not a pcap or pcapng capture \(first bytes: [0-9a-f ]+\)\n$/],
    [['-r', 'demo/demo.pcap', 'tcp', 'prt', '80'], /^flowspy: bad capture filter "tcp prt 80": .*\n$/],
    [['--frobnicate'], /^flowspy: unknown option --frobnicate \(see flowspy --help\)\n$/],
    [['-L', '80:x'], /^flowspy: bad -L "80:x".*\n$/],
  ])('bad input %j: one line on stderr, exit 2', (args, message) => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot });
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(message);
  });

  it('a capture cut short: everything before is shown, then one line naming the file, the offset and the packets read, exit 2', () => {
    const whole = readFileSync(demo);
    const cut = join(work, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    const r = flowspy(['-r', cut, '--log']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/=connect from 192\.168\.1\.23:51000/);
    expect(r.stderr.trim().split('\n').pop()).toBe(`flowspy: capture ${cut} cut short at byte ${whole.length - 100}, after packet 80: record of 54 bytes has only 24`);
  });

  it.skipIf(cannotRun(corpusMissingReason, 'the CLI on a damaged corpus capture'))('a damaged real capture: 8 packets kept, error names the file, byte 874 and packet 8, exit 2', () => {
    const r = flowspy(['-r', corpusPath('peafowl__imap_CORRUPT.cap'), '--log']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/=connect from/);
    expect(r.stderr).toMatch(/8 packets/);
    expect(r.stderr).toContain(`flowspy: damaged capture ${corpusPath('peafowl__imap_CORRUPT.cap')} at byte 874, after packet 8: `);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('stops quietly when the reader of stdout goes away', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" -r "${demo}" -c --hex | head -n 3`]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString().split('\n')).toHaveLength(4);
    expect(r.stderr.toString()).not.toMatch(/Error|EPIPE/);
  });
});

describe('flowspy -r damaged on a pipe', () => {
  it('damage in a pipe that stays open: one line, exit 2 at once (the pipe is let go)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, '-r', '-', '-q', '--log'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const header = readFileSync(demo).subarray(0, 24);
    const absurdRecord = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f]);
    child.stdin.write(Buffer.concat([header, absurdRecord])); // stdin stays open
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running after 5 s'), 5000))]);
    child.stdin.end();
    expect(code).toBe(2);
    expect(stderr).toBe('flowspy: damaged capture stdin at byte 24, before any packet: record announces 2147483647 captured bytes (more than 262144)\n');
  });
});

describe('flowspy -r interrupted', () => {
  it('Ctrl-C while stdin is silent: flows so far are written out, summary says interrupted, exit 130', async () => {
    const { spawn } = await import('node:child_process');
    const out = join(work, 'interrupted');
    const child = spawn(process.execPath, [bin, '-r', '-', '-o', out, '--log'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const capture = readFileSync(demo);
    child.stdin.write(capture.subarray(0, 4000)); // header and the first packets; stdin stays open
    // Interrupt once those packets were read (their text is out), not after a guessed delay.
    for (let i = 0; i < 2000 && !stdout.includes('=connect from'); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/^flowspy: \d+ flows, .*interrupted after 4,000 bytes$/m);
    expect(stdout).toMatch(/^=connect from 192\.168\.1\.23:51000 to 198\.51\.100\.10:80$/m);
    expect(readdirSync(out)).toContain('192.168.001.023.51000-198.051.100.010.00080');
  });
});
