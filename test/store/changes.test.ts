import { describe, expect, it } from 'vitest';
import type { FlowEvent, FlowKey } from '../../src/core/types.js';
import { FlowStore } from '../../src/store/flowStore.js';
import { mulberry32 } from '../support/prng.js';

const key: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
const start = (flowId: number): FlowEvent => ({ type: 'flow-start', flowId, key, ts: 0, origin: 'capture', sawHandshake: true });
const byte = (flowId: number, offset: number): FlowEvent =>
  ({ type: 'data', flowId, dir: 's2c', offset, bytes: new Uint8Array([7]), length: 1, ts: 0, fileOffset: -1 });

describe('FlowStore.flows()', () => {
  it('lists the flows held in the order they started, as the records themselves (no copies), live', () => {
    const store = new FlowStore({ maxFlows: 3 });
    for (let id = 1; id <= 3; id++) store.apply(start(id));
    const iterator = store.flows();
    const first = iterator.next().value!;
    expect(first).toBe(store.getFlow(1)); // the record itself
    store.apply(byte(1, 0));
    expect(first.bytesS2c).toBe(1); // and it stays current
    store.apply(start(4)); // evicts 1, the oldest open flow; 4 comes after the iterator's position
    expect([...iterator].map((f) => f.id)).toEqual([2, 3, 4]);
    expect([...store.flows()].map((f) => f.id)).toEqual([2, 3, 4]);
    store.dispose();
  });
});

describe('FlowStore.watchChanges()', () => {
  it('gives the ids of flows added, updated and removed since the last take, each once', () => {
    const store = new FlowStore({ maxFlows: 2 });
    const cursor = store.watchChanges();
    expect(cursor.pending).toBe(false);
    expect(cursor.take()).toEqual([]);
    store.apply(start(1));
    for (let i = 0; i < 1000; i++) store.apply(byte(1, i));
    store.apply(start(2));
    expect(cursor.pending).toBe(true);
    expect(cursor.take()).toEqual([1, 2]);
    expect(cursor.pending).toBe(false);
    store.apply(byte(2, 0));
    store.apply(start(3)); // evicts 1
    expect(cursor.take().sort()).toEqual([1, 2, 3]);
    expect(store.getFlow(1)).toBeUndefined(); // how a reader tells a removal
    store.apply({ type: 'note', flowId: 3, ts: 1, text: 'x' });
    store.apply({ type: 'flow-end', flowId: 3, ts: 2, reason: 'rst', detail: undefined });
    expect(cursor.take()).toEqual([3]);
    cursor.close();
    store.dispose();
  });

  it('reports an id once when an engine starts a flow with an id already held (the newer flow wins)', () => {
    const store = new FlowStore();
    const cursor = store.watchChanges();
    store.apply(start(1));
    store.apply(byte(1, 0));
    store.apply(start(1));
    expect(cursor.take()).toEqual([1]);
    expect(store.getFlow(1)!.bytesS2c).toBe(0);
    expect(store.size).toBe(1);
    store.apply(start(1));
    expect(cursor.take()).toEqual([1]);
    cursor.close();
    store.dispose();
  });

  it('calls onPending once per take, at the first change after it, and never after close', () => {
    const store = new FlowStore();
    let calls = 0;
    const cursor = store.watchChanges(() => calls++);
    store.apply(start(1));
    for (let i = 0; i < 100; i++) store.apply(byte(1, i));
    store.apply(start(2));
    expect(calls).toBe(1);
    cursor.take();
    store.apply(byte(2, 0));
    store.apply(byte(1, 100));
    expect(calls).toBe(2);
    cursor.close();
    store.apply(byte(1, 101));
    expect(calls).toBe(2);
    store.dispose();
  });

  it('a new cursor sees only later changes; a flow changed again after a take is reported to every reader', () => {
    const store = new FlowStore();
    store.apply(start(1));
    store.apply(start(2));
    const early = store.watchChanges();
    store.apply(byte(1, 0));
    const late = store.watchChanges();
    expect(late.take()).toEqual([]);
    store.apply(byte(2, 0));
    expect(early.take()).toEqual([1, 2]);
    store.apply(byte(1, 1)); // early has passed 1's record: recorded again, late sees it too
    expect(late.take()).toEqual([2, 1]);
    expect(early.take()).toEqual([1]);
    early.close();
    late.close();
    store.dispose();
  });

  it('matches a reference model for readers taking at different rates over many frames', () => {
    const random = mulberry32(3);
    const store = new FlowStore({ maxFlows: 300 });
    const readers = [0.9, 0.3, 0.02].map((rate) => ({ rate, cursor: store.watchChanges(), expected: new Set<number>() }));
    const extent = new Map<number, number>();
    /** The keys of `extent` (the flows held), in the order they started. */
    let held: number[] = [];
    let nextId = 1;
    const mismatches: string[] = [];
    for (let frame = 0; frame < 3000; frame++) {
      const events = Math.floor(random() * 20);
      for (let e = 0; e < events; e++) {
        const changed: number[] = [];
        if (random() < 0.3 || extent.size === 0) {
          const id = nextId++;
          store.apply(start(id));
          const evicted = held.filter((old) => !store.getFlow(old));
          for (const old of evicted) extent.delete(old);
          if (evicted.length > 0) held = held.filter((old) => extent.has(old));
          extent.set(id, 0);
          held.push(id);
          changed.push(id, ...evicted);
        } else {
          const id = held[Math.floor(random() * held.length)];
          store.apply(byte(id, extent.get(id)!));
          extent.set(id, extent.get(id)! + 1);
          changed.push(id);
        }
        for (const reader of readers) for (const id of changed) reader.expected.add(id);
      }
      for (const [i, reader] of readers.entries()) {
        if (random() >= reader.rate) continue;
        const got = reader.cursor.take();
        const want = [...reader.expected];
        if (got.length !== new Set(got).size || got.slice().sort().join() !== want.sort().join()) mismatches.push(`frame ${frame} reader ${i}`);
        reader.expected.clear();
      }
    }
    expect(nextId).toBeGreaterThan(5000);
    expect(mismatches).toEqual([]);
    store.dispose();
  });
});
