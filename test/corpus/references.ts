/**
 * Reference tools for the differential tests: the corpus manifest, tcpflow's `-o` output and
 * tshark's "Follow TCP Stream" (raw) per stream.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '../support/corpus.js';

/** The corpus location and the repository root: see test/support/corpus.ts. */
export { corpusDir, corpusFiles, corpusMissingReason, corpusPath, repoRoot } from '../support/corpus.js';

/** One row of manifest.tsv, by column name. */
export function manifestRow(name: string): Record<string, string> | undefined {
  if (!corpusDir) return undefined;
  const [header, ...rows] = readFileSync(join(corpusDir, 'manifest.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  const row = rows.map((r) => r.split('\t')).find((r) => r[0] === name);
  return row ? Object.fromEntries(cols.map((c, i) => [c, row[i]])) : undefined;
}

/** Files larger than this are not read whole (a sparse multi-GiB stream). */
export const MAX_READ_WHOLE = 256 << 20;

/** A file of an output directory: its size, and its bytes unless it is larger than {@link MAX_READ_WHOLE}. */
export interface FlowFile {
  path: string;
  size: number;
  bytes?: Buffer;
}

/** Every regular file of a directory except tcpflow's report.xml, by name. */
export function readFlowDir(dir: string): Map<string, FlowFile> {
  const out = new Map<string, FlowFile>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name === 'report.xml') continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.set(name, { path, size: st.size, ...(st.size <= MAX_READ_WHOLE ? { bytes: readFileSync(path) } : {}) });
  }
  return out;
}

/** True when both files hold the same bytes (both read whole). */
export function sameFile(a: FlowFile | undefined, b: FlowFile | undefined): boolean {
  return !!a?.bytes && !!b?.bytes && a.bytes.equals(b.bytes);
}

/** Runs `tcpflow -r FILE -o DIR` (default options, as the manifest did) and returns its files. */
export function runTcpflow(file: string, dir: string): Map<string, FlowFile> {
  spawnSync('tcpflow', ['-r', file, '-o', dir], { stdio: 'ignore' });
  return readFlowDir(dir);
}

/**
 * One direction of a stream as data extents at stream offsets; bytes not covered are holes
 * (zero in a tcpflow-style file). Lets a sparse multi-GiB stream be compared without
 * materializing it.
 */
export interface SparseStream {
  length: number;
  extents: { offset: number; bytes: Buffer }[];
}

/** Merges adjacent extents so that two descriptions of the same bytes compare equal. */
export function normalizeSparse(stream: SparseStream): SparseStream {
  const extents: { offset: number; bytes: Buffer }[] = [];
  for (const e of [...stream.extents].sort((a, b) => a.offset - b.offset)) {
    if (e.bytes.length === 0) continue;
    const last = extents[extents.length - 1];
    if (last && last.offset + last.bytes.length === e.offset) last.bytes = Buffer.concat([last.bytes, e.bytes]);
    else extents.push({ offset: e.offset, bytes: e.bytes });
  }
  return { length: stream.length, extents };
}

/** True when both describe the same stream (same length, same bytes, holes as zeros where both have holes). */
export function sparseEqual(a: SparseStream, b: SparseStream): boolean {
  const x = normalizeSparse(a);
  const y = normalizeSparse(b);
  return x.length === y.length && x.extents.length === y.extents.length &&
    x.extents.every((e, i) => e.offset === y.extents[i].offset && e.bytes.equals(y.extents[i].bytes));
}

/** The stream's data extents concatenated (holes cut out). */
export function capturedBytes(stream: SparseStream): Buffer {
  return Buffer.concat(normalizeSparse(stream).extents.map((e) => e.bytes));
}

/** The whole stream with holes as zeros (only for streams of reasonable size). */
export function flatten(stream: SparseStream): Buffer {
  const out = Buffer.alloc(stream.length);
  for (const e of stream.extents) e.bytes.copy(out, e.offset);
  return out;
}

/** One TCP stream as tshark follows it: node 0 is the side tshark saw first. */
export interface TsharkStream {
  node0: string;
  node1: string;
  /** What node 0 sent; "[N bytes missing in capture file]" markers become holes. */
  fromNode0: SparseStream;
  fromNode1: SparseStream;
}

const MISSING = /^\[(\d+) bytes missing in capture file\]\0?$/;

/** Follows every TCP stream of a capture with `tshark -qz follow,tcp,raw,N`. */
export function tsharkFollowAll(file: string): TsharkStream[] {
  const ids = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 })
    .split('\n').filter(Boolean).map(Number);
  const count = ids.length ? Math.max(...ids) + 1 : 0;
  if (count === 0) return [];
  const args = ['-r', file, '-q'];
  for (let i = 0; i < count; i++) args.push('-z', `follow,tcp,raw,${i}`);
  const text = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
  const streams: TsharkStream[] = [];
  for (const block of text.split(/^=+$/m)) {
    const node0 = /^Node 0: (.*)$/m.exec(block)?.[1];
    const node1 = /^Node 1: (.*)$/m.exec(block)?.[1];
    if (!node0 || !node1) continue;
    const sides: [SparseStream, SparseStream] = [{ length: 0, extents: [] }, { length: 0, extents: [] }];
    for (const line of block.split('\n')) {
      const m = /^(\t?)([0-9a-f]+)$/.exec(line);
      if (!m) continue;
      const side = sides[m[1] ? 1 : 0];
      const bytes = Buffer.from(m[2], 'hex');
      const missing = bytes.length < 64 ? MISSING.exec(bytes.toString('latin1')) : null;
      if (missing) {
        side.length += Number(missing[1]);
      } else {
        side.extents.push({ offset: side.length, bytes });
        side.length += bytes.length;
      }
    }
    streams.push({ node0, node1, fromNode0: sides[0], fromNode1: sides[1] });
  }
  return streams;
}
