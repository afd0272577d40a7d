/** Generated frames read by tshark: no malformed packet, good checksums. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_PSH, TCP_SYN } from '../../src/decode/types.js';
import { buildTcpFrame } from '../../src/capture/frames.js';
import { collectPcap } from '../../src/capture/pcapWriter.js';
import { tsharkProblems } from '../support/pcapCheck.js';
import { mulberry32, randomInt } from '../support/prng.js';
import { cannotRun, missingTool } from '../support/requirements.js';

describe.skipIf(cannotRun(missingTool('tshark'), 'frames in tshark'))('tshark agrees', () => {
  it('reads generated frames with no malformed packet and good checksums', () => {
    const random = mulberry32(99);
    const bytes = collectPcap((w) => {
      for (let i = 0; i < 40; i++) {
        const v6 = i % 3 === 0;
        const payload = new Uint8Array(randomInt(random, 0, 1448)).map(() => randomInt(random, 0, 255));
        w.writePacket(
          1_767_225_600_000_000 + i * 1000,
          buildTcpFrame({
            srcAddr: v6 ? '2001:db8::a' : '192.0.2.10',
            dstAddr: v6 ? '2001:db8::b' : '198.51.100.20',
            srcPort: 50000 + i,
            dstPort: 31337,
            seq: randomInt(random, 0, 2 ** 32 - 1),
            ack: randomInt(random, 0, 2 ** 32 - 1),
            flags: i % 5 === 0 ? TCP_SYN : TCP_ACK | TCP_PSH,
            mss: i % 5 === 0 ? 1448 : undefined,
            payload: i % 5 === 0 ? undefined : payload,
            vlan: i % 4 === 0 ? 100 + i : undefined,
          }),
        );
      }
    });
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-frames-'));
    try {
      const file = join(dir, 'frames.pcap');
      writeFileSync(file, bytes);
      expect(tsharkProblems(file)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
