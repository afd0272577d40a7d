import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowEvent, FlowKey } from '../../src/core/types.js';
import { FlowStore, MAX_NOTES_PER_FLOW } from '../../src/store/flowStore.js';
import { liveRamBudget, PayloadStore, SourceFile } from '../../src/store/payloadStore.js';

const key: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
const start = (flowId: number, ts = 0): FlowEvent => ({ type: 'flow-start', flowId, key, ts, origin: 'capture', sawHandshake: true });
const data = (flowId: number, dir: 'c2s' | 's2c', offset: number, text: string, ts = 0, fileOffset?: number): FlowEvent => {
  const bytes = new TextEncoder().encode(text);
  return { type: 'data', flowId, dir, offset, bytes, length: bytes.length, ts, fileOffset: fileOffset ?? -1 };
};
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

const stores: FlowStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.dispose()));
function makeStore(options: ConstructorParameters<typeof FlowStore>[0] = {}): FlowStore {
  const s = new FlowStore(options);
  stores.push(s);
  return s;
}

/** The bytes of chunk `index` of flow 1, read by its stream range. */
const chunkBytes = (s: FlowStore, index: number): Uint8Array => {
  const c = s.getChunk(1, index)!;
  return s.read(1, c.dir, c.offset, c.length);
};

describe('PayloadStore', () => {
  it('writes each full block at once on its writer thread: reads are right while and after the writes land, RAM holds what waits', async () => {
    const p = new PayloadStore({ blockBytes: 16, ramBudgetBytes: 32 * 16 });
    const blocks = 96;
    const bytes = new Uint8Array(16 * blocks).map((_, i) => (i * 7) & 255);
    for (let at = 0; at < bytes.length; at += 5) {
      p.append(bytes.subarray(at, at + 5));
      expect(p.ramBlocksHeld()).toBeLessThanOrEqual(32); // the budget: what waits for the disk, and the block being filled
    }
    expect(p.read(0, bytes.length)).toEqual(bytes);
    expect(p.spilledBytes).toBe(16 * (blocks - 1)); // every full block (the last is full but takes no more yet)
    for (let i = 0; i < 2000 && p.ramBlocksHeld() > 1; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(p.ramBlocksHeld()).toBe(1);
    expect(p.read(0, bytes.length)).toEqual(bytes);
    p.dispose();
  });

  it('returns what was appended, across blocks and after spilling to disk', () => {
    const p = new PayloadStore({ blockBytes: 16, ramBudgetBytes: 32 });
    const pieces: [number, Uint8Array][] = [];
    for (let i = 0; i < 50; i++) {
      const bytes = new Uint8Array(7 + (i % 11)).map((_, j) => (i * 31 + j) & 0xff);
      pieces.push([p.append(bytes), bytes]);
    }
    expect(p.spilledBytes).toBeGreaterThan(0);
    for (const [loc, bytes] of pieces) expect(p.read(loc, bytes.length)).toEqual(bytes);
    p.dispose();
  });

  it('leaves nothing on disk from its first spill on, so a process that dies leaves no spill file', () => {
    const parent = mkdtempSync(join(tmpdir(), 'flowspy-spill-test-'));
    try {
      const p = new PayloadStore({ blockBytes: 16, ramBudgetBytes: 32, spillParent: parent });
      const bytes = new Uint8Array(16 * 10).map((_, i) => (i * 13) & 255);
      p.append(bytes);
      expect(p.spilledBytes).toBeGreaterThan(0);
      expect(readdirSync(parent)).toEqual([]);
      expect(p.read(0, bytes.length)).toEqual(bytes);
      p.dispose();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('FlowStore', () => {
  it('keeps every chunk of a flow whose index grows past its first capacity (40 chunks that do not merge)', () => {
    const s = makeStore();
    s.apply(start(1));
    const next = { c2s: 0, s2c: 0 };
    const offsets: number[] = [];
    for (let i = 0; i < 40; i++) {
      const dir = i % 2 === 0 ? 'c2s' : 's2c';
      const text = `chunk ${i};`;
      offsets.push(next[dir]);
      // 2 ms apart: beyond the merge window, so each is a chunk of its own
      s.apply(data(1, dir, next[dir], text, i * 2000));
      next[dir] += text.length;
    }
    expect(s.getFlow(1)!.chunkCount).toBe(40);
    for (let i = 0; i < 40; i++) {
      expect(s.getChunk(1, i)).toEqual({ index: i, dir: i % 2 === 0 ? 'c2s' : 's2c', kind: 'data', ts: i * 2000, offset: offsets[i], length: `chunk ${i};`.length });
      expect(decode(chunkBytes(s, i))).toBe(`chunk ${i};`);
    }
  });

  it('indexes chunks per direction, copies bytes and merges contiguous data', () => {
    const s = makeStore();
    s.apply(start(1));
    s.apply(data(1, 'c2s', 0, 'GET / ', 10));
    s.apply(data(1, 'c2s', 6, 'HTTP/1.1\r\n', 20));
    s.apply(data(1, 's2c', 0, 'HTTP/1.1 200 OK\r\n', 5000));
    s.apply({ type: 'gap', flowId: 1, dir: 's2c', offset: 17, length: 100, ts: 6000 });
    s.apply({ type: 'note', flowId: 1, ts: 7000, text: 'hello' });
    s.apply({ type: 'flow-end', flowId: 1, ts: 8000, reason: 'fin', detail: undefined });
    const f = s.getFlow(1)!;
    expect(f.bytesC2s).toBe(16);
    expect(f.bytesS2c).toBe(17);
    expect(f.gapBytes).toBe(100);
    expect(f.chunkCount).toBe(3);
    expect(decode(chunkBytes(s, 0))).toBe('GET / HTTP/1.1\r\n');
    expect(s.getChunk(1, 1)).toMatchObject({ dir: 's2c', kind: 'data', offset: 0, length: 17 });
    expect(s.getChunk(1, 2)).toMatchObject({ kind: 'gap', offset: 17, length: 100 });
    expect(f.notes).toEqual([{ ts: 7000, text: 'hello', chunk: 3 }]);
    expect(f.end).toEqual({ ts: 8000, reason: 'fin' });
  });

  it('keeps whether a gap was cut by the snap length, and does not merge it with the gap after it', () => {
    const s = makeStore();
    s.apply(start(1));
    s.apply({ type: 'gap', flowId: 1, dir: 'c2s', offset: 0, length: 10, ts: 10, notCaptured: true });
    s.apply({ type: 'gap', flowId: 1, dir: 'c2s', offset: 10, length: 5, ts: 10 });
    expect(s.getChunk(1, 0)).toEqual({ index: 0, dir: 'c2s', kind: 'gap', ts: 10, offset: 0, length: 10, notCaptured: true });
    expect(s.getChunk(1, 1)).toEqual({ index: 1, dir: 'c2s', kind: 'gap', ts: 10, offset: 10, length: 5 });
  });

  it('references bytes of a seekable source file instead of copying them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-test-'));
    try {
      const file = join(dir, 'src.bin');
      writeFileSync(file, 'xxxxHELLOyyyyWORLD');
      const s = makeStore({ sourceFile: file });
      s.apply(start(1));
      s.apply(data(1, 'c2s', 0, 'HELLO', 0, 4));
      s.apply(data(1, 'c2s', 5, 'WORLD', 0, 13));
      expect(s.copiedBytes).toBe(0);
      expect(decode(chunkBytes(s, 0))).toBe('HELLO');
      expect(decode(chunkBytes(s, 1))).toBe('WORLD');
      // Bytes in the file are indexed from length and fileOffset alone: `bytes` is not read but where a turn starts.
      const unread = { ...data(1, 'c2s', 10, 'yyyy', 0, 9), get bytes(): Uint8Array { throw new Error('bytes read'); } };
      s.apply(unread as FlowEvent);
      expect(s.getFlow(1)?.bytesC2s).toBe(14);
      expect(decode(chunkBytes(s, 2))).toBe('yyyy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the first bytes of each turn of a file-backed flow in memory: reading them costs no file read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-test-'));
    try {
      const file = join(dir, 'src.bin');
      writeFileSync(file, 'GET / HTTP/1.1\r\n\r\nHTTP/1.1 200 OK\r\n\r\nbodyGET /2');
      const s = makeStore({ sourceFile: file });
      s.apply(start(1));
      s.apply(data(1, 'c2s', 0, 'GET / HTTP/1.1\r\n\r\n', 0, 0));
      s.apply(data(1, 's2c', 0, 'HTTP/1.1 200 OK\r\n\r\n', 5000, 18));
      s.apply(data(1, 's2c', 19, 'body', 10_000, 37));
      s.apply(data(1, 'c2s', 18, 'GET /2', 15_000, 41));
      // The file changes under the store: the turns' starts are read from memory, the rest from the file.
      writeFileSync(file, 'x'.repeat(47));
      expect([0, 1, 2, 3].map((i) => decode(chunkBytes(s, i)))).toEqual(['GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n', 'xxxx', 'GET /2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps stream offsets past 2 and 4 GiB exact', () => {
    const s = makeStore();
    s.apply(start(1));
    for (const offset of [2 ** 31 - 2, 2 ** 31 + 7, 2 ** 32 + 5]) s.apply({ type: 'gap', flowId: 1, dir: 'c2s', offset: offset - 1000, length: 1000, ts: offset });
    s.apply(data(1, 'c2s', 2 ** 32 + 5, 'tail', 2 ** 40));
    expect(s.getChunk(1, 3)).toEqual({ index: 3, dir: 'c2s', kind: 'data', ts: 2 ** 40, offset: 2 ** 32 + 5, length: 4 });
    expect(decode(s.read(1, 'c2s', 2 ** 32 + 6, 10))).toBe('ail');
    expect(s.chunkAt(1, 'c2s', 2 ** 31 + 6)).toBe(1);
  });

  it('evicts the oldest closed flows at the flow cap', () => {
    const s = makeStore({ maxFlows: 3 });
    s.apply(start(1));
    s.apply(start(2));
    s.apply({ type: 'flow-end', flowId: 2, ts: 1, reason: 'fin', detail: undefined });
    s.apply(start(3));
    s.apply(start(4));
    expect([...s.flows()].map((f) => f.id)).toEqual([1, 3, 4]);
    expect(s.size).toBe(3);
    expect(s.getFlow(2)).toBeUndefined();
    expect(s.evictedFlows).toBe(1);
  });

  it('keeps the total chunk count under its cap', () => {
    const s = makeStore({ maxChunks: 10 });
    for (let f = 1; f <= 5; f++) {
      s.apply(start(f));
      for (let i = 0; i < 4; i++) s.apply(data(f, i % 2 ? 's2c' : 'c2s', i * 10, 'abc', i * 1e6));
      s.apply({ type: 'flow-end', flowId: f, ts: 1e7, reason: 'fin', detail: undefined });
    }
    expect(s.chunkCount).toBeLessThanOrEqual(10);
    expect(s.getFlow(5)?.chunkCount).toBe(4);
  });

  it('reads back every chunk of flows whose index storage was reused after evictions, and of a flow past 8192 chunks', () => {
    // Chunks are stored in blocks of 8 carved from slabs of 8192: evicted flows give their
    // blocks back and new flows get them with stale numbers in them.
    const s = makeStore({ maxChunks: 100 });
    const expected = new Map<number, { dir: string; ts: number; offset: number; length: number }[]>();
    for (let f = 1; f <= 12; f++) {
      s.apply(start(f));
      const chunks: { dir: string; ts: number; offset: number; length: number }[] = [];
      const next = { c2s: 0, s2c: 0 };
      for (let i = 0; i < 5 + f * 3; i++) {
        const dir = (i + f) % 3 === 0 ? 's2c' : 'c2s';
        const text = `f${f}c${i}`.repeat(1 + (i % 3));
        chunks.push({ dir, ts: f * 1e7 + i * 5000, offset: next[dir], length: text.length });
        s.apply(data(f, dir, next[dir], text, f * 1e7 + i * 5000));
        next[dir] += text.length;
      }
      expected.set(f, chunks);
    }
    expect(s.evictedFlows).toBeGreaterThan(0);
    for (const [f, chunks] of expected) {
      const flow = s.getFlow(f);
      if (!flow) continue;
      expect(flow.chunkCount).toBe(chunks.length);
      chunks.forEach((c, i) => expect(s.getChunk(f, i)).toEqual({ ...c, index: i, kind: 'data' }));
    }
    expect(s.getFlow(12)?.chunkCount).toBe(41);

    // Evicted flows give their blocks back: 600 flows of 2 chunks, at most 100 chunks held, stay
    // within the first slab of 256 blocks (without the reuse, flow 257 would need a second one).
    const churn = makeStore({ maxChunks: 100 });
    for (let f = 1; f <= 600; f++) {
      churn.apply(start(f));
      churn.apply(data(f, 'c2s', 0, 'ab', f * 1e6));
      churn.apply(data(f, 's2c', 0, 'cd', f * 1e6 + 1));
    }
    expect(churn.evictedFlows).toBeGreaterThan(400);
    expect(churn.indexBytes).toBe(256 * 32 * 6 * 8);

    const big = makeStore();
    big.apply(start(1));
    const n = 8192 + 100;
    for (let i = 0; i < n; i++) big.apply(data(1, 'c2s', i, 'x', i * 2000));
    expect(big.getFlow(1)?.chunkCount).toBe(n);
    for (const i of [0, 31, 32, 8191, 8192, n - 1]) {
      expect(big.getChunk(1, i)).toEqual({ index: i, dir: 'c2s', kind: 'data', ts: i * 2000, offset: i, length: 1 });
    }
  });
});

describe('FlowStore notes', () => {
  it(`keeps the first ${MAX_NOTES_PER_FLOW} notes of a flow and counts them all`, () => {
    const store = new FlowStore();
    store.apply(start(1));
    for (let i = 0; i < MAX_NOTES_PER_FLOW + 50; i++) store.apply({ type: 'note', flowId: 1, ts: i, text: `note ${i}` });
    const flow = store.getFlow(1)!;
    expect(flow.notes.length).toBe(MAX_NOTES_PER_FLOW);
    expect(flow.notes[MAX_NOTES_PER_FLOW - 1].text).toBe(`note ${MAX_NOTES_PER_FLOW - 1}`);
    expect(flow.noteCount).toBe(MAX_NOTES_PER_FLOW + 50);
    store.dispose();
  });
});

describe('liveRamBudget', () => {
  it('is a sixteenth of the machine memory, within 64 MiB and 1 GiB', () => {
    expect(liveRamBudget(512 << 20)).toBe(64 << 20);
    expect(liveRamBudget(8 * 2 ** 30)).toBe(512 << 20);
    expect(liveRamBudget(64 * 2 ** 30)).toBe(2 ** 30);
  });
});

describe('SourceFile', () => {
  it('reads small and large ranges anywhere (read-ahead window or direct) and fails past the end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-source-'));
    try {
      const path = join(dir, 'capture.bin');
      const bytes = Buffer.alloc(700_000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 255;
      writeFileSync(path, bytes);
      const file = new SourceFile(path);
      const ranges: [number, number][] = [[0, 10], [5, 1448], [262_000, 5000], [100, 1], [699_990, 10], [300_000, 200_000], [1, 131_072], [400_000, 1448]];
      for (const [position, length] of ranges) {
        const into = new Uint8Array(length + 4);
        file.readInto(position, into, 2, length);
        expect(Buffer.from(into.subarray(2, 2 + length)).equals(bytes.subarray(position, position + length)), `${position}+${length}`).toBe(true);
      }
      // Packet after packet forward (the window grows), then scattered heads (it starts small again).
      const steps = [...Array.from({ length: 400 }, (_, k) => k * 1500), 650_000, 20_000, 500_000, 3, 640_000];
      for (const position of steps) {
        const into = new Uint8Array(1448);
        file.readInto(position, into, 0, 1448);
        expect(Buffer.from(into).equals(bytes.subarray(position, position + 1448)), `${position}+1448`).toBe(true);
      }
      expect(() => file.readInto(699_995, new Uint8Array(10), 0, 10)).toThrow();
      file.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FlowStore: a flow whose server has not accepted yet', () => {
  it('is connecting from its flow-start until its connected event, which counts as a change', () => {
    const store = makeStore();
    store.apply({ type: 'flow-start', flowId: 1, key, ts: 0, origin: 'proxy', sawHandshake: true, connecting: true });
    store.apply(start(2));
    expect([store.getFlow(1)!.connecting, store.getFlow(2)!.connecting]).toEqual([true, false]);
    const changes = store.watchChanges();
    store.apply({ type: 'connected', flowId: 1, ts: 5, server: key.server });
    expect(store.getFlow(1)!.connecting).toBe(false);
    expect(changes.take()).toEqual([1]);
  });
});
