/**
 * Capture side of issue 10 (items 6, 7, 9), with the real command in a child process: Ctrl-C
 * while `-r` waits on a FIFO, `-r FILE -o DIR` at `ulimit -n 32`, plain one-line messages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, waitFor, type Child } from '../support/child.js';
import { repoRoot } from '../support/corpus.js';
import { writeBigCaptureFile } from '../support/bigCapture.js';

const bin = join(repoRoot, 'bin', 'flowspy');
const demo = join(repoRoot, 'demo', 'demo.pcap');
const work = mkdtempSync(join(tmpdir(), 'flowspy-capfaults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The child's exit code, or "still running" when it did not exit within 10 s of the signal. */
async function exitAfter(c: Child, signal: NodeJS.Signals): Promise<number | null | string> {
  c.child.kill(signal);
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref());
  const result = await Promise.race([c.exit, timeout]);
  c.child.kill('SIGKILL');
  return result;
}

/**
 * Resolves once process `pid` waits on the FIFO at `path`: it has it open (/proc/PID/fd), or one
 * of its threads is blocked opening it (wchan `wait_for_partner`); rejects after 15 s. Either way
 * the command's signal handlers are set by then.
 */
async function waitOnFifo(pid: number, path: string): Promise<void> {
  const state = (): string => {
    const lines: string[] = [];
    const each = (dir: string, read: (entry: string) => string): void => {
      try {
        for (const entry of readdirSync(dir)) {
          try {
            lines.push(read(entry));
          } catch {
            // gone meanwhile
          }
        }
      } catch {
        // the process is gone
      }
    };
    each(`/proc/${pid}/fd`, (fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
    each(`/proc/${pid}/task`, (task) => readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8'));
    return lines.join('\n');
  };
  await waitFor(state, new RegExp(`^(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|wait_for_partner)$`, 'm'));
}

function fifo(name: string): string {
  const path = join(work, name);
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  return path;
}

describe('Ctrl-C while -r waits on a FIFO', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} ends -r FIFO with no writer at once: exit 130`, async () => {
      const path = fifo(`empty-${signal}`);
      const c = startChild(process.execPath, [bin, '-r', path, '--json']);
      await waitOnFifo(c.child.pid!, path);
      expect(await exitAfter(c, signal)).toBe(130);
      expect(c.stderr()).toMatch(/^flowspy: 0 flows, 0 packets, .*interrupted after 0 bytes$/m);
    });
  }

  it('SIGTERM ends -r FIFO whose writer stalls: what was read is written out, exit 130', async () => {
    const path = fifo('stalled');
    const c = startChild(process.execPath, [bin, '-r', path, '--json']);
    const writer = await open(path, 'w');
    try {
      await writer.write(readFileSync(demo));
      await waitFor(c.stdout, /"type":"flow-start"/);
      expect(await exitAfter(c, 'SIGTERM')).toBe(130);
      const ends = c.stdout().split('\n').filter((line) => line.includes('"type":"flow-end"'));
      expect(ends).toHaveLength(5);
      expect(c.stderr()).toMatch(/^flowspy: 5 flows, 82 packets, .*interrupted after [\d,]+ bytes$/m);
    } finally {
      await writer.close();
    }
  });

  it('SIGINT ends -r <(cmd) whose command stalls: exit 130', async () => {
    // the inner `cat` copies this test's pipe to flowspy: it stalls until the test closes it
    const c = startChild('bash', ['-c', `exec '${process.execPath}' '${bin}' -r <(cat '${demo}'; cat) --json`]);
    try {
      await waitFor(c.stdout, /"type":"flow-start"/);
      expect(await exitAfter(c, 'SIGINT')).toBe(130);
      expect(c.stdout().split('\n').filter((line) => line.includes('"type":"flow-end"'))).toHaveLength(5);
    } finally {
      c.child.stdin!.end();
    }
  });

  it('-r <(cmd) and -r FIFO read the whole stream as -r FILE does', async () => {
    const byFile = spawnSync(process.execPath, [bin, '-r', demo, '--json', '-q'], { encoding: 'utf8' });
    const substituted = spawnSync('bash', ['-c', `exec '${process.execPath}' '${bin}' -r <(cat '${demo}') --json -q`], { encoding: 'utf8' });
    expect(substituted.status).toBe(0);
    expect(substituted.stdout).toBe(byFile.stdout);
    const path = fifo('whole');
    const c = startChild(process.execPath, [bin, '-r', path, '--json', '-q']);
    const writer = await open(path, 'w');
    await writer.write(readFileSync(demo));
    await writer.close();
    expect(await c.exit).toBe(0);
    expect(c.stdout()).toBe(byFile.stdout);
  });
});

describe('-r FILE -o DIR under a low descriptor limit', () => {
  it('writes every file at ulimit -n 32 (100 flows open at once), the same as without a limit', () => {
    const capture = join(work, 'many.pcap');
    const stats = writeBigCaptureFile(capture, { targetBytes: 3_000_000, minFlows: 300, concurrency: 100, maxResponseBytes: 50_000 });
    expect(stats.flows).toBe(300);
    const free = join(work, 'free');
    const limited = join(work, 'limited');
    const run = (dir: string, limit?: number) => spawnSync('sh', ['-c', `${limit ? `ulimit -n ${limit} && ` : ''}exec '${process.execPath}' '${bin}' -r '${capture}' -o '${dir}' -q`], { encoding: 'utf8' });
    const reference = run(free);
    expect(reference.status).toBe(0);
    const low = run(limited, 32);
    expect(low.stderr).toBe('');
    expect(low.status).toBe(0);
    const names = readdirSync(free).sort();
    expect(names.length).toBe(600);
    expect(readdirSync(limited).sort()).toEqual(names);
    for (const name of names) expect(readFileSync(join(limited, name)).equals(readFileSync(join(free, name))), name).toBe(true);
  });
});

describe('plain one-line messages', () => {
  it('-o where no directory can be made: one plain line, exit 2', () => {
    const r = spawnSync(process.execPath, [bin, '-r', demo, '-o', '/proc/flowspy-cannot-be-here'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('flowspy: cannot create output directory /proc/flowspy-cannot-be-here: no such file or directory\n');
  });
});
