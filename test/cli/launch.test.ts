/**
 * The launcher (src/cli/launch.ts, built into dist/ by the suite's global setup): runs a CommonJS
 * bundle as a main module, with a V8 code cache that is used only for the bundle file it was made
 * for. Each case runs in a child process, as bin/flowspy does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WRITE_CODE_CACHE_ENV } from '../../src/cli/launch.js';
import { repoRoot } from '../corpus/references.js';

const launcher = pathToFileURL(join(repoRoot, 'dist', 'cli', 'launch.js')).href;
const work = mkdtempSync(join(tmpdir(), 'flowspy-launch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `bundle` through the launcher in a child process; `args` reach it as process.argv.slice(2). */
function launch(bundle: string, env: Record<string, string> = {}, args: string[] = []) {
  const code = `import { launch } from ${JSON.stringify(launcher)}; launch(${JSON.stringify(bundle)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, '--', bundle, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A bundle whose output names the value its (lazily compiled) function returns. */
function bundleSource(value: string): string {
  return `#!/usr/bin/env node\nfunction answer() { return ${JSON.stringify(value)}; }\n` +
    'console.log(JSON.stringify({ answer: answer(), file: __filename, exportsIs: typeof module.exports, requireIs: typeof require, fs: typeof require("node:fs").readFileSync }));\n';
}

describe('launch', () => {
  it('runs a CommonJS bundle as a main module (shebang line allowed)', () => {
    const bundle = join(work, 'plain.cjs');
    writeFileSync(bundle, bundleSource('plain'));
    const r = launch(bundle);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ answer: 'plain', file: bundle, exportsIs: 'object', requireIs: 'function', fs: 'function' });
    expect(existsSync(`${bundle}.codecache`)).toBe(false);
  });

  it('writes the code cache on request and runs from it', () => {
    const bundle = join(work, 'cached.cjs');
    writeFileSync(bundle, bundleSource('first'));
    expect(JSON.parse(launch(bundle, { [WRITE_CODE_CACHE_ENV]: '1' }).stdout).answer).toBe('first');
    const cache = readFileSync(`${bundle}.codecache`);
    const stats = statSync(bundle);
    // The header names the bundle file it was made for (size, modification time) and the CRC-32
    // of the V8 data after it.
    expect([...new Float64Array(cache.buffer.slice(cache.byteOffset, cache.byteOffset + 24))]).toEqual([
      stats.size,
      stats.mtimeMs,
      crc32(cache.subarray(24)),
    ]);
    expect(cache.length).toBeGreaterThan(100);
    const again = launch(bundle);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout).answer).toBe('first');
  });

  it('ignores a cache made for other source of the same length (V8 would run the old code)', () => {
    const bundle = join(work, 'changed.cjs');
    writeFileSync(bundle, bundleSource('old'));
    launch(bundle, { [WRITE_CODE_CACHE_ENV]: '1' });
    writeFileSync(bundle, bundleSource('new')); // same length
    const later = new Date(statSync(bundle).mtimeMs + 5000);
    utimesSync(bundle, later, later);
    expect(JSON.parse(launch(bundle).stdout).answer).toBe('new');

    // The danger the header guards against: with a header that matches, V8 accepts the cache of
    // the old source (it checks only the length) and runs the old function.
    const cacheFile = `${bundle}.codecache`;
    const cache = readFileSync(cacheFile);
    const stats = statSync(bundle);
    Buffer.from(new Float64Array([stats.size, stats.mtimeMs]).buffer).copy(cache, 0); // the CRC stays right
    writeFileSync(cacheFile, cache);
    expect(JSON.parse(launch(bundle).stdout).answer).toBe('old');
  });

  it('runs the bundle when the cache is damaged (V8 would crash on damaged data)', () => {
    // The CLI bundle itself: its cache is big enough for damage past V8's own header.
    const bundle = join(work, 'cli.cjs');
    copyFileSync(join(repoRoot, 'dist', 'flowspy.cjs'), bundle);
    const version = (env: Record<string, string> = {}) => launch(bundle, env, ['--version']);
    expect(version({ [WRITE_CODE_CACHE_ENV]: '1' }).stdout).toMatch(/^flowspy /);
    const cacheFile = `${bundle}.codecache`;
    const whole = readFileSync(cacheFile);
    expect(whole.length).toBeGreaterThan(60_100);
    const damaged = Buffer.from(whole);
    for (const at of [200, 5000, 20_000, 60_000]) damaged.fill(0x5a, 24 + at, 24 + at + 64);
    writeFileSync(cacheFile, damaged);
    const r = version();
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^flowspy /);
    writeFileSync(cacheFile, whole.subarray(0, 20)); // shorter than the header
    expect(version()).toMatchObject({ code: 0, stderr: '' });
    writeFileSync(cacheFile, whole.subarray(0, whole.length - 100)); // cut short
    expect(version()).toMatchObject({ code: 0, stderr: '' });
  });

  it('dist/launch.cjs without the CLI bundle beside it: the not-built line, exit 2', () => {
    const dir = join(work, 'half-built');
    mkdirSync(dir);
    copyFileSync(join(repoRoot, 'dist', 'launch.cjs'), join(dir, 'launch.cjs'));
    const r = spawnSync(process.execPath, [join(dir, 'launch.cjs'), '--version'], { encoding: 'utf8' });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'flowspy: not built yet; run `npm install` (or `npm run build`) in the checkout first\n']);
  });

  it('says in one line when it cannot write the cache', () => {
    const bundle = join(work, 'unwritable.cjs');
    writeFileSync(bundle, bundleSource('ok'));
    mkdirSync(`${bundle}.codecache`); // a directory where the cache file would go
    const r = launch(bundle, { [WRITE_CODE_CACHE_ENV]: '1' });
    expect(JSON.parse(r.stdout).answer).toBe('ok');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^flowspy: cannot write the code cache .*unwritable\.cjs\.codecache: .+\n$/);
  });
});
