import { describe, expect, it } from 'vitest';
import { TimelineBuffer } from '../../src/synth/timeline.js';

describe('TimelineBuffer', () => {
  it('replays copies sorted by time, stable for equal times', () => {
    const t = new TimelineBuffer();
    const reused = new Uint8Array(1);
    for (const [ts, v] of [[30, 1], [10, 2], [20, 3], [10, 4]] as const) {
      reused[0] = v;
      t.writePacket(ts, reused);
    }
    expect(t.size).toBe(4);
    const seen: [number, number][] = [];
    t.drainTo({ writePacket: (ts, f) => seen.push([ts, f[0]]) });
    expect(seen).toEqual([[10, 2], [10, 4], [20, 3], [30, 1]]);
    expect(t.size).toBe(0);
  });
});
