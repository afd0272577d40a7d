/**
 * Starts a CommonJS bundle (the CLI's dist/flowspy.cjs, or the bench's model load) with V8's code
 * cache, so that the functions a run needs are not parsed and compiled again at every start.
 *
 * Without a cache, V8 compiles each function of the bundle the first time it runs: the load of
 * the demo capture took 13 ms without the cache and 5 ms with it. On a big capture the
 * compiling also competes with the optimising compiler's threads during the first packets.
 *
 * The cache is a file beside the bundle (`BUNDLE.codecache`), written by the build (see
 * scripts/build.mjs) from a run with {@link WRITE_CODE_CACHE_ENV} set. Its header names the size and
 * modification time of the bundle file it was made for, and the CRC-32 of the V8 data after it:
 * - V8 itself checks only the source's length, and a cache for other source of the same length
 *   would run the wrong code (not a hash of the source: Node's crypto module alone takes ~4 ms
 *   to load);
 * - V8 (release builds) does not checksum the data, and damaged data crashes the process.
 * A missing, stale, damaged or rejected cache (another Node version, other V8 flags), or a Node
 * without `zlib.crc32` (before 20.15), only costs the compile time: the bundle compiles as usual.
 *
 * Bundled, with src/cli/launchCli.ts as the entry, into dist/launch.cjs (not into the bundles it
 * starts); bench/run.mjs bundles it into the starter of its model load.
 */
import { closeSync, fstatSync, openSync, readFileSync, writeFileSync, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import * as zlib from 'node:zlib';

/** Environment variable: when set (to anything), the launched run writes the bundle's code cache as it exits. */
export const WRITE_CODE_CACHE_ENV = 'FLOWSPY_WRITE_CODE_CACHE';

/** Cache file header: the bundle file's size and mtimeMs, and the data's CRC-32, as three little-endian doubles. */
const HEADER_BYTES = 24;

/** zlib.crc32 where Node has it (20.15 on), else undefined: then no cache is read or written. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** The header of a cache file for the bundle file with these stats, over `data`. */
function cacheHeader(size: number, mtimeMs: number, data: Uint8Array): Buffer {
  return Buffer.from(new Float64Array([size, mtimeMs, crc32 === undefined ? -1 : crc32(data)]).buffer);
}

/** The code cache file of a bundle. */
function codeCacheFile(bundleFile: string): string {
  return `${bundleFile}.codecache`;
}

/**
 * Runs the CommonJS bundle at `bundleFile` (an absolute path) as Node runs a main module, with its
 * code cache when a valid one is there. With {@link WRITE_CODE_CACHE_ENV} set, writes the cache when
 * the process exits (it then holds the functions the run compiled). Returns false, running
 * nothing, when there is no file at `bundleFile`; throws what else reading the bundle or running
 * it throws.
 */
export function launch(bundleFile: string): boolean {
  // One open for the stats and the text, so that the cache header describes the source read.
  let fd: number;
  try {
    fd = openSync(bundleFile, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  let stats: Stats;
  let text: string;
  try {
    stats = fstatSync(fd);
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  // A leading `#!` line is not JavaScript inside the module wrapper: blank it, keeping the length.
  const source = text.replace(/^#!.*/, (line) => ' '.repeat(line.length));
  const writeCache = process.env[WRITE_CODE_CACHE_ENV] !== undefined && crc32 !== undefined;
  delete process.env[WRITE_CODE_CACHE_ENV]; // not for processes the bundle starts
  const script = new Script(Module.wrap(source), {
    filename: bundleFile,
    cachedData: writeCache ? undefined : readCodeCache(bundleFile, stats.size, stats.mtimeMs),
  });
  if (writeCache) {
    process.on('exit', () => {
      const data = script.createCachedData();
      const file = codeCacheFile(bundleFile);
      try {
        writeFileSync(file, Buffer.concat([cacheHeader(stats.size, stats.mtimeMs, data), data]));
      } catch (err) {
        process.stderr.write(`flowspy: cannot write the code cache ${file}: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  }
  const bundleModule = new Module(bundleFile, undefined);
  bundleModule.filename = bundleFile;
  bundleModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundleFile));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, createRequire(bundleFile), bundleModule, bundleFile, dirname(bundleFile));
  return true;
}

/**
 * The V8 data of the bundle's cache file when it was made for the bundle file as it is now (size
 * and mtime) and is whole (CRC-32), else undefined.
 */
function readCodeCache(bundleFile: string, size: number, mtimeMs: number): Buffer | undefined {
  if (crc32 === undefined) return undefined;
  let file: Buffer;
  try {
    file = readFileSync(codeCacheFile(bundleFile));
  } catch {
    return undefined;
  }
  if (file.length <= HEADER_BYTES) return undefined;
  const data = file.subarray(HEADER_BYTES);
  return file.subarray(0, HEADER_BYTES).equals(cacheHeader(size, mtimeMs, data)) ? data : undefined;
}
