/**
 * Entry point of dist/launch.cjs, which bin/flowspy runs: starts the CLI bundle beside it
 * (dist/flowspy.cjs) with its code cache (see ./launch.ts).
 */
import { fileURLToPath } from 'node:url';
import { launch } from './launch.js';

// In the bundle, import.meta.url is the bundle's own file (scripts/bundleOptions.mjs).
if (!launch(fileURLToPath(new URL('flowspy.cjs', import.meta.url)))) {
  process.stderr.write('flowspy: not built yet; run `npm install` (or `npm run build`) in the checkout first\n');
  process.exitCode = 2;
}
