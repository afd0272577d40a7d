/**
 * Builds dist/ once before the suite (`scripts/build.mjs`, as `npm run build`), so tests that
 * run the real `bin/flowspy` see the current sources (a stale build would test old code).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit' });
}
