import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/tui/flowList/filter.js';
import { FlowView } from '../../../src/tui/flowList/flowView.js';
import { FakeStore } from './fakeStore.js';

const FLOWS = 100_000;
const HEIGHT = 20;

/** A port scan: one SYN to each port, answered by RST, from one client. */
function portScan(): FakeStore {
  const store = new FakeStore();
  for (let i = 0; i < FLOWS; i++) {
    store.add({
      client: `10.0.${(i >> 8) & 255}.${i & 255}:${40000 + (i % 20000)}`,
      server: `10.9.0.1:${1 + (i % 65535)}`,
      bytesC2s: i % 7,
      startTs: 1e6 + i,
      lastTs: 1e6 + i + (i % 13),
      end: { ts: 1e6 + i + 20, reason: 'rst' },
    });
  }
  return store;
}

/** Records read by `action` and by drawing the window after it. */
function touchedBy(store: FakeStore, view: FlowView, action: () => void): number {
  const before = store.touched;
  action();
  view.rows(view.top(HEIGHT), HEIGHT);
  return store.touched - before;
}

describe('FlowView at 100,000 flows: work per key does not grow with the flows', () => {
  const store = portScan();
  const view = new FlowView(store, store);

  it.each(['arrival', 'bytes', 'duration', 'address'] as const)('sorted by %s, moves read only the rows drawn', (order) => {
    view.setSort(order);
    const moves: [string, () => void][] = [
      ['j', () => view.moveBy(1)],
      ['PgDn', () => view.moveBy(HEIGHT)],
      ['G', () => view.moveTo(view.length - 1)],
      ['k', () => view.moveBy(-1)],
      ['PgUp', () => view.moveBy(-HEIGHT)],
      ['g', () => view.moveTo(0)],
    ];
    for (const [name, move] of moves) {
      expect({ name, touched: touchedBy(store, view, move) }).toEqual({ name, touched: HEIGHT });
    }
  });

  it('a new flow in arrival order reads one record; a change batch reads the changed ones', () => {
    view.setSort('arrival');
    view.moveTo(view.length - 1);
    store.add({ client: '10.1.0.1:1', server: '10.9.0.1:1' });
    expect(touchedBy(store, view, () => view.refresh())).toBe(1 + HEIGHT);
    expect(view.focusIndex).toBe(FLOWS - 1);
    view.setSort('bytes');
    for (let id = 1; id <= 1000; id++) store.update(id, { bytesC2s: 10 + id });
    expect(touchedBy(store, view, () => view.refresh())).toBe(1000 + HEIGHT);
    expect(view.rows(0, 1)[0].id).toBe(1000);
  });

  it('a filter reads each record once', () => {
    const result = parseFilter(':443 reset');
    if (!result.ok) throw new Error(result.error);
    expect(touchedBy(store, view, () => view.setFilter(result.filter))).toBe(store.size + Math.min(HEIGHT, view.length));
    expect(view.length).toBe(Math.floor(FLOWS / 65535) + 1);
  });
});
