import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TCP_FIN, TCP_RST, TCP_SYN } from '../../src/decode/types.js';
import { DEFAULT_BIG_CAPTURE, generateBigCapture, writeBigCaptureFile } from './bigCapture.js';
import type { BigCaptureOptions, BigCaptureStats } from './bigCapture.js';
import { collectPcap } from '../../src/capture/pcapWriter.js';
import { decodeTcpFrame, readPcap, reassemble } from './pcapCheck.js';
import type { DecodedTcp } from './pcapCheck.js';

const SMALL: BigCaptureOptions = {
  seed: 5,
  targetBytes: 700_000,
  minFlows: 14,
  concurrency: 6,
  maxResponseBytes: 80_000,
  reorderRate: 0.05,
  duplicateRate: 0.03,
};

function generate(options: BigCaptureOptions): { bytes: Uint8Array; stats: BigCaptureStats } {
  let stats!: BigCaptureStats;
  const bytes = collectPcap((w) => {
    stats = generateBigCapture(w, options);
  });
  return { bytes, stats };
}

/** Splits an HTTP/1.1 byte stream into messages using Content-Length; throws on leftovers. */
function httpMessages(stream: string): { start: string; bodyLength: number }[] {
  const messages: { start: string; bodyLength: number }[] = [];
  let at = 0;
  while (at < stream.length) {
    const headerEnd = stream.indexOf('\r\n\r\n', at);
    if (headerEnd === -1) throw new Error(`no header end at ${at}`);
    const header = stream.slice(at, headerEnd);
    const match = /\r\nContent-Length: (\d+)/.exec(header);
    const bodyLength = match === null ? 0 : Number(match[1]);
    at = headerEnd + 4 + bodyLength;
    if (at > stream.length) throw new Error('body cut short');
    messages.push({ start: header.split('\r\n')[0], bodyLength });
  }
  return messages;
}

describe('big capture generator (small run)', () => {
  const { bytes, stats } = generate(SMALL);
  const file = readPcap(bytes);
  const packets = file.records.map((r) => decodeTcpFrame(r.captured));

  it('is deterministic for a seed, and the seed matters', () => {
    expect(Buffer.compare(generate(SMALL).bytes, bytes)).toBe(0);
    expect(Buffer.compare(generate({ ...SMALL, seed: 6 }).bytes, bytes)).not.toBe(0);
  });

  it('reports what it wrote and reaches its targets', () => {
    expect(stats.packets).toBe(file.records.length);
    expect(stats.bytes).toBe(bytes.length);
    expect(stats.bytes).toBeGreaterThanOrEqual(SMALL.targetBytes!);
    expect(stats.flows).toBeGreaterThanOrEqual(SMALL.minFlows!);
    expect(stats.payloadBytes).toBe(packets.reduce((n, p) => n + p.payload.length, 0));
    expect(stats.dataSegments).toBe(packets.filter((p) => p.payload.length > 0).length);
    expect(packets.every((p) => p.ipChecksumOk && p.tcpChecksumOk)).toBe(true);
    expect(packets.every((p) => p.payload.length <= DEFAULT_BIG_CAPTURE.mss)).toBe(true);
    let previous = 0;
    for (const r of file.records) {
      const ts = r.tsSeconds * 1e6 + r.tsFraction;
      expect(ts).toBeGreaterThanOrEqual(previous);
      previous = ts;
    }
  });

  it('interleaves flows whose streams parse as complete HTTP exchanges', () => {
    const flows = new Map<number, DecodedTcp[]>();
    for (const p of packets) {
      const clientPort = p.dstPort === 80 || p.dstPort === 8080 ? p.srcPort : p.dstPort;
      if (!flows.has(clientPort)) flows.set(clientPort, []);
      flows.get(clientPort)!.push(p);
    }
    expect(flows.size).toBe(stats.flows);
    // Interleaving: consecutive packets often belong to different flows.
    let switches = 0;
    for (let i = 1; i < packets.length; i++) if (packets[i].srcPort !== packets[i - 1].srcPort && packets[i].srcPort !== packets[i - 1].dstPort) switches++;
    expect(switches).toBeGreaterThan(stats.flows * 3);
    let resets = 0;
    let finished = 0;
    for (const [clientPort, ps] of flows) {
      const synC = ps.find((p) => p.srcPort === clientPort && p.flags === TCP_SYN)!;
      const synS = ps.find((p) => p.dstPort === clientPort && (p.flags & TCP_SYN) !== 0)!;
      const c2s = Buffer.from(reassemble(ps.filter((p) => p.srcPort === clientPort), synC.seq + 1)).toString('latin1');
      const s2c = Buffer.from(reassemble(ps.filter((p) => p.dstPort === clientPort), synS.seq + 1)).toString('latin1');
      const requests = httpMessages(c2s);
      const responses = httpMessages(s2c);
      expect(requests.length).toBeGreaterThan(0);
      expect(responses.length).toBe(requests.length);
      for (const r of requests) expect(r.start).toMatch(/^(GET|POST) \/data\/\d+\/\d+\.bin HTTP\/1\.1$/);
      for (const r of responses) expect(r.start).toBe('HTTP/1.1 200 OK');
      if (ps.some((p) => (p.flags & TCP_RST) !== 0)) resets++;
      if (ps.filter((p) => (p.flags & TCP_FIN) !== 0).length === 2) finished++;
    }
    expect(resets).toBe(stats.resetFlows);
    expect(finished).toBe(stats.flows - stats.resetFlows - stats.openFlows);
  });

  it('duplicates and reorders data segments as counted', () => {
    expect(stats.reordered).toBeGreaterThan(0);
    expect(stats.duplicated).toBeGreaterThan(0);
    const seen = new Set<string>();
    const lastSeq = new Map<string, number>();
    let repeats = 0;
    let descents = 0;
    for (const p of packets) {
      if (p.payload.length === 0) continue;
      const key = `${p.srcPort}>${p.dstPort}`;
      if (seen.has(`${key}@${p.seq}`)) repeats++;
      seen.add(`${key}@${p.seq}`);
      const previous = lastSeq.get(key);
      if (previous !== undefined && ((p.seq - previous) | 0) < 0) descents++;
      lastSeq.set(key, p.seq);
    }
    expect(repeats).toBe(stats.duplicated);
    expect(descents).toBeGreaterThanOrEqual(stats.reordered);
  });

  it('writes the same bytes through the file writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-big-'));
    try {
      const path = join(dir, 'big.pcap');
      const fileStats = writeBigCaptureFile(path, SMALL);
      expect(fileStats).toEqual(stats);
      expect(Buffer.compare(readFileSync(path), bytes)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
