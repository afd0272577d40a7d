/**
 * Reference tools for the differential tests: the corpus location, tcpflow's `-o` output and
 * tshark's "Follow TCP Stream" (raw) per stream.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/corpus/references.ts). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** ../shared/corpus beside the checkout, or undefined when it is not there. */
export const corpusDir: string | undefined = (() => {
  const dir = resolve(repoRoot, '..', 'shared', 'corpus');
  return existsSync(join(dir, 'pcaps')) ? dir : undefined;
})();

/** Why corpus tests skip when the corpus is missing. */
export const corpusMissingReason = `corpus not found at ${resolve(repoRoot, '..', 'shared', 'corpus')} (it lives beside the checkout)`;

/** The corpus capture files, sorted by name. */
export function corpusFiles(): string[] {
  if (!corpusDir) return [];
  return readdirSync(join(corpusDir, 'pcaps')).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort();
}

/** Path of a corpus capture. */
export function corpusPath(name: string): string {
  return join(corpusDir!, 'pcaps', name);
}

/** One row of manifest.tsv, by column name. */
export function manifestRow(name: string): Record<string, string> | undefined {
  if (!corpusDir) return undefined;
  const [header, ...rows] = readFileSync(join(corpusDir, 'manifest.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  const row = rows.map((r) => r.split('\t')).find((r) => r[0] === name);
  return row ? Object.fromEntries(cols.map((c, i) => [c, row[i]])) : undefined;
}

function installed(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** True when tcpflow is on the PATH. */
export const haveTcpflow = installed('tcpflow');
/** True when tshark is on the PATH. */
export const haveTshark = installed('tshark');

/** Reads every regular file of a directory except tcpflow's report.xml: name → bytes. */
export function readFlowDir(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name === 'report.xml') continue;
    const path = join(dir, name);
    if (statSync(path).isFile()) out.set(name, readFileSync(path));
  }
  return out;
}

/** Runs `tcpflow -r FILE -o DIR` (default options, as the manifest did) and returns its files. */
export function runTcpflow(file: string, dir: string): Map<string, Buffer> {
  spawnSync('tcpflow', ['-r', file, '-o', dir], { stdio: 'ignore' });
  return readFlowDir(dir);
}

/** One TCP stream as tshark follows it: node 0 is the side tshark saw first. */
export interface TsharkStream {
  node0: string;
  node1: string;
  /** Bytes node 0 sent, with "[N bytes missing in capture file]" markers turned into N zero bytes. */
  fromNode0: Buffer;
  fromNode1: Buffer;
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
    const parts: [Buffer[], Buffer[]] = [[], []];
    for (const line of block.split('\n')) {
      const m = /^(\t?)([0-9a-f]+)$/.exec(line);
      if (!m) continue;
      let bytes = Buffer.from(m[2], 'hex');
      const missing = MISSING.exec(bytes.toString('latin1'));
      if (missing) bytes = Buffer.alloc(Number(missing[1]));
      parts[m[1] ? 1 : 0].push(bytes);
    }
    streams.push({ node0, node1, fromNode0: Buffer.concat(parts[0]), fromNode1: Buffer.concat(parts[1]) });
  }
  return streams;
}
