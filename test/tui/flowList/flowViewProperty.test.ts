import { describe, expect, it } from 'vitest';
import { matchesWithoutBytes, parseFilter } from '../../../src/tui/flowList/filter.js';
import { FlowView } from '../../../src/tui/flowList/flowView.js';
import { sortKey, SORT_ORDERS } from '../../../src/tui/flowList/sortOrder.js';
import { FakeStore } from './fakeStore.js';

/** xorshift32: the same draws on every run. */
function random(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** The rows a view must show: every flow held that matches, by key then arrival. */
function expectedRows(store: FakeStore, order: (typeof SORT_ORDERS)[number], filterText: string, arrival: Map<number, number>): number[] {
  const parsed = parseFilter(filterText);
  if (!parsed.ok) throw new Error(parsed.error);
  const flows = [...store.flows()].filter((f) => matchesWithoutBytes(parsed.filter, f, () => ''));
  return flows
    .map((f) => ({ id: f.id, key: sortKey(order, f), arrived: arrival.get(f.id)! }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.arrived - b.arrived))
    .map((f) => f.id);
}

describe('FlowView against a brute-force model, random batches', () => {
  it.each(SORT_ORDERS.flatMap((order) => ['', 'reset', ':80', '10.0.0'].map((filter) => [order, filter] as const)))(
    'sorted by %s, filter %j',
    (order, filterText) => {
      const draw = random(order.length * 7919 + filterText.length + 1);
      const store = new FakeStore();
      const arrival = new Map<number, number>();
      let arrived = 0;
      /** The ids the store holds, in arrival order. */
      const held: number[] = [];
      const add = () => {
        const flow = store.add({
          client: `10.0.${draw(2)}.${draw(4)}:${1000 + draw(3)}`,
          server: `10.0.0.${draw(3)}:${[80, 443, 25][draw(3)]}`,
          bytesC2s: draw(50),
          lastTs: 1e6 + draw(10) * 1e5,
        });
        arrival.set(flow.id, arrived++);
        held.push(flow.id);
      };
      for (let i = 0; i < 40; i++) add();
      const view = new FlowView(store, store);
      view.setSort(order);
      const parsed = parseFilter(filterText);
      if (!parsed.ok) throw new Error(parsed.error);
      view.setFilter(parsed.filter);
      for (let round = 0; round < 60; round++) {
        const focused = view.focusedId;
        const changes = [3, 10, 45, 120][draw(4)];
        for (let c = 0; c < changes; c++) {
          const op = draw(10);
          if (op < 4 || held.length === 0) add();
          else if (op < 8) {
            const id = held[draw(held.length)];
            store.update(id, { bytesC2s: draw(80), lastTs: 1e6 + draw(20) * 1e5, end: draw(3) === 0 ? { ts: 3e6, reason: 'rst' } : undefined });
          } else {
            const id = held[draw(held.length)];
            store.remove(id);
            held.splice(held.indexOf(id), 1);
          }
        }
        view.refresh();
        const rows = view.rows(0, view.length).map((f) => f.id);
        expect(rows).toEqual(expectedRows(store, order, filterText, arrival));
        if (rows.length > 0) {
          expect(rows[view.focusIndex]).toBe(view.focusedId);
          if (focused !== undefined && rows.includes(focused)) expect(view.focusedId).toBe(focused);
        } else {
          expect(view.focusedId).toBeUndefined();
        }
        if (draw(4) === 0) view.moveTo(draw(rows.length + 1));
      }
    },
  );
});
