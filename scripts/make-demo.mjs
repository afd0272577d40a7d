#!/usr/bin/env node
// Writes demo/demo.pcap from the compiled demo script. Run `npm run build` first.
// The committed file must equal buildDemoCapture() byte for byte (test/synth/demo.test.ts checks it).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let buildDemoCapture;
try {
  ({ buildDemoCapture } = await import('../dist/synth/demo.js'));
} catch (error) {
  process.stderr.write(`make-demo: cannot load dist/synth/demo.js (run \`npm run build\` first): ${error.message}\n`);
  process.exit(2);
}
const target = fileURLToPath(new URL('../demo/demo.pcap', import.meta.url));
const bytes = buildDemoCapture();
writeFileSync(target, bytes);
process.stdout.write(`wrote ${target} (${bytes.length} bytes)\n`);
