// What the TUI bench reads about a process: peak RSS, CPU time and main-thread wake-ups from
// /proc (Linux), and the whole-process wall time of a command run to its end.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** Peak resident set (VmHWM) of `pid` so far, in MB (MiB). Throws when the process is gone. */
export function peakRssMb(pid) {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time (user + system, all threads) of `pid` so far, in ms (clock-tick resolution). */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/** Voluntary context switches of the main thread of `pid` so far (its sleeps, i.e. wake-ups). */
export function wakeups(pid) {
  const match = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

/**
 * Runs `command args` in `cwd` to its end; resolves { ms, stdout } (whole-process wall time).
 * Rejects when it cannot start or exits non-zero (with its first stderr line).
 */
export function runProcess(command, args, cwd) {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited ${code}: ${stderr.trim().split('\n')[0]}`));
      else resolveRun({ ms: performance.now() - started, stdout });
    });
  });
}
