import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TCP_FIN, TCP_RST } from '../../src/decode/types.js';
import { DEMO_START_MICROS, buildDemoCapture } from '../../src/synth/demo.js';
import { decodeTcpFrame, readPcap, reassemble } from '../support/pcapCheck.js';
import type { DecodedTcp } from '../support/pcapCheck.js';

const committed = new URL('../../demo/demo.pcap', import.meta.url);
const demo = buildDemoCapture();
const file = readPcap(demo);
const packets = file.records.map((r) => ({ ...decodeTcpFrame(r.captured), ts: r.tsSeconds * 1e6 + r.tsFraction }));

type Packet = DecodedTcp & { ts: number };
const portOf = (p: Packet): number => (p.srcPort < 10000 ? p.dstPort : p.srcPort);
const flow = (clientPort: number): Packet[] => packets.filter((p) => portOf(p) === clientPort);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Reassembles one direction of a flow that starts with a handshake. */
function stream(clientPort: number, fromClient: boolean): string {
  const ps = flow(clientPort);
  const syn = ps.find((p) => (p.srcPort === clientPort) === fromClient && (p.flags & 0x02) !== 0)!;
  return latin1(reassemble(ps.filter((p) => (p.srcPort === clientPort) === fromClient), syn.seq + 1));
}

describe('demo capture', () => {
  it('equals the committed demo/demo.pcap byte for byte (regenerate with scripts/make-demo.mjs)', () => {
    expect(Buffer.compare(readFileSync(committed), demo)).toBe(0);
  });

  it('is deterministic and small', () => {
    expect(Buffer.compare(buildDemoCapture(), demo)).toBe(0);
    expect(demo.length).toBeLessThan(20_000);
  });

  it('has good checksums, ordered timestamps from 2026-01-01, five flows', () => {
    expect(packets.every((p) => p.ipChecksumOk && p.tcpChecksumOk)).toBe(true);
    expect(packets[0].ts).toBeGreaterThanOrEqual(DEMO_START_MICROS);
    for (let i = 1; i < packets.length; i++) expect(packets[i].ts).toBeGreaterThanOrEqual(packets[i - 1].ts);
    expect(new Set(packets.map(portOf))).toEqual(new Set([51000, 51002, 40222, 50100, 51010]));
  });

  it('holds two HTTP requests on one keep-alive connection, with a reordered segment', () => {
    const requests = stream(51000, true);
    expect(requests.match(/^GET /gm)?.length).toBe(2);
    const responses = stream(51000, false);
    expect(responses.match(/^HTTP\/1\.1 200 OK/gm)?.length).toBe(2);
    expect(responses).toContain('<title>Example Shop - Home</title>');
    const seqs = flow(51000).filter((p) => p.srcPort === 80 && p.payload.length > 0).map((p) => p.seq);
    expect(seqs.some((s, i) => i > 0 && s < seqs[i - 1])).toBe(true);
  });

  it('has client data after the server FIN, then a server RST', () => {
    const ps = flow(51002);
    const fin = ps.findIndex((p) => p.srcPort === 80 && (p.flags & TCP_FIN) !== 0);
    expect(fin).toBeGreaterThan(0);
    const late = ps.slice(fin + 1).find((p) => p.srcPort === 51002 && p.payload.length > 0);
    expect(latin1(late!.payload)).toMatch(/^GET \/api\/status\?again=1 /);
    expect(ps[ps.length - 1].flags & TCP_RST).toBe(TCP_RST);
  });

  it('holds an SMTP dialogue with a retransmission and a hostile ANSI line', () => {
    const client = stream(40222, true);
    for (const command of ['EHLO ', 'MAIL FROM:', 'RCPT TO:', 'DATA\r\n', 'QUIT\r\n']) expect(client).toContain(command);
    expect(client).toContain('\x1b[2J');
    expect(client).toContain('\x1b]0;');
    expect(client).toContain('\x07');
    expect(stream(40222, false)).toContain('221 2.0.0 Bye');
    const data = flow(40222).filter((p) => p.srcPort === 40222 && p.payload.length > 0);
    const seqs = data.map((p) => p.seq);
    expect(new Set(seqs).size).toBe(seqs.length - 1); // exactly one segment seen twice
  });

  it('holds a binary protocol over IPv6 and a connection reset by the server mid-response', () => {
    const binary = flow(50100);
    expect(binary.every((p) => p.v6)).toBe(true);
    const response = stream(50100, false);
    expect([...response].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) >= 0x7f)).toBe(true);
    const reset = flow(51010);
    const last = reset[reset.length - 1];
    expect(last.srcPort).toBe(8080);
    expect(last.flags & TCP_RST).toBe(TCP_RST);
    expect(stream(51010, false)).toMatch(/^HTTP\/1\.1 200 OK/);
  });
});
