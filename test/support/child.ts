/**
 * Child processes for system tests: output captured as it comes, exit awaited, text polled.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running child with its output so far. */
export interface Child {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Spawns `command args` with piped stdio, collecting stdout and stderr as text. */
export function startChild(command: string, args: string[]): Child {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Runs `node ARGS` under `sh -c 'ulimit -n LIMIT; exec ...'` (no limit change when undefined). */
export function startNode(args: string[], limit?: number): Child {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `${limit !== undefined ? `ulimit -n ${limit} && ` : ''}exec '${process.execPath}' ${quoted}`;
  return startChild('sh', ['-c', script]);
}

/**
 * Resolves with the match once `read()` matches `pattern`; rejects after 15 s, or as soon as
 * `child` (when given) has exited without it, with its stderr in the message.
 */
export async function waitFor(read: () => string, pattern: RegExp, child?: Child): Promise<RegExpExecArray> {
  const deadline = Date.now() + 15_000;
  let exited = false;
  void child?.exit.then(() => (exited = true));
  for (;;) {
    const m = pattern.exec(read());
    if (m) return m;
    if (exited || Date.now() > deadline) {
      throw new Error(`no ${pattern} (exited: ${exited}) in: ${read()}${child ? `; stderr: ${child.stderr()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
