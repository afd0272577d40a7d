// esbuild options shared by the build (bin/flowspy's dist/flowspy.cjs) and the bench (its
// model-only load), so both run code bundled the same way.
//
// Why a bundle: one script instead of ~40 ES modules starts ~15 ms sooner on Node 20, and with
// every function in one scope V8 optimises the per-packet path better (model-only load of the
// bench capture, 10 alternating runs: 0.525 s -> 0.495 s mean). Packages stay external: node_modules
// is loaded at run time as before (blessed, iconv-lite, koffi, pcap).
//
// Why CommonJS: Node 20 starts a CommonJS entry script ~8 ms sooner than an ES module, as its ES
// module loader is not needed (flowspy on the demo capture, 20 alternating runs: 84 -> 76 ms
// median; an empty script: 45 -> 36 ms). The sources stay ES modules; the bundle defines
// `import.meta.url` as the bundle's own file URL, which is what the sources use it for. A bundled
// entry point therefore cannot use top-level await. The banner starts with "use strict": ES modules
// are strict, and esbuild's own directive comes after the banner, where it is a plain string.

/** Options for esbuild's `build()`; add `entryPoints` and `outfile` (ending in `.cjs`). */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  define: { 'import.meta.url': '__flowspyBundleUrl' },
  banner: { js: '"use strict";\nconst __flowspyBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
};
