import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../src/engine/captureRun.js';
import { ProxyCounters, type SourceCounters } from '../../src/engine/counters.js';

const demo = fileURLToPath(new URL('../../demo/demo.pcap', import.meta.url));

describe('live counters of a running source', () => {
  it('a capture run hands out its counters before reading; they move during the run and end equal to the summary', async () => {
    let counters: SourceCounters | undefined;
    let packetsAtStart = -1;
    const seenDuringRun: number[] = [];
    const summary = await runCapture({
      source: demo,
      sinks: [() => undefined],
      onCounters: (c) => {
        counters = c;
        packetsAtStart = c.packets;
      },
      onProgress: () => {
        seenDuringRun.push(counters!.packets, counters!.bytesRead, counters!.flows);
      },
    });
    expect(packetsAtStart).toBe(0);
    expect(seenDuringRun.length).toBeGreaterThan(0);
    expect(Math.min(...seenDuringRun)).toBeGreaterThan(0);
    const c = counters!;
    expect(c.totalBytes).toBe(statSync(demo).size);
    expect({
      packets: c.packets, bytesRead: c.bytesRead, flows: c.flows, payloadBytes: c.payloadBytes, gaps: c.gaps,
      truncated: c.truncated, malformed: c.malformed, filtered: c.filtered,
    }).toEqual({
      packets: summary.packets, bytesRead: summary.bytesRead, flows: summary.flows, payloadBytes: summary.payloadBytes, gaps: summary.gaps,
      truncated: summary.decode.truncated, malformed: summary.decode.malformed, filtered: summary.filteredOut,
    });
    expect(c.openFlows).toBe(0);
    expect(c.kernelDrops).toBeUndefined();
  });

  it('proxy counters sum the listeners\' running totals at each read', () => {
    const listener = (accepted: number, active: number, c2s: number, s2c: number) => ({
      totals: { accepted, connectFailures: 0, resets: 0, bytesC2S: c2s, bytesS2C: s2c },
      activeConnections: active,
    });
    const a = listener(2, 1, 10, 20);
    const b = listener(3, 0, 1, 2);
    const counters = new ProxyCounters([a, b]);
    expect([counters.flows, counters.openFlows, counters.payloadBytes]).toEqual([5, 1, 33]);
    Object.assign(a, listener(4, 2, 100, 20));
    expect([counters.flows, counters.openFlows, counters.payloadBytes]).toEqual([7, 2, 123]);
  });
});
