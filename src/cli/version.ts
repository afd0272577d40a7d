/**
 * flowspy's version, read from its package.json: the one above the running module
 * (dist/flowspy.cjs, dist/cli/version.js or src/cli/version.ts). 'unknown' when none is found.
 */
import { readFileSync } from 'node:fs';

/** The version in flowspy's package.json, or 'unknown'. */
export function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'flowspy' && pkg.version) return pkg.version;
    } catch {
      // not there: try one level up
    }
  }
  return 'unknown';
}
