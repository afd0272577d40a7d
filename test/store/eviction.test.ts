import { describe, expect, it } from 'vitest';
import type { FlowEvent, FlowKey } from '../../src/core/types.js';
import { FlowStore } from '../../src/store/flowStore.js';
import { mulberry32 } from '../support/prng.js';

const key: FlowKey = { client: { addr: '10.9.0.1', port: 61000 }, server: { addr: '10.20.0.1', port: 80 } };
const start = (flowId: number): FlowEvent => ({ type: 'flow-start', flowId, key, ts: flowId, origin: 'capture', sawHandshake: true });
const end = (flowId: number): FlowEvent => ({ type: 'flow-end', flowId, ts: flowId, reason: 'fin', detail: undefined });
const byte = (flowId: number, offset: number, ts: number): FlowEvent =>
  ({ type: 'data', flowId, dir: 'c2s', offset, bytes: new Uint8Array([offset & 0xff]), length: 1, ts, fileOffset: -1 });
const ids = (store: FlowStore) => [...store.flows()].map((f) => f.id);

describe('FlowStore eviction', () => {
  it('evicts ended flows in the order they ended, then open flows in the order they started', () => {
    const store = new FlowStore({ maxFlows: 4 });
    for (let id = 1; id <= 4; id++) store.apply(start(id));
    store.apply(end(3));
    store.apply(end(1));
    store.apply(start(5)); // evicts 3: the first to end, though 1 started before it
    expect(ids(store)).toEqual([1, 2, 4, 5]);
    store.apply(start(6)); // evicts 1
    expect(ids(store)).toEqual([2, 4, 5, 6]);
    store.apply(start(7)); // none ended: the open flow that started first, 2
    store.apply(start(8)); // then 4
    expect(ids(store)).toEqual([5, 6, 7, 8]);
    store.apply(end(7));
    store.apply(start(9)); // 7 ended: it goes before the older open flows
    expect(ids(store)).toEqual([5, 6, 8, 9]);
    expect(store.evictedFlows).toBe(5);
    store.dispose();
  });

  it('at the chunk cap, never evicts the flow receiving the chunk, even when it is the oldest', () => {
    const store = new FlowStore({ maxChunks: 3 });
    store.apply(start(1));
    store.apply(start(2));
    store.apply(byte(2, 0, 0));
    store.apply(byte(1, 0, 10_000));
    store.apply(byte(1, 1, 20_000));
    store.apply(byte(1, 2, 30_000)); // the cap: flow 1 started first, flow 2 goes
    expect(ids(store)).toEqual([1]);
    expect(store.getFlow(1)!.chunkCount).toBe(3);
    expect(store.chunkCount).toBe(3);
    store.dispose();
  });

  it('at the chunk cap, evicts until under it, past flows that hold no chunks', () => {
    const store = new FlowStore({ maxChunks: 2 });
    store.apply(start(1));
    store.apply(start(2));
    store.apply(start(3));
    store.apply(byte(3, 0, 0));
    store.apply(byte(3, 1, 10_000));
    store.apply(start(4));
    store.apply(byte(4, 0, 20_000)); // evicting 1 or 2 frees nothing: 3 goes too
    expect(ids(store)).toEqual([4]);
    expect(store.chunkCount).toBe(1);
    store.dispose();
  });

  it('a port scan of 200,000 open flows through a 1,000-flow store looks at one flow per eviction', () => {
    const store = new FlowStore({ maxFlows: 1000 });
    for (let id = 1; id <= 200_000; id++) store.apply(start(id));
    expect(store.evictedFlows).toBe(199_000);
    expect(store.evictionVisits).toBe(199_000);
    expect(store.size).toBe(1000);
    expect(ids(store)[0]).toBe(199_001);
    store.dispose();
  });

  it('with flows ending in random order and evictions at both caps, each eviction looks at no more than two flows', () => {
    const random = mulberry32(11);
    const store = new FlowStore({ maxFlows: 1000, maxChunks: 300 });
    const ended = new Set<number>();
    const recent = (id: number) => Math.max(1, id - Math.floor(random() * 900));
    for (let id = 1; id <= 50_000; id++) {
      store.apply(start(id));
      const flow = store.getFlow(recent(id));
      if (flow && !flow.end) store.apply(byte(flow.id, flow.extentC2s, id * 10_000));
      const closing = recent(id);
      if (random() < 0.5 && store.getFlow(closing) && !ended.has(closing)) {
        ended.add(closing);
        store.apply(end(closing));
      }
    }
    expect(store.evictedFlows).toBeGreaterThan(49_000);
    expect(store.evictionVisits).toBeLessThanOrEqual(2 * store.evictedFlows);
    // The flows held are listed in the order they started.
    const held = ids(store);
    expect(held).toEqual([...held].sort((a, b) => a - b));
    expect(store.size).toBeLessThanOrEqual(1000);
    expect(store.chunkCount).toBeLessThanOrEqual(300);
    store.dispose();
  });
});
