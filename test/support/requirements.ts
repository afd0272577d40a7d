/**
 * Tests that need something this machine may lack (a tool, the corpus, root, libpcap) skip
 * through {@link cannotRun}, which never skips silently: it prints the reason on stderr. In CI
 * (environment variable CI set), where everything is installed, it throws instead, so the test
 * file fails rather than skips.
 */
import { spawnSync } from 'node:child_process';

/** True in CI, where no test may skip. */
export const inCI = Boolean(process.env.CI);

/**
 * For `describe.skipIf` / `it.skipIf`: `reason` says why the test cannot run here (undefined when
 * it can). Returns true (skip) after printing the reason, or false when `reason` is undefined.
 * @throws Error in CI when `reason` is set.
 */
export function cannotRun(reason: string | undefined, what = 'test'): boolean {
  if (reason === undefined) return false;
  if (inCI) throw new Error(`CI: ${what} cannot run: ${reason}`);
  process.stderr.write(`skipped ${what}: ${reason}\n`);
  return true;
}

/** Why an external tool cannot be used ("tshark is not installed"), or undefined when it is on the PATH. */
export function missingTool(tool: string): string | undefined {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0 ? undefined : `${tool} is not installed`;
}
