/** The demo capture read by the reference tools: tshark finds nothing malformed, tcpflow rebuilds the streams. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDemoCapture } from '../../src/synth/demo.js';
import { decodeTcpFrame, readPcap, reassemble, tsharkProblems } from '../support/pcapCheck.js';
import { cannotRun, missingTool } from '../support/requirements.js';

const committed = new URL('../../demo/demo.pcap', import.meta.url);
const demo = buildDemoCapture();
const packets = readPcap(demo).records.map((r) => decodeTcpFrame(r.captured));

/** Reassembles one direction of the flow of `clientPort` (it starts with a handshake). */
function stream(clientPort: number, fromClient: boolean): string {
  const ps = packets.filter((p) => p.srcPort === clientPort || p.dstPort === clientPort);
  const mine = ps.filter((p) => (p.srcPort === clientPort) === fromClient);
  const syn = mine.find((p) => (p.flags & 0x02) !== 0)!;
  return Buffer.from(reassemble(mine, syn.seq + 1)).toString('latin1');
}

describe('demo capture in the reference tools', () => {
  it.skipIf(cannotRun(missingTool('tshark'), 'demo capture in tshark'))('opens in tshark with no malformed packet', () => {
    expect(tsharkProblems(fileURLToPath(committed))).toEqual([]);
  });

  it.skipIf(cannotRun(missingTool('tcpflow'), 'demo capture in tcpflow'))('is reconstructed by tcpflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-demo-'));
    try {
      const input = join(dir, 'demo.pcap');
      writeFileSync(input, demo);
      const out = join(dir, 'out');
      const result = spawnSync('tcpflow', ['-r', input, '-o', out], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      const files = readdirSync(out).filter((f) => f !== 'report.xml');
      expect(files.length).toBe(10); // five flows, both directions
      const smtpClient = readFileSync(join(out, '192.168.001.050.40222-203.000.113.025.00025')).toString('latin1');
      expect(smtpClient).toBe(stream(40222, true));
      const html = readFileSync(join(out, '198.051.100.010.00080-192.168.001.023.51000')).toString('latin1');
      expect(html).toBe(stream(51000, false));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
