/**
 * The dependency direction of ../shared/DESIGN.md, held over the import statements of src/**
 * (static, type-only, dynamic and require() imports, read by TypeScript's own pre-processor):
 * a folder of src/ imports only the folders its row of {@link ALLOWED} names, blessed is loaded
 * only in tui/, and the libpcap binding (pcap) and FFI (koffi) only by {@link LIBPCAP_MODULES}.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/corpus.js';

/**
 * Folder of src/ → the folders it may import (besides itself). Each row is DESIGN.md's rule,
 * plus, marked "beyond DESIGN", the edges today's code has that the rule does not list.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  io: [], // file helpers (readFully/writeFully): beyond DESIGN, a base layer beside core
  decode: ['core'],
  reassembly: ['core', 'decode'],
  proxy: ['core'],
  capture: ['core'],
  store: ['core', 'io'],
  render: ['core', 'store'],
  messages: ['core', 'store'],
  outputs: ['core', 'io', 'store', 'render', 'messages', 'capture'], // capture: beyond DESIGN (the pcap writer and frames, for -w)
  tui: ['core', 'io', 'store', 'render', 'messages', 'outputs', 'engine', 'capture'],
  engine: ['core', 'io', 'capture', 'decode', 'reassembly', 'proxy', 'store', 'outputs'],
  synth: ['core', 'decode', 'capture'], // synthetic captures for the demo, tests and bench
  cli: ['core', 'io', 'capture', 'decode', 'reassembly', 'proxy', 'store', 'render', 'messages', 'outputs', 'tui', 'engine', 'synth'],
};

/** Packages only some folders may load: package name → the folders allowed. */
const PACKAGE_FOLDERS: Record<string, readonly string[]> = { blessed: ['tui'], 'blessed-contrib': ['tui'] };

/** The modules that may load libpcap (the `pcap` binding, or `koffi` for FFI), relative to src/. */
const LIBPCAP_MODULES = new Set(['capture/libpcap.ts']);
const LIBPCAP_PACKAGES = new Set(['pcap', 'koffi']);

const srcRoot = join(repoRoot, 'src');

interface Edge {
  /** The importing file, relative to src/ (posix separators). */
  file: string;
  /** The module specifier as written. */
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import of every file of src/. */
function importsOf(root: string): Edge[] {
  return sourceFiles(root).flatMap((path) => {
    const file = relative(root, path).split('\\').join('/');
    const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    return importedFiles.map((imported) => ({ file, specifier: imported.fileName }));
  });
}

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');
const packageOf = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

/** The imports that break a rule, one line each (empty when the code keeps every rule). */
function violations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const { file, specifier } of edges) {
    const from = folderOf(file);
    const allowed = ALLOWED[from];
    if (allowed === undefined) {
      out.push(`${file}: folder src/${from}/ has no row in the allowed-edges table`);
      continue;
    }
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const to = folderOf(target);
      if (target.startsWith('..')) out.push(`${file} imports ${specifier}, outside src/`);
      else if (to !== from && !allowed.includes(to)) out.push(`${file} imports ${specifier}: src/${from}/ may not import src/${to}/`);
      continue;
    }
    if (specifier.startsWith('node:')) continue;
    const pkg = packageOf(specifier);
    if (LIBPCAP_PACKAGES.has(pkg) && !LIBPCAP_MODULES.has(file)) out.push(`${file} loads ${pkg}: only the libpcap module may`);
    const folders = PACKAGE_FOLDERS[pkg];
    if (folders && !folders.includes(from)) out.push(`${file} imports ${pkg}: only ${folders.map((f) => `src/${f}/`).join(', ')} may`);
  }
  return out;
}

describe('dependency direction (DESIGN.md)', () => {
  const edges = importsOf(srcRoot);

  it('every import of src/ keeps the rules', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(violations(edges)).toEqual([]);
  });

  it('the allowed edges have no cycle between folders', () => {
    const done = new Set<string>();
    const visit = (folder: string, path: string[]): void => {
      if (path.includes(folder)) throw new Error(`cycle: ${[...path, folder].join(' -> ')}`);
      if (done.has(folder)) return;
      for (const next of ALLOWED[folder] ?? []) visit(next, [...path, folder]);
      done.add(folder);
    };
    for (const folder of Object.keys(ALLOWED)) visit(folder, []);
    expect(done.size).toBe(Object.keys(ALLOWED).length);
  });

  it('catches a planted bad import of each kind', () => {
    const planted: Edge[] = [
      { file: 'decode/tcp.ts', specifier: '../reassembly/reassembler.js' },
      { file: 'store/flowStore.ts', specifier: '../render/lines.js' },
      { file: 'core/types.ts', specifier: '../engine/captureRun.js' },
      { file: 'outputs/log.ts', specifier: 'blessed' },
      { file: 'engine/liveRun.ts', specifier: 'pcap/build/Release/pcap_binding.node' },
      { file: 'capture/read.ts', specifier: 'koffi' },
      { file: 'widgets/box.ts', specifier: '../core/types.js' },
      { file: 'core/seq.ts', specifier: '../../test/support/prng.js' },
    ];
    expect(violations(planted)).toHaveLength(planted.length);
    expect(violations([{ file: 'engine/captureRun.ts', specifier: '../reassembly/reassembler.js' }])).toEqual([]);
  });

  it('reads every kind of import statement', () => {
    const text = [
      "import type { A } from '../a/x.js';",
      "export { B } from '../b/x.js';",
      "import '../c/x.js';",
      "const d = await import('../d/x.js');",
      "const e = require('e-package');",
      "// import { F } from '../f/x.js';",
    ].join('\n');
    expect(ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName)).toEqual([
      '../a/x.js', '../b/x.js', '../c/x.js', '../d/x.js', 'e-package',
    ]);
  });
});
