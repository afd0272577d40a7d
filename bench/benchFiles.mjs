// The bench's cached inputs in bench/out, shared by bench/run.mjs and bench/tui.mjs: the big
// synthetic capture (made by bench/gen.mjs, made again when the generator or its parameters
// changed) and the model-only load bundled as bin/flowspy's CLI is (bench/model-load.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGenerator } from './generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const outDir = join(here, 'out');

/** bench/gen.mjs's numeric flags and the generator option each sets. */
export const BIG_CAPTURE_FLAGS = { '--seed': 'seed', '--target-bytes': 'targetBytes', '--min-flows': 'minFlows', '--concurrency': 'concurrency' };

/**
 * Makes sure bench/out/big.pcap exists, made with the default options plus `overrides` by the
 * current generator (it is made again otherwise, or always with `regenerate`). `log` gets
 * progress lines. Resolves { capture, options, stats, reused }; rejects with a one-line Error
 * when the generator does not build or fails.
 */
export async function ensureBigCapture({ overrides = {}, regenerate = false, log = () => undefined } = {}) {
  const capture = join(outDir, 'big.pcap');
  const paramsFile = join(outDir, 'big.json');
  let generator;
  try {
    generator = await loadGenerator();
  } catch (error) {
    throw new Error(`cannot bundle the capture generator (test/support/bigCapture.ts): ${error.message}`);
  }
  mkdirSync(outDir, { recursive: true });
  const options = { ...generator.DEFAULT_BIG_CAPTURE, ...overrides };
  try {
    const previous = JSON.parse(readFileSync(paramsFile, 'utf8'));
    if (
      !regenerate &&
      previous.version === generator.version &&
      JSON.stringify(previous.options) === JSON.stringify(options) &&
      statSync(capture).size === previous.stats.bytes
    ) {
      return { capture, options, stats: previous.stats, reused: true };
    }
  } catch {
    // no usable previous capture
  }
  log(`generating ${capture} ...`);
  rmSync(paramsFile, { force: true });
  const args = [join(here, 'gen.mjs'), capture];
  for (const [flag, name] of Object.entries(BIG_CAPTURE_FLAGS)) args.push(flag, String(options[name]));
  const gen = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (gen.status !== 0) throw new Error(`generator failed: ${firstLine(gen.stderr || gen.stdout)}`);
  const result = JSON.parse(gen.stdout.trim().split('\n').pop());
  const { file: _file, options: _options, seconds, mbPerSecond, ...stats } = result;
  writeFileSync(paramsFile, JSON.stringify({ version: generator.version, options, stats }, null, 2) + '\n');
  log(`generator: ${(stats.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s (${mbPerSecond.toFixed(1)} MB/s)`);
  return { capture, options, stats, reused: false };
}

/**
 * Bundles bench/model-load.mjs as bin/flowspy's CLI is bundled (scripts/bundleOptions.mjs) into
 * bench/out; resolves with the bundle's path. Rejects with a one-line Error.
 */
export async function bundleModelLoad() {
  const outfile = join(outDir, 'model-load.bundle.cjs');
  try {
    const { build } = await import('esbuild');
    const { bundleOptions } = await import('../scripts/bundleOptions.mjs');
    await build({ ...bundleOptions, entryPoints: [join(here, 'model-load.mjs')], outfile });
  } catch (error) {
    throw new Error(`cannot bundle bench/model-load.mjs: ${firstLine(String(error.message ?? error))}`);
  }
  return outfile;
}

function firstLine(text) {
  return (text.trim().split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);
}
