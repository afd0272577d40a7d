/**
 * Bundles a TypeScript screen-test fixture into a runnable CommonJS file, the way the product
 * is bundled (scripts/bundleOptions.mjs), as `tmp/screen-fixtures/<name>.cjs` in the checkout
 * (git-ignored), where packages (blessed) resolve from the checkout's node_modules. Test
 * workers bundle in parallel: each writes a file of its own and renames it into place, so a
 * program never starts from a half-written bundle. Returns the bundle's path.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function bundleFixture(entry: string): Promise<string> {
  const optionsModule = `${root}scripts/bundleOptions.mjs`;
  const { bundleOptions } = (await import(optionsModule)) as { bundleOptions: BuildOptions };
  const dir = `${root}tmp/screen-fixtures`;
  mkdirSync(dir, { recursive: true });
  const outfile = `${dir}/${basename(entry).replace(/\.ts$/, '')}.cjs`;
  const result = await build({ ...bundleOptions, entryPoints: [entry], outfile, write: false, logLevel: 'error' });
  const partial = `${outfile}.${process.pid}`;
  writeFileSync(partial, result.outputFiles[0].contents);
  renameSync(partial, outfile);
  return outfile;
}
