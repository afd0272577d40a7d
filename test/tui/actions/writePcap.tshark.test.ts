/**
 * The pcap files of the `w` key, opened by tshark (Wireshark's reader and TCP follow): the flows
 * written are exactly the ones asked for, and each direction follows to the bytes the store holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Direction } from '../../../src/core/types.js';
import { writeFlowsPcap, type PcapSource } from '../../../src/tui/actions/writePcap.js';
import { cannotRun, missingTool } from '../../support/requirements.js';
import { demoPcap, runIntoStore, type DemoRun } from './demoRun.js';

function tshark(args: string[]): string {
  const result = spawnSync('tshark', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** tshark's streams of a file: per stream, its two nodes and each node's bytes (hex), node 0 first. */
function followAll(path: string): { nodes: string[]; bytes: [string, string] }[] {
  const streams = [...new Set(tshark(['-r', path, '-T', 'fields', '-e', 'tcp.stream']).split('\n').filter(Boolean))];
  return streams.map((n) => {
    const text = tshark(['-r', path, '-q', '-z', `follow,tcp,raw,${n}`]);
    const nodes = [...text.matchAll(/^Node [01]: (.*)$/gm)].map((m) => m[1]);
    const bytes: [string, string] = ['', ''];
    for (const line of text.split('\n')) {
      if (/^\t[0-9a-f]+$/.test(line)) bytes[1] += line.slice(1);
      else if (/^[0-9a-f]+$/.test(line)) bytes[0] += line;
    }
    return { nodes, bytes };
  });
}

const node = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

describe.skipIf(cannotRun(missingTool('tshark'), 'tshark check of written pcap files'))('tshark reads the pcap files of the w key', () => {
  let tmp: string;
  let demo: DemoRun;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flowspy-tshark-'));
    demo = await runIntoStore(demoPcap, true);
  });
  afterAll(() => {
    demo.store.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const stored = (flowId: number, dir: Direction): string => {
    const flow = demo.store.getFlow(flowId)!;
    return Buffer.from(demo.store.read(flowId, dir, 0, dir === 'c2s' ? flow.extentC2s : flow.extentS2c)).toString('hex');
  };

  it.each([
    ['original packets', { kind: 'file', path: demoPcap }],
    ['synthesized packets', { kind: 'synthesized' }],
  ] as [string, PcapSource][])('%s of demo flows 1 and 4 follow to the stored bytes, and nothing else is in the file', async (_name, source) => {
    const out = join(tmp, `${source.kind}.pcap`);
    await writeFlowsPcap(demo.store, [1, 4], out, source);
    const streams = followAll(out);
    expect(streams.length).toBe(2);
    for (const [i, flowId] of [1, 4].entries()) {
      const { client, server } = demo.store.getFlow(flowId)!.key;
      expect(streams[i].nodes).toEqual([node(client.addr, client.port), node(server.addr, server.port)]);
      expect(streams[i].bytes[0], `flow ${flowId} client`).toBe(stored(flowId, 'c2s'));
      expect(streams[i].bytes[1], `flow ${flowId} server`).toBe(stored(flowId, 's2c'));
      expect(streams[i].bytes[1].length).toBeGreaterThan(100);
    }
  });
});
