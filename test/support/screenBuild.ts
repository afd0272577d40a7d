/**
 * Bundles a TypeScript screen-test fixture into a runnable CommonJS file, the way the product
 * is bundled (scripts/bundleOptions.mjs), under the checkout's tmp/ (git-ignored), where
 * packages (blessed) resolve from the checkout's node_modules. Returns the bundle's path.
 */
import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function bundleFixture(entry: string): Promise<string> {
  const optionsModule = `${root}scripts/bundleOptions.mjs`;
  const { bundleOptions } = (await import(optionsModule)) as { bundleOptions: BuildOptions };
  mkdirSync(`${root}tmp/screen-fixtures`, { recursive: true });
  const outfile = `${root}tmp/screen-fixtures/${basename(entry).replace(/\.ts$/, '')}.cjs`;
  await build({ ...bundleOptions, entryPoints: [entry], outfile, logLevel: 'error' });
  return outfile;
}
