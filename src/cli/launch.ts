/**
 * Starts a CommonJS bundle (the CLI's dist/flowspy.cjs, or the bench's model load) with V8's code
 * cache, so that the functions a run needs are not parsed and compiled again at every start.
 *
 * Without a cache, V8 compiles each function of the bundle the first time it runs: for a load of
 * the demo capture that took 13 ms of a 13 ms load; with the cache, 5 ms. On a big capture the
 * compiling also competes with the optimising compiler's threads during the first packets.
 *
 * The cache is a file beside the bundle (`BUNDLE.codecache`), written by the build (see
 * scripts/build.mjs) from a run with {@link WRITE_CODE_CACHE_ENV} set. It starts with the size and
 * modification time of the bundle file it was made for: V8 itself checks only the source's length,
 * and a cache for other source of the same length would run the wrong code. (Not a hash of the
 * source: Node's crypto module alone takes ~4 ms to load.) A missing, stale or rejected cache
 * (another Node version, other V8 flags) only costs the compile time: the bundle compiles as usual.
 *
 * Bundled, with src/cli/launchCli.ts as the entry, into dist/launch.cjs (not into the bundles it
 * starts); bench/run.mjs bundles it into the starter of its model load.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** Environment variable: when set (to anything), the launched run writes the bundle's code cache as it exits. */
const WRITE_CODE_CACHE_ENV = 'FLOWSPY_WRITE_CODE_CACHE';

/** Cache file header: the bundle file's size and mtimeMs, as two little-endian doubles. */
const HEADER_BYTES = 16;

/** The code cache file of a bundle. */
function codeCacheFile(bundleFile: string): string {
  return `${bundleFile}.codecache`;
}

/**
 * Runs the CommonJS bundle at `bundleFile` (an absolute path) as Node runs a main module, with its
 * code cache when a valid one is there. With {@link WRITE_CODE_CACHE_ENV} set, writes the cache when
 * the process exits (it then holds the functions the run compiled). Throws only what reading the
 * bundle or running it throws.
 */
export function launch(bundleFile: string): void {
  const stats = statSync(bundleFile);
  const header = Buffer.from(new Float64Array([stats.size, stats.mtimeMs]).buffer);
  // A leading `#!` line is not JavaScript inside the module wrapper: blank it, keeping the length.
  const source = readFileSync(bundleFile, 'utf8').replace(/^#!.*/, (line) => ' '.repeat(line.length));
  const writeCache = process.env[WRITE_CODE_CACHE_ENV] !== undefined;
  const script = new Script(Module.wrap(source), {
    filename: bundleFile,
    cachedData: writeCache ? undefined : readCodeCache(bundleFile, header),
  });
  if (writeCache) {
    delete process.env[WRITE_CODE_CACHE_ENV]; // not for processes the bundle starts
    process.on('exit', () => {
      writeFileSync(codeCacheFile(bundleFile), Buffer.concat([header, script.createCachedData()]));
    });
  }
  const bundleModule = new Module(bundleFile, undefined);
  bundleModule.filename = bundleFile;
  bundleModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundleFile));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, createRequire(bundleFile), bundleModule, bundleFile, dirname(bundleFile));
}

/** The V8 data of the bundle's cache file when it was made for the bundle file as it is now, else undefined. */
function readCodeCache(bundleFile: string, header: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(codeCacheFile(bundleFile));
  } catch {
    return undefined;
  }
  if (file.length <= HEADER_BYTES || !file.subarray(0, HEADER_BYTES).equals(header)) return undefined;
  return file.subarray(HEADER_BYTES);
}
