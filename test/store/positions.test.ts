import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Direction, FlowEvent, FlowKey } from '../../src/core/types.js';
import { FlowStore } from '../../src/store/flowStore.js';
import { mulberry32, randomInt } from '../support/prng.js';

const key: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
const DIRS: Direction[] = ['c2s', 's2c'];
const tmp = mkdtempSync(join(tmpdir(), 'flowspy-positions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What a direction's stream holds: its bytes, and per offset whether it was a gap. */
interface Reference {
  bytes: number[];
  gap: boolean[];
}

/**
 * One flow of random events (data of random sizes, both directions interleaved, gaps, some bytes
 * referenced in a source file and some copied, some contiguous enough to merge), fed into a store
 * with a tiny payload log that spills. Returns the store and the reference streams.
 */
function randomFlow(seed: number): { store: FlowStore; ref: Record<Direction, Reference>; events: number } {
  const random = mulberry32(seed);
  const sourcePath = join(tmp, `source-${seed}.bin`);
  const sourceFd = openSync(sourcePath, 'w');
  let sourceSize = 0;
  const events: FlowEvent[] = [{ type: 'flow-start', flowId: 1, key, ts: 0, origin: 'capture', sawHandshake: true }];
  const ref: Record<Direction, Reference> = { c2s: { bytes: [], gap: [] }, s2c: { bytes: [], gap: [] } };
  let ts = 0;
  const count = randomInt(random, 1, 400);
  for (let e = 0; e < count; e++) {
    const dir = DIRS[random() < 0.6 ? 0 : 1];
    const stream = ref[dir];
    const offset = stream.bytes.length;
    ts += random() < 0.5 ? randomInt(random, 0, 300) : randomInt(random, 900, 5000);
    const length = randomInt(random, 1, random() < 0.1 ? 3000 : 200);
    if (random() < 0.08) {
      for (let i = 0; i < length; i++) {
        stream.bytes.push(0);
        stream.gap.push(true);
      }
      events.push({ type: 'gap', flowId: 1, dir, offset, length, ts });
      continue;
    }
    const bytes = new Uint8Array(length).map(() => randomInt(random, 0, 255));
    for (const b of bytes) {
      stream.bytes.push(b);
      stream.gap.push(false);
    }
    let fileOffset = -1;
    if (random() < 0.5) {
      // In the source file, right after the previous piece or after a few other bytes.
      const spacer = random() < 0.5 ? 0 : randomInt(random, 1, 40);
      if (spacer > 0) writeSync(sourceFd, new Uint8Array(spacer).fill(0xee), 0, spacer, sourceSize);
      fileOffset = sourceSize + spacer;
      writeSync(sourceFd, bytes, 0, length, fileOffset);
      sourceSize = fileOffset + length;
    }
    events.push({ type: 'data', flowId: 1, dir, offset, bytes, length, ts, fileOffset });
  }
  closeSync(sourceFd);
  const store = new FlowStore({ sourceFile: sourcePath, blockBytes: 64, ramBudgetBytes: 128, spillParent: tmp });
  for (const event of events) store.apply(event);
  return { store, ref, events: events.length };
}

/** The bytes a read of `length` at `offset` must return: up to the first gap or the end. */
function expectedRead(stream: Reference, offset: number, length: number): number[] {
  const out: number[] = [];
  for (let p = offset; p < Math.min(offset + length, stream.bytes.length) && !stream.gap[p]; p++) out.push(stream.bytes[p]);
  return out;
}

describe('FlowStore: reading by stream position', () => {
  it('read() returns what a concatenation of the stream gives, for random chunkings, gaps, copies and file references', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { store, ref } = randomFlow(seed);
      const random = mulberry32(seed * 7919);
      try {
        const flow = store.getFlow(1)!;
        for (const dir of DIRS) {
          const stream = ref[dir];
          expect(dir === 'c2s' ? flow.extentC2s : flow.extentS2c).toBe(stream.bytes.length);
          // Every byte read one at a time, then random windows, including past the end.
          const whole = [...store.read(1, dir, 0, stream.bytes.length + 10)];
          expect(whole).toEqual(expectedRead(stream, 0, stream.bytes.length + 10));
          const wrong: string[] = [];
          for (let q = 0; q < 60; q++) {
            const offset = randomInt(random, 0, stream.bytes.length + 5);
            const length = randomInt(random, 0, 700);
            const got = [...store.read(1, dir, offset, length)];
            if (got.join() !== expectedRead(stream, offset, length).join()) wrong.push(`seed ${seed} ${dir} read(${offset}, ${length})`);
          }
          expect(wrong).toEqual([]);
        }
      } finally {
        store.dispose();
      }
    }
  });

  it('chunkAt() finds the chunk of that direction holding each offset, and -1 at and past the end', () => {
    for (let seed = 100; seed <= 120; seed++) {
      const { store, ref } = randomFlow(seed);
      try {
        for (const dir of DIRS) {
          const extent = ref[dir].bytes.length;
          const wrong: string[] = [];
          for (let offset = 0; offset < extent; offset++) {
            const index = store.chunkAt(1, dir, offset);
            const chunk = store.getChunk(1, index);
            const holds = chunk !== undefined && chunk.dir === dir && chunk.offset <= offset && offset < chunk.offset + chunk.length;
            if (!holds || chunk.kind !== (ref[dir].gap[offset] ? 'gap' : 'data')) wrong.push(`seed ${seed} ${dir} offset ${offset}: chunk ${index}`);
          }
          expect(wrong).toEqual([]);
          // Stepping through one direction by chunk ends visits exactly its chunks, in order.
          const stepped: number[] = [];
          for (let i = store.chunkAt(1, dir, 0); i >= 0; ) {
            stepped.push(i);
            const chunk = store.getChunk(1, i)!;
            i = store.chunkAt(1, dir, chunk.offset + chunk.length);
          }
          const all = Array.from({ length: store.getFlow(1)!.chunkCount }, (_, i) => store.getChunk(1, i)!);
          expect(stepped).toEqual(all.filter((c) => c.dir === dir).map((c) => c.index));
          expect(store.chunkAt(1, dir, extent)).toBe(-1);
          expect(store.chunkAt(1, dir, extent + 1000)).toBe(-1);
        }
      } finally {
        store.dispose();
      }
    }
  });

  it('lastOfRun() ends a run of one direction\'s data chunks where a walk along them does: at a gap, the other direction, `before` or the limit', () => {
    /** The run as a walk finds it, chunk after chunk. */
    const walked = (all: { dir: Direction; kind: string; offset: number; length: number }[], from: number, end: number, before: number): number => {
      let i = from;
      while (i + 1 < Math.min(all.length, before)) {
        const next = all[i + 1];
        if (next.dir !== all[from].dir || next.kind === 'gap' || next.offset !== all[i].offset + all[i].length || next.offset + next.length > end) break;
        i++;
      }
      return i;
    };
    for (let seed = 200; seed <= 215; seed++) {
      const { store } = randomFlow(seed);
      const random = mulberry32(seed * 31);
      try {
        const chunks = store.chunksOf(1)!;
        const all = Array.from({ length: store.getFlow(1)!.chunkCount }, (_, i) => store.getChunk(1, i)!);
        const wrong: string[] = [];
        for (const chunk of all.filter((c) => c.kind === 'data')) {
          for (let q = 0; q < 8; q++) {
            const end = q === 0 ? Infinity : chunk.offset + chunk.length + randomInt(random, 0, 3000);
            const before = q < 4 ? Infinity : chunk.index + randomInt(random, 1, 12);
            const got = chunks.lastOfRun(chunk.index, chunk.dir === 'c2s' ? 0 : 1, end, before);
            const want = walked(all, chunk.index, end, before);
            if (got !== want) wrong.push(`seed ${seed} chunk ${chunk.index} end ${end} before ${before}: ${got}, walk ${want}`);
          }
        }
        expect(wrong).toEqual([]);
      } finally {
        store.dispose();
      }
    }
  });

  it('readInto() fills the given range of a buffer and returns the count; a gap stops it', () => {
    const store = new FlowStore();
    try {
      const bytes = (text: string) => new TextEncoder().encode(text);
      store.apply({ type: 'flow-start', flowId: 7, key, ts: 0, origin: 'proxy', sawHandshake: true });
      store.apply({ type: 'data', flowId: 7, dir: 's2c', offset: 0, bytes: bytes('hello '), length: 6, ts: 0, fileOffset: -1 });
      store.apply({ type: 'data', flowId: 7, dir: 'c2s', offset: 0, bytes: bytes('ping'), length: 4, ts: 10, fileOffset: -1 });
      store.apply({ type: 'data', flowId: 7, dir: 's2c', offset: 6, bytes: bytes('world'), length: 5, ts: 5000, fileOffset: -1 });
      store.apply({ type: 'gap', flowId: 7, dir: 's2c', offset: 11, length: 3, ts: 6000 });
      store.apply({ type: 'data', flowId: 7, dir: 's2c', offset: 14, bytes: bytes('!'), length: 1, ts: 7000, fileOffset: -1 });
      const into = new Uint8Array(12).fill(0x2e);
      expect(store.readInto(7, 's2c', 3, into, 2, 10)).toBe(8);
      expect(new TextDecoder().decode(into)).toBe('..lo world..');
      expect(store.readInto(7, 's2c', 12, into)).toBe(0);
      expect(new TextDecoder().decode(store.read(7, 's2c', 14, 100))).toBe('!');
      expect(store.chunkAt(7, 's2c', 12)).toBe(3);
      expect(() => store.readInto(7, 's2c', 0, into, 5, 10)).toThrow(RangeError);
      expect(() => store.read(8, 'c2s', 0, 1)).toThrow(RangeError);
      expect(() => store.chunkAt(8, 'c2s', 0)).toThrow(RangeError);
    } finally {
      store.dispose();
    }
  });
});
