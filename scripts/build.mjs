#!/usr/bin/env node
// `npm run build` (also run by `npm install`'s prepare step and by the test suite's setup):
// 1. tsc type-checks src/ and compiles it module by module into dist/ (the bench scripts import those);
// 2. esbuild bundles the CLI into dist/flowspy.cjs, the file bin/flowspy runs, and the `-o`
//    writer thread into dist/dirWriter.cjs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundleOptions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`], { stdio: 'inherit' });
await build({ ...bundleOptions, entryPoints: [`${root}src/cli/main.ts`], outfile: `${root}dist/flowspy.cjs` });
await build({ ...bundleOptions, entryPoints: [`${root}src/outputs/dirWriterThread.ts`], outfile: `${root}dist/dirWriter.cjs` });
