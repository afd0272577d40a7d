/** The bench's synthetic capture read by tshark: no malformed packet, good checksums. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBigCaptureFile } from './bigCapture.js';
import { tsharkProblems } from './pcapCheck.js';
import { cannotRun, missingTool } from './requirements.js';

describe.skipIf(cannotRun(missingTool('tshark'), 'synthetic capture in tshark'))('big synthetic capture in tshark', () => {
  it('has no malformed packet and good TCP/IP checksums', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-big-'));
    try {
      const path = join(dir, 'big.pcap');
      writeBigCaptureFile(path, { seed: 5, targetBytes: 700_000, minFlows: 14, concurrency: 6, maxResponseBytes: 80_000, reorderRate: 0.05, duplicateRate: 0.03 });
      // tshark's HTTP dissector takes body bytes of reordered streams for headers: check TCP/IP only.
      expect(tsharkProblems(path, ['http'])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
