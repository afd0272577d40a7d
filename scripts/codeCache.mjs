// Writes the V8 code cache of a bundle started by src/cli/launch.ts: runs its launcher once with
// the launcher's write-cache variable set (the cache then holds the functions that run compiled).
// Shared by scripts/build.mjs (the CLI) and bench/run.mjs (the model load). Needs tsc's output
// (dist/cli/launch.js), which both have built first.
import { spawnSync } from 'node:child_process';
import { WRITE_CODE_CACHE_ENV } from '../dist/cli/launch.js';

/** Runs `node launcher ...args` to write the cache; throws with its stderr when the run fails. */
export function writeCodeCache(launcher, args) {
  const run = spawnSync(process.execPath, [launcher, ...args], {
    env: { ...process.env, [WRITE_CODE_CACHE_ENV]: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${launcher} failed while writing its code cache: ${run.stderr || run.error?.message || `exit ${run.status}`}`);
}
