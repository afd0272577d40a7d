/**
 * Differential: capture filters against tcpdump. For every corpus capture and each expression of
 * {@link EXPRESSIONS}, the packets flowspy's filter keeps are as many as `tcpdump -r FILE -w - EXPR`
 * writes, or both refuse the expression for the file's link type.
 *
 * libpcap reads some files only in part (a damaged or cut record; a pcapng file whose interfaces
 * have different link types): tcpdump without a filter says how many packets it reads, and the
 * comparison covers those first packets (flowspy must read at least as many).
 *
 * A big-endian BSD loopback capture (the corpus has only little-endian ones) is made from one, as
 * a big-endian host writes it, and compared the same way.
 *
 * Skips, saying why, when the corpus, tcpdump or libpcap is missing; never in CI (env CI set).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCaptureFilter } from '../../src/capture/filter.js';
import { readCapture } from '../../src/capture/read.js';
import { corpusDir, corpusFiles, corpusMissingReason, corpusPath } from '../corpus/references.js';

/** Hosts, ports, flags, address families, tags and lengths: each reads a different part of a frame. */
const EXPRESSIONS = [
  'tcp',
  'ip',
  'ip6',
  'vlan',
  'greater 100',
  'less 80',
  'tcp[13] & 2 != 0',
  'tcp[tcpflags] & (tcp-fin|tcp-rst) != 0',
  'port 80',
  'tcp dst port 80 or tcp src port 443',
  'net 192.168.0.0/16',
  'host ::1',
  'ip[6:2] & 0x3fff != 0',
  'not tcp',
];

const haveTcpdump = spawnSync('sh', ['-c', 'command -v tcpdump']).status === 0;
const libpcapError = (() => {
  try {
    compileCaptureFilter('tcp');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
})();
const skipReason = !corpusDir
  ? corpusMissingReason
  : !haveTcpdump
    ? 'tcpdump is not installed'
    : libpcapError !== undefined
      ? libpcapError
      : undefined;
const inCi = Boolean(process.env.CI);
if (skipReason !== undefined && !inCi) process.stdout.write(`filter differential against tcpdump skipped: ${skipReason}\n`);

/** What tcpdump did with a file: packets written, or the expression refused (its message). */
type TcpdumpOutcome = { packets: number; refused?: undefined } | { packets?: undefined; refused: string };

/** Runs `tcpdump -r file -w - [expression]` and counts the records of the pcap it writes. */
function tcpdump(file: string, expression?: string): Promise<TcpdumpOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('tcpdump', ['-r', file, '-w', '-', ...(expression === undefined ? [] : [expression])]);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const pcap = Buffer.concat(out);
      // A refused expression fails before the output file is opened: nothing written.
      if (status !== 0 && pcap.length === 0) resolve({ refused: err.trim().split('\n').pop() ?? '' });
      else resolve({ packets: countPcapRecords(pcap) });
    });
  });
}

/** The number of records in a classic pcap file (either byte order). */
function countPcapRecords(pcap: Buffer): number {
  if (pcap.length < 24) return 0;
  const magic = pcap.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  let records = 0;
  for (let pos = 24; pos + 16 <= pcap.length; records++) {
    pos += 16 + (littleEndian ? pcap.readUInt32LE(pos + 8) : pcap.readUInt32BE(pos + 8));
  }
  return records;
}

/** What flowspy's filter did with the first `limit` packets of a file. */
type FlowspyOutcome = { kept: number; read: number; refused?: undefined } | { refused: string };

async function flowspy(file: string, expression: string, limit: number): Promise<FlowspyOutcome> {
  let predicate: ReturnType<typeof compileCaptureFilter>;
  try {
    predicate = compileCaptureFilter(expression);
  } catch (err) {
    return { refused: (err as Error).message };
  }
  let read = 0;
  let kept = 0;
  let refused: string | undefined;
  try {
    await readCapture(file, {
      onPacket: (packet) => {
        if (read === limit || refused !== undefined) return;
        read++;
        try {
          if (predicate(packet)) kept++;
        } catch (err) {
          refused = (err as Error).message;
        }
      },
    });
  } catch {
    // A damaged or cut file: the packets before the damage were counted.
  }
  return refused !== undefined ? { refused } : { kept, read };
}

const results = { equal: 0, total: 0, partial: [] as string[] };
afterAll(() => {
  if (results.total === 0) return;
  process.stdout.write(
    `filter differential against tcpdump: ${results.equal}/${results.total} (capture x expression) equal` +
      `${results.partial.length ? `; compared over the packets libpcap reads: ${results.partial.join(', ')}` : ''}\n`,
  );
});

/** Compares every expression on one capture; returns the differences, one line each. */
async function compareWithTcpdump(file: string, name: string): Promise<string[]> {
  const all = await tcpdump(file);
  if (all.packets === undefined) throw new Error(`tcpdump cannot read ${name}: ${all.refused}`);
  let fileTotal = 0;
  await readCapture(file, { onPacket: () => void fileTotal++ }).catch(() => undefined);
  if (all.packets < fileTotal) results.partial.push(`${name} ${all.packets} of ${fileTotal}`);
  const differences: string[] = [];
  const references = await Promise.all(EXPRESSIONS.map((expression) => tcpdump(file, expression)));
  for (const [i, expression] of EXPRESSIONS.entries()) {
    const reference = references[i];
    const ours = await flowspy(file, expression, all.packets);
    results.total++;
    const same =
      reference.refused !== undefined
        ? ours.refused !== undefined
        : ours.refused === undefined && ours.read === all.packets && ours.kept === reference.packets;
    if (same) {
      results.equal++;
      continue;
    }
    const show = (o: { refused?: string; kept?: number; packets?: number }) => (o.refused !== undefined ? `refused (${o.refused})` : `${o.kept ?? o.packets}`);
    const partRead = ours.refused === undefined && ours.read !== all.packets ? ` (read ${ours.read} of ${all.packets})` : '';
    differences.push(`${name} "${expression}": tcpdump ${show(reference)}, flowspy ${show(ours)}${partRead}`);
  }
  return differences;
}

/**
 * A little-endian classic pcap of BSD loopback frames rewritten as a big-endian host writes it:
 * file and record headers, and each frame's address family word, in big-endian order.
 */
function bigEndianNullCapture(le: Buffer): Buffer {
  const be = Buffer.from(le);
  if (le.readUInt32LE(0) !== 0xa1b2c3d4 || le.readUInt32LE(20) !== 0) throw new Error('not a little-endian BSD loopback pcap');
  be.writeUInt32BE(0xa1b2c3d4, 0);
  be.writeUInt16BE(le.readUInt16LE(4), 4);
  be.writeUInt16BE(le.readUInt16LE(6), 6);
  for (const at of [8, 12, 16, 20]) be.writeUInt32BE(le.readUInt32LE(at), at);
  for (let pos = 24; pos + 16 <= le.length; ) {
    for (const at of [0, 4, 8, 12]) be.writeUInt32BE(le.readUInt32LE(pos + at), pos + at);
    const captured = le.readUInt32LE(pos + 8);
    if (captured >= 4) be.writeUInt32BE(le.readUInt32LE(pos + 16), pos + 16);
    pos += 16 + captured;
  }
  return be;
}

describe.skipIf(skipReason !== undefined && !inCi)('capture filters: packet counts equal tcpdump -r FILE EXPR', () => {
  if (skipReason !== undefined) {
    it('runs in CI (nothing may skip there)', () => {
      throw new Error(`cannot run: ${skipReason}`);
    });
    return;
  }
  it.each(corpusFiles())('%s', async (name) => {
    expect(await compareWithTcpdump(corpusPath(name), name)).toEqual([]);
  });

  it('a big-endian BSD loopback capture (zeek__http_connect-with-header.pcap as a big-endian host writes it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-filter-'));
    try {
      const file = join(dir, 'loopback-big-endian.pcap');
      writeFileSync(file, bigEndianNullCapture(readFileSync(corpusPath('zeek__http_connect-with-header.pcap'))));
      expect(await compareWithTcpdump(file, 'zeek__http_connect-with-header.pcap, big-endian')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
