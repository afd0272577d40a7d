/**
 * Every capture of the shared corpus (../shared/corpus beside the repository) reads with the
 * packet count capinfos reports; the two damaged files fail at the right byte after the right
 * number of packets. Skipped, with the reason printed, when the corpus is absent (never in CI).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/read.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { corpusDir, corpusMissingReason } from '../support/corpus.js';
import { cannotRun, missingTool } from '../support/requirements.js';
import { frameBytes, hex, parseAll } from './helpers.js';

const CORPUS = corpusDir;

interface ManifestRow {
  file: string;
  fileBytes: number;
  format: string;
  linkTypes: string;
  packets: number;
}

function manifest(dir: string): ManifestRow[] {
  const lines = readFileSync(join(dir, 'manifest.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.findIndex((h) => h.startsWith(name));
  const [file, bytes, format, links, packets] = ['file', 'file_bytes', 'format', 'link_type', 'packets'].map(col);
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return {
      file: cells[file],
      fileBytes: Number(cells[bytes]),
      format: cells[format],
      linkTypes: cells[links],
      packets: Number.parseInt(cells[packets], 10),
    };
  });
}

/** The damaged files: what must be read before the error, and the error itself (offsets checked by hexdump). */
const DAMAGED: Record<string, { packets: number; kind: string; offset: number; message: string }> = {
  // Records 1..8 start at 24, 114, 190, 260, 411, 481, 569, 769; record 8 lost a byte, so the
  // header read at 874 (= 769 + 16 + 89) is shifted by one and announces caplen 0x51000000.
  'peafowl__imap_CORRUPT.cap': {
    packets: 8,
    kind: 'damaged',
    offset: 874,
    message: 'damaged capture peafowl__imap_CORRUPT.cap at byte 874, after packet 8: record announces 1358954496 captured bytes (more than 262144)',
  },
  // Record 8 starts at 3650, its 1514 data bytes at 3666; the file ends at 4366, 700 bytes later.
  'derived__zeek_http_get_TRUNCATED-mid-record.pcap': {
    packets: 7,
    kind: 'truncated',
    offset: 4366,
    message: 'capture derived__zeek_http_get_TRUNCATED-mid-record.pcap cut short at byte 4366, after packet 7: record of 1514 bytes has only 700',
  },
};

/** Link types of every IDB (capinfos -M), and how many packets each interface carries (tshark). */
const PCAPNG_INTERFACES: Record<string, { linkTypes: number[]; packetsPerInterface: Record<number, number> }> = {
  'pcapplusplus__many_interfaces-1.pcapng': {
    linkTypes: [1, 1, 1, 1, 0, 1, 1, 1, 12, 1, 0],
    packetsPerInterface: { 0: 62, 10: 2 },
  },
  'pcapplusplus__pcapng-example.pcapng': { linkTypes: [1, 113], packetsPerInterface: { 0: 59, 1: 100 } },
  'tcpflow__test5-lines-randomized.pcap': { linkTypes: [1], packetsPerInterface: { 0: 11 } },
};

/** First and last timestamps as tshark prints them (frame.time_epoch). */
const TIMESTAMPS: Record<string, [string, string]> = {
  'pcapplusplus__nanosecs_big_endian.pcap': ['1766361926.167647291', '1766361926.168451894'],
  'zeek__http_get-to-ssh-server.pcap': ['1770126425.732560000', '1770126426.041811000'],
  'pcapplusplus__pcapng-example.pcapng': ['1422527998.578402281', '18446744073204.277451000'],
  'tcpflow__test1.pcap': ['1223315692.549570000', '1223315695.354865000'],
};

function epochToMicros(text: string): number {
  const [seconds, fraction] = text.split('.');
  return Number(seconds) * 1e6 + Number(fraction.padEnd(9, '0')) / 1000;
}

/** Equal to within half a microsecond, or a few units of double precision for huge values. */
function closeMicros(got: number, want: number): boolean {
  return Math.abs(got - want) <= Math.max(0.5, Math.abs(want) * 4.5e-16);
}


describe.skipIf(cannotRun(corpusMissingReason, 'corpus captures'))('corpus captures', () => {
  const dir = CORPUS!;
  const rows = CORPUS ? manifest(dir) : [];

  it('the manifest lists every corpus file', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows.map((r) => [r.file, r] as const))('%s', async (file, row) => {
    const path = join(dir, 'pcaps', file);
    const bytes = readFileSync(path);
    const linkTypes = new Set<number>();
    let count = 0;
    let offsetsOk = 0;
    let progressCalls = 0;
    const read = readCapture(path, {
      chunkSize: 64 * 1024,
      onProgress: (done, total) => {
        progressCalls++;
        expect(total).toBe(row.fileBytes);
        expect(done).toBeLessThanOrEqual(total!);
      },
      onPacket: (p) => {
        count++;
        linkTypes.add(p.linkType);
        const frame = frameBytes(p);
        expect(frame.length).toBeLessThanOrEqual(p.origLen);
        if (hex(bytes.subarray(p.fileOffset, p.fileOffset + frame.length)) === hex(frame)) offsetsOk++;
      },
    });
    const damage = DAMAGED[file];
    if (damage) {
      const error = await read.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(CaptureFormatError);
      const e = error as CaptureFormatError;
      expect(e.kind).toBe(damage.kind);
      expect(e.offset).toBe(damage.offset);
      expect(e.message).toBe(damage.message.replace(file, path));
      expect(count).toBe(damage.packets);
    } else {
      const result = await read;
      expect(result.packets).toBe(row.packets);
      expect(result.bytes).toBe(row.fileBytes);
      expect(result.format).toBe(row.format.startsWith('pcapng') ? 'pcapng' : 'pcap');
      expect(progressCalls).toBeGreaterThan(0);
    }
    expect(count).toBe(row.packets);
    expect(offsetsOk).toBe(count);
    const dlt = /^DLT (\d+)/.exec(row.linkTypes);
    if (dlt) expect([...linkTypes]).toEqual([Number(dlt[1])]);
  });

  it.each(Object.entries(PCAPNG_INTERFACES))('interfaces of %s', (file, expected) => {
    const perInterface: Record<number, number> = {};
    const { parser, error } = parseAll(readFileSync(join(dir, 'pcaps', file)));
    expect(error).toBeUndefined();
    expect(parser.format).toBe('pcapng');
    expect(parser.interfaceLinkTypes).toEqual(expected.linkTypes);
    const again = parseAll(readFileSync(join(dir, 'pcaps', file)));
    for (const p of again.packets) {
      expect(p.linkType).toBe(expected.linkTypes[p.interfaceId]);
      perInterface[p.interfaceId] = (perInterface[p.interfaceId] ?? 0) + 1;
    }
    expect(perInterface).toEqual(expected.packetsPerInterface);
  });

  it.each(Object.entries(TIMESTAMPS))('timestamps of %s', (file, [first, last]) => {
    const { packets } = parseAll(readFileSync(join(dir, 'pcaps', file)));
    const want = [epochToMicros(first), epochToMicros(last)];
    const got = [packets[0].ts, packets[packets.length - 1].ts];
    for (let i = 0; i < 2; i++) expect(closeMicros(got[i], want[i]), `${got[i]} vs ${want[i]}`).toBe(true);
  });

  it('same packets whatever the chunk sizes (997 B, cycled 1/4093/17 B, 1 B for small files)', () => {
    for (const row of rows) {
      const bytes = readFileSync(join(dir, 'pcaps', row.file));
      const whole = parseAll(bytes);
      const splits = bytes.length <= 8192 ? [[997], [1, 4093, 17], [1]] : [[997], [1, 4093, 17]];
      for (const sizes of splits) {
        const split = parseAll(bytes, sizes);
        expect(split.packets.length, row.file).toBe(whole.packets.length);
        expect(split.packets).toEqual(whole.packets);
        expect(split.error?.message).toBe(whole.error?.message);
      }
    }
  });

  it.skipIf(cannotRun(missingTool('tshark'), 'corpus timestamps against tshark'))('every timestamp and length agrees with tshark', () => {
    const files = [
      'pcapplusplus__nanosecs_big_endian.pcap',
      'zeek__http_get-to-ssh-server.pcap',
      'pcapplusplus__pcapng-example.pcapng',
      'pcapplusplus__many_interfaces-1.pcapng',
      'tcpflow__test5-lines-randomized.pcap',
      'zeek__tcp_timestamp.pcap',
    ];
    for (const file of files) {
      const path = join(dir, 'pcaps', file);
      const lines = execFileSync(
        'tshark',
        ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .trim()
        .split('\n');
      const { packets } = parseAll(readFileSync(path));
      expect(packets.length, file).toBe(lines.length);
      packets.forEach((p, i) => {
        const [epoch, capLen, len] = lines[i].split('\t');
        const want = epochToMicros(epoch);
        expect(closeMicros(p.ts, want), `${file} #${i}: ${p.ts} vs ${want}`).toBe(true);
        expect(p.data.length / 2).toBe(Number(capLen));
        expect(p.origLen).toBe(Number(len));
      });
    }
  });
});
