/**
 * The launcher (src/cli/launch.ts, built into dist/ by the suite's global setup): runs a CommonJS
 * bundle as a main module, with a V8 code cache that is used only for the bundle file it was made
 * for. Each case runs in a child process, as bin/flowspy does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../corpus/references.js';

const launcher = pathToFileURL(join(repoRoot, 'dist', 'cli', 'launch.js')).href;
const work = mkdtempSync(join(tmpdir(), 'flowspy-launch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function launch(bundle: string, env: Record<string, string> = {}) {
  const code = `import { launch } from ${JSON.stringify(launcher)}; launch(${JSON.stringify(bundle)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, 'arg1'], {
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
    expect(JSON.parse(launch(bundle, { FLOWSPY_WRITE_CODE_CACHE: '1' }).stdout).answer).toBe('first');
    const cache = readFileSync(`${bundle}.codecache`);
    const stats = statSync(bundle);
    // The header names the bundle file it was made for: its size and modification time.
    expect([...new Float64Array(cache.buffer.slice(cache.byteOffset, cache.byteOffset + 16))]).toEqual([stats.size, stats.mtimeMs]);
    expect(cache.length).toBeGreaterThan(100);
    const again = launch(bundle);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout).answer).toBe('first');
  });

  it('ignores a cache made for other source of the same length (V8 would run the old code)', () => {
    const bundle = join(work, 'changed.cjs');
    writeFileSync(bundle, bundleSource('old'));
    launch(bundle, { FLOWSPY_WRITE_CODE_CACHE: '1' });
    writeFileSync(bundle, bundleSource('new')); // same length
    const later = new Date(statSync(bundle).mtimeMs + 5000);
    utimesSync(bundle, later, later);
    expect(JSON.parse(launch(bundle).stdout).answer).toBe('new');

    // The danger the header guards against: with a header that matches, V8 accepts the cache of
    // the old source (it checks only the length) and runs the old function.
    const cacheFile = `${bundle}.codecache`;
    const cache = readFileSync(cacheFile);
    const stats = statSync(bundle);
    Buffer.from(new Float64Array([stats.size, stats.mtimeMs]).buffer).copy(cache, 0);
    writeFileSync(cacheFile, cache);
    expect(JSON.parse(launch(bundle).stdout).answer).toBe('old');
  });

  it('runs the bundle when the cache is damaged', () => {
    const bundle = join(work, 'damaged.cjs');
    writeFileSync(bundle, bundleSource('fine'));
    launch(bundle, { FLOWSPY_WRITE_CODE_CACHE: '1' });
    const cacheFile = `${bundle}.codecache`;
    const cache = readFileSync(cacheFile);
    cache.fill(0x5a, 16); // keep the header, spoil V8's data
    writeFileSync(cacheFile, cache);
    const r = launch(bundle);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).answer).toBe('fine');
    writeFileSync(cacheFile, cache.subarray(0, 10)); // shorter than the header
    expect(JSON.parse(launch(bundle).stdout).answer).toBe('fine');
  });
});
