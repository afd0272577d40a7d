import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPcap, type PacketWriter } from '../../../src/capture/pcapWriter.js';
import type { Direction } from '../../../src/core/types.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TcpConversation } from '../../../src/synth/tcpScript.js';
import { writeFlowsPcap, writtenPcapPrefix } from '../../../src/tui/actions/writePcap.js';
import { Bytes, epb, idb, shb, tsresol } from '../../capture/helpers.js';
import { decodeTcpFrame, readPcap } from '../../support/pcapCheck.js';
import { demoPcap, runIntoStore, type DemoRun } from './demoRun.js';

let tmp: string;
let demo: DemoRun;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'flowspy-pcap-'));
  demo = await runIntoStore(demoPcap, true);
});
afterAll(() => {
  demo.store.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** Each flow of a capture, keyed `client -> server`, with both directions' bytes (gaps as zeros). */
async function reassembled(path: string): Promise<Map<string, Record<Direction, string>>> {
  const run = await runIntoStore(path, false);
  const out = new Map<string, Record<Direction, string>>();
  for (const flow of run.store.flows()) {
    const name = `${flow.key.client.addr}:${flow.key.client.port} -> ${flow.key.server.addr}:${flow.key.server.port}`;
    out.set(name, { c2s: bytesOf(run.store, flow.id, 'c2s'), s2c: bytesOf(run.store, flow.id, 's2c') });
  }
  run.store.dispose();
  return out;
}

function bytesOf(store: FlowStore, flowId: number, dir: Direction): string {
  const flow = store.getFlow(flowId)!;
  const extent = dir === 'c2s' ? flow.extentC2s : flow.extentS2c;
  return Buffer.from(store.read(flowId, dir, 0, extent)).toString('hex');
}

const portsOf = (frame: Uint8Array): number[] => {
  const tcp = decodeTcpFrame(frame);
  return [tcp.srcPort, tcp.dstPort].sort((a, b) => a - b);
};

describe('writtenPcapPrefix', () => {
  it('copied packets: the count and the flows; rebuilt ones say they were rebuilt', () => {
    expect(writtenPcapPrefix({ packets: 82, flows: 5, rebuilt: false })).toBe('wrote 82 packets of 5 flows to ');
    expect(writtenPcapPrefix({ packets: 83, flows: 5, rebuilt: true })).toBe('wrote 83 packets rebuilt from the streams to ');
    expect(writtenPcapPrefix({ packets: 1, flows: 1, rebuilt: false })).toBe('wrote 1 packet of 1 flow to ');
  });
});

describe('writeFlowsPcap', () => {
  it('copies the original packets of two demo flows (IPv4 and IPv6), which reassemble to those flows alone', async () => {
    const out = join(tmp, 'two.pcap');
    const result = await writeFlowsPcap(demo.store, [1, 4], out, { kind: 'file', path: demoPcap });
    const original = readPcap(readFileSync(demoPcap)).records;
    const expected = original.filter((r) => ['80,51000', '7777,50100'].includes(portsOf(r.captured).join(',')));
    const written = readPcap(readFileSync(out));
    expect(written.linkType).toBe(1);
    expect(written.nanos).toBe(false);
    expect(result).toEqual({ packets: expected.length, flows: 2, otherLinkTypePackets: 0, rebuilt: false });
    expect(written.records.map((r) => ({ ...r, captured: Buffer.from(r.captured).toString('hex') })))
      .toEqual(expected.map((r) => ({ ...r, captured: Buffer.from(r.captured).toString('hex') })));
    const flows = await reassembled(out);
    const all = await reassembled(demoPcap);
    expect([...flows.keys()]).toEqual(['192.168.1.23:51000 -> 198.51.100.10:80', '2001:db8:1::23:50100 -> 2001:db8:2::7:7777']);
    for (const [name, streams] of flows) expect(streams, name).toEqual(all.get(name));
    expect(flows.get('192.168.1.23:51000 -> 198.51.100.10:80')!.s2c.length).toBeGreaterThan(2000);
  });

  it('synthesizes packets (live capture, proxy) that reassemble to the same bytes', async () => {
    const out = join(tmp, 'synth.pcap');
    const result = await writeFlowsPcap(demo.store, [1, 3, 4], out, { kind: 'synthesized' });
    expect(result.flows).toBe(3);
    expect(result.rebuilt).toBe(true);
    expect(result.packets).toBe(readPcap(readFileSync(out)).records.length);
    const flows = await reassembled(out);
    const all = await reassembled(demoPcap);
    expect(flows.size).toBe(3);
    for (const [name, streams] of flows) expect(streams, name).toEqual(all.get(name));
  });

  it('writes stdin\'s flows synthesized (it cannot be read again)', async () => {
    const out = join(tmp, 'stdin.pcap');
    expect((await writeFlowsPcap(demo.store, [4], out, { kind: 'file', path: '-' })).rebuilt).toBe(true);
    expect([...(await reassembled(out)).keys()]).toEqual(['2001:db8:1::23:50100 -> 2001:db8:2::7:7777']);
  });

  it('leaves out the packets of another flow on the same 4-tuple', async () => {
    const frames = new Timeline();
    const endpoints = { client: { addr: '10.1.1.1', port: 40000 }, server: { addr: '10.1.1.2', port: 80 } };
    const first = new TcpConversation(frames, { ...endpoints, isnClient: 1000, isnServer: 9000 });
    let t = first.handshake(1_000_000);
    t = first.send('c2s', 'first request\n', t + 1000);
    t = first.fin('c2s', t + 1000);
    first.fin('s2c', t + 1000);
    const second = new TcpConversation(frames, { ...endpoints, isnClient: 500_000, isnServer: 700_000 });
    t = second.handshake(20_000_000);
    t = second.send('c2s', 'second request\n', t + 1000);
    second.rst('s2c', t + 1000);
    const source = join(tmp, 'reuse.pcap');
    writeFileSync(source, collectPcap((w) => frames.drainTo(w)));
    const run = await runIntoStore(source, true);
    expect(run.store.size).toBe(2);
    for (const [id, conv] of [[1, first], [2, second]] as const) {
      const out = join(tmp, `reuse-${id}.pcap`);
      const result = await writeFlowsPcap(run.store, [id], out, { kind: 'file', path: source });
      expect(result.packets, `flow ${id}`).toBe(conv.counters.packets);
      const flows = await reassembled(out);
      expect([...flows.values()].map((s) => Buffer.from(s.c2s, 'hex').toString()), `flow ${id}`).toEqual([id === 1 ? 'first request\n' : 'second request\n']);
    }
    run.store.dispose();
  });

  it('keeps the first flow\'s link type from a pcapng with two, nanosecond times, and counts what it left out', async () => {
    const ethernet = new Timeline();
    const a = new TcpConversation(ethernet, { client: { addr: '10.2.0.1', port: 1111 }, server: { addr: '10.2.0.2', port: 25 } });
    a.send('s2c', '220 hello\r\n', a.handshake(5_000_000) + 100);
    const raw = new Timeline();
    const b = new TcpConversation(raw, { client: { addr: '10.3.0.1', port: 2222 }, server: { addr: '10.3.0.2', port: 25 } });
    b.send('s2c', '220 other\r\n', b.handshake(6_000_000) + 100);
    const blocks = [shb(true), idb(true, 1, 0, [tsresol(9)]), idb(true, 101, 0, [tsresol(9)])];
    for (const p of ethernet.packets) blocks.push(epb(true, 0, BigInt(p.ts) * 1000n + 7n, p.frame));
    for (const p of raw.packets) blocks.push(epb(true, 1, BigInt(p.ts) * 1000n + 7n, p.frame.subarray(14)));
    const source = join(tmp, 'two-links.pcapng');
    writeFileSync(source, new Bytes(true).raw(blocks.reduce((x, y) => Buffer.concat([x, y]), Buffer.alloc(0))).build());
    const run = await runIntoStore(source, true);
    expect(run.store.size).toBe(2);
    const out = join(tmp, 'one-link.pcap');
    const result = await writeFlowsPcap(run.store, [1, 2], out, { kind: 'file', path: source });
    expect(result).toEqual({ packets: ethernet.packets.length, flows: 2, otherLinkTypePackets: raw.packets.length, rebuilt: false });
    const written = readPcap(readFileSync(out));
    expect(written.linkType).toBe(1);
    expect(written.nanos).toBe(true);
    expect(written.records[0].tsFraction).toBe((ethernet.packets[0].ts % 1_000_000) * 1000 + 7);
    run.store.dispose();
  });

  it('rejects with one line, leaving no file, when the path cannot be written or is the capture itself', async () => {
    const dir = join(tmp, 'locked');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    chmodSync(tmp, 0o755);
    const asRoot = process.getuid?.() === 0;
    const out = join(dir, 'x.pcap');
    for (const source of [{ kind: 'file', path: demoPcap }, { kind: 'synthesized' }] as const) {
      if (asRoot) process.seteuid!(65534);
      let error: unknown;
      try {
        await writeFlowsPcap(demo.store, [1], out, source);
      } catch (err) {
        error = err;
      } finally {
        if (asRoot) process.seteuid!(0);
      }
      expect((error as Error).message, source.kind).toBe(`cannot write ${out}: permission denied`);
      expect(existsSync(out)).toBe(false);
    }
    await expect(writeFlowsPcap(demo.store, [1], demoPcap, { kind: 'file', path: demoPcap })).rejects.toThrow(`cannot write ${demoPcap}: it is the capture being read`);
    await expect(writeFlowsPcap(demo.store, [77], out, { kind: 'synthesized' })).rejects.toThrow(`cannot write ${out}: none of these flows is held any more`);
    const gone = join(tmp, 'gone.pcap');
    await expect(writeFlowsPcap(demo.store, [1], out, { kind: 'file', path: gone })).rejects.toThrow(new RegExp(`^cannot read capture ${gone}: no such file$`));
    expect(existsSync(out)).toBe(false);
  });
});

/** Collects frames in order, with their timestamps. */
class Timeline implements PacketWriter {
  readonly packets: { ts: number; frame: Uint8Array }[] = [];
  writePacket(ts: number, frame: Uint8Array): void {
    this.packets.push({ ts, frame: frame.slice() });
  }
  drainTo(writer: PacketWriter): void {
    for (const p of [...this.packets].sort((x, y) => x.ts - y.ts)) writer.writePacket(p.ts, p.frame);
  }
}
