#!/usr/bin/env node
// `npm run build` (also run by `npm install`'s prepare step and by the test suite's setup):
// 1. tsc type-checks src/ and compiles it module by module into dist/ (the bench scripts import those);
// 2. esbuild bundles the CLI into dist/flowspy.cjs, and its launcher (src/cli/launchCli.ts) into
//    dist/launch.cjs, the file bin/flowspy runs, and the `-o` writer thread into dist/dirWriter.cjs;
// 3. a run of the CLI on the demo capture writes the CLI's V8 code cache, dist/flowspy.cjs.codecache
//    (see src/cli/launch.ts).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundleOptions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`], { stdio: 'inherit' });
await build({ ...bundleOptions, entryPoints: [`${root}src/cli/main.ts`], outfile: `${root}dist/flowspy.cjs` });
await build({ ...bundleOptions, entryPoints: [`${root}src/cli/launchCli.ts`], outfile: `${root}dist/launch.cjs` });
await build({ ...bundleOptions, entryPoints: [`${root}src/outputs/dirWriterThread.ts`], outfile: `${root}dist/dirWriter.cjs` });
const { writeCodeCache } = await import('./codeCache.mjs'); // after tsc: it imports dist/cli/launch.js
try {
  writeCodeCache(`${root}dist/launch.cjs`, ['-r', `${root}demo/demo.pcap`, '--json']);
} catch (error) {
  process.stderr.write(`build: the CLI failed on the demo capture: ${error.message}\n`);
  process.exit(1);
}
