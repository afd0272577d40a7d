// The synthetic capture generator of the bench (test/support/bigCapture.ts, shared with the tests),
// bundled by esbuild into bench/out/bigCapture.mjs and imported from there.
import { mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'out', 'bigCapture.mjs');

/**
 * Bundles and imports the generator module. Resolves to its exports plus `version`, a hash of the
 * bundle (a capture made by another version of the generator is made again). Rejects with
 * esbuild's error when the sources do not build.
 */
export async function loadGenerator() {
  mkdirSync(dirname(bundle), { recursive: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: [resolve(here, '..', 'test', 'support', 'bigCapture.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const version = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
  return { ...(await import(`${bundle}?${version}`)), version };
}
