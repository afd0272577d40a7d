import { describe, expect, it } from 'vitest';
import { parseFilter, type Filter } from '../../../src/tui/flowList/filter.js';
import { FlowView, SMALL_BATCH } from '../../../src/tui/flowList/flowView.js';
import { flowState } from '../../../src/tui/flowList/source.js';
import { FakeStore } from './fakeStore.js';
import { MessageTable } from '../../../src/messages/messageTable.js';

function filter(text: string): Filter {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(result.error);
  return result.filter;
}

/** Ids of every row, top to bottom. */
function ids(view: FlowView): number[] {
  return view.rows(0, view.length).map((f) => f.id);
}

/** Five flows: bytes 30, 10, 50, 20, 40; durations 1, 5, 2, 4, 3 s; addresses shuffled. */
function five() {
  const store = new FakeStore();
  const spec: [string, number, number][] = [
    ['10.0.0.3:1000', 30, 1],
    ['10.0.0.10:1000', 10, 5],
    ['10.0.0.1:1000', 50, 2],
    ['9.0.0.1:1000', 20, 4],
    ['10.0.0.2:1000', 40, 3],
  ];
  for (const [client, bytes, seconds] of spec) store.add({ client, bytesC2s: bytes, lastTs: 1_000_000 + seconds * 1e6 });
  return store;
}

describe('FlowView: sort orders', () => {
  it.each([
    ['arrival', [1, 2, 3, 4, 5]],
    ['bytes', [3, 5, 1, 4, 2]],
    ['duration', [2, 4, 5, 3, 1]],
    ['address', [4, 3, 5, 1, 2]],
  ] as const)('%s', (order, expected) => {
    const store = five();
    const view = new FlowView(store, store);
    view.setSort(order);
    expect(ids(view)).toEqual(expected);
  });

  it('o cycles arrival, bytes, duration, address, newest first', () => {
    const store = five();
    const view = new FlowView(store, store);
    expect([view.cycleSort(), view.cycleSort(), view.cycleSort(), view.cycleSort()]).toEqual(['bytes', 'duration', 'address', 'newest']);
    expect(ids(view)).toEqual([5, 4, 3, 2, 1]);
    expect(view.cycleSort()).toBe('arrival');
  });

  it('IPv4 sorts before IPv6, numerically; equal keys keep arrival order', () => {
    const store = new FakeStore();
    store.add({ client: '[2001:db8::1]:1' });
    store.add({ client: '10.0.0.1:2' });
    store.add({ client: '[2001:db8::]:1' });
    store.add({ client: '10.0.0.1:2' });
    const view = new FlowView(store, store);
    view.setSort('address');
    expect(ids(view)).toEqual([2, 4, 3, 1]);
  });

  it('an updated flow moves to its new place in a bytes sort', () => {
    const store = five();
    const view = new FlowView(store, store);
    view.setSort('bytes');
    store.update(2, { bytesC2s: 45 });
    expect(view.refresh()).toBe(true);
    expect(ids(view)).toEqual([3, 2, 5, 1, 4]);
  });
});

describe('FlowView: focus survives changes', () => {
  it('stays on its flow across inserts, updates, removals and re-sorts', () => {
    const store = five();
    const view = new FlowView(store, store);
    expect(view.focusedId).toBe(1);
    view.moveBy(2);
    expect(view.focusedId).toBe(3);
    store.add({ client: '1.1.1.1:1', bytesC2s: 100 });
    store.update(3, { bytesC2s: 5 });
    store.remove(1);
    view.refresh();
    expect(view.focusedId).toBe(3);
    expect(view.focusIndex).toBe(1);
    for (const order of ['bytes', 'duration', 'address', 'arrival'] as const) {
      view.setSort(order);
      expect(view.focusedId).toBe(3);
      expect(ids(view)[view.focusIndex]).toBe(3);
    }
  });

  it('moves to the row that took its place when its flow is removed, or the last row', () => {
    const store = five();
    const view = new FlowView(store, store);
    view.moveTo(2);
    store.remove(3);
    view.refresh();
    expect(view.focusedId).toBe(4);
    view.moveTo(3);
    store.remove(5);
    view.refresh();
    expect(view.focusedId).toBe(4);
    expect(view.focusIndex).toBe(2);
  });

  it('moves to a neighbour when a filter hides its flow', () => {
    const store = five();
    const view = new FlowView(store, store);
    view.moveTo(1);
    view.setFilter(filter('10.0.0.1'));
    expect(ids(view)).toEqual([3]);
    expect(view.focusedId).toBe(3);
  });

  it.each([4, SMALL_BATCH + 10])('holds in a batch of %i changes (spliced or merged)', (count) => {
    const store = five();
    const view = new FlowView(store, store);
    view.setSort('bytes');
    view.moveTo(1);
    expect(view.focusedId).toBe(5);
    for (let i = 0; i < count; i++) store.add({ client: `10.9.0.${i}:1`, bytesC2s: 35 + i });
    store.update(1, { bytesC2s: 1000 });
    store.remove(2);
    view.refresh();
    expect(view.focusedId).toBe(5);
    const rows = view.rows(0, view.length);
    expect(rows[view.focusIndex].id).toBe(5);
    const bytes = rows.map((f) => f.bytesC2s);
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
    expect(rows.length).toBe(4 + count);
  });

  it('follow keeps the focus on the last row until the user moves up', () => {
    const store = five();
    const view = new FlowView(store, store);
    view.setFollow(true);
    expect(view.focusedId).toBe(5);
    store.add();
    view.refresh();
    expect(view.focusedId).toBe(6);
    view.moveBy(-1);
    expect(view.follow).toBe(false);
    store.add();
    view.refresh();
    expect(view.focusedId).toBe(5);
  });

  it('in the newest-first order, follow keeps the focus on the first row, where new flows come', () => {
    const store = five();
    const view = new FlowView(store, store);
    view.setSort('newest');
    view.setFollow(true);
    expect(view.focusedId).toBe(5);
    store.add();
    view.refresh();
    expect(view.focusedId).toBe(6);
    expect(view.follow).toBe(true);
    view.moveTo(0);
    expect(view.follow).toBe(true);
    view.moveBy(1);
    expect(view.follow).toBe(false);
  });

  it('an empty view has no focus; the first flow to come gets it', () => {
    const store = new FakeStore();
    const view = new FlowView(store, store);
    expect([view.focusedId, view.focusIndex, view.length]).toEqual([undefined, -1, 0]);
    view.moveBy(1);
    expect(view.rows(0, 10)).toEqual([]);
    store.add();
    store.add();
    view.refresh();
    expect(view.focusedId).toBe(1);
  });
});

describe('FlowView: filter updates', () => {
  it('shows flows as they start or stop matching, and counts shown vs held', () => {
    const store = five();
    const view = new FlowView(store, store);
    view.setFilter(filter('reset'));
    expect(ids(view)).toEqual([]);
    store.update(4, { end: { ts: 9e6, reason: 'rst' } });
    store.add({ end: { ts: 9e6, reason: 'rst' } });
    view.refresh();
    expect(ids(view)).toEqual([4, 6]);
    expect([view.length, view.total]).toEqual([2, 6]);
    view.setFilter(filter(''));
    expect(view.length).toBe(6);
  });

  it('a filter that hides the selected flow selects the next match in the order, not the match at its row', () => {
    const store = new FakeStore();
    for (let i = 1; i <= 13; i++) store.add({ client: `10.0.0.${i % 3 === 0 ? 3 : 1}:1000` });
    const view = new FlowView(store, store);
    view.moveTo(9); // flow 10 (10.0.0.1)
    view.setFilter(filter('10.0.0.3'));
    expect(ids(view)).toEqual([3, 6, 9, 12]);
    // Flow 12 comes after flow 10; row 9 of the old list is past the end of the new.
    expect(view.focusedId).toBe(12);
    view.setFilter(filter(''));
    expect(view.focusedId).toBe(12);
    view.moveTo(3); // flow 4
    view.setFilter(filter('10.0.0.3'));
    expect(view.focusedId).toBe(6);
    // Past the last match: the last.
    view.setFilter(filter(''));
    view.moveTo(12); // flow 13
    view.setFilter(filter('10.0.0.3'));
    expect(view.focusedId).toBe(12);
  });

  it('a flow that leaves the filter with a new sort key too hands the focus to the row where it stood', () => {
    const store = five(); // bytes 30, 10, 50, 20, 40
    const view = new FlowView(store, store);
    view.setSort('bytes');
    view.setFilter(filter('open'));
    expect(ids(view)).toEqual([3, 5, 1, 4, 2]);
    view.moveTo(2); // flow 1, 30 bytes
    store.update(1, { bytesC2s: 1000, end: { ts: 9e6, reason: 'fin' } });
    view.refresh();
    expect(ids(view)).toEqual([3, 5, 4, 2]);
    // Flow 4 (20 bytes) came after flow 1 (30); 1,000 bytes would have put it before flow 3.
    expect(view.focusedId).toBe(4);
  });

  it('an unchanged flow update in arrival order changes nothing', () => {
    const store = five();
    const view = new FlowView(store, store);
    store.update(2, { lastTs: 9e6 });
    expect(view.refresh()).toBe(false);
    expect(view.refresh()).toBe(false);
  });

  it('a ~text filter shows flows as the byte search finds them', () => {
    const store = five();
    store.data(2, 'c2s', 'GET /secret HTTP/1.1\r\n');
    store.data(4, 's2c', 'x'.repeat(100) + 'secret');
    const view = new FlowView(store, store);
    view.setFilter(filter('~secret'));
    expect(view.length).toBe(0);
    expect(view.searchProgress?.busy).toBe(true);
    while (view.searchStep(1)) {
      /* one flow per step */
    }
    while (view.searchProgress!.busy) view.searchStep(1);
    expect(ids(view)).toEqual([2, 4]);
    store.data(5, 'c2s', 'no');
    store.data(5, 'c2s', ' secret');
    view.refresh();
    view.searchStep(1 << 20);
    expect(ids(view)).toEqual([2, 4, 5]);
  });

  it('a !~text filter shows flows once searched whole, and hides one that gets the text later', () => {
    const store = five();
    store.data(2, 'c2s', 'GET /secret HTTP/1.1\r\n');
    for (const id of [1, 3, 4, 5]) store.data(id, 'c2s', 'x'.repeat(100));
    const view = new FlowView(store, store);
    view.setFilter(filter('!~SECRET !~secret'));
    expect(view.length).toBe(0);
    while (view.searchProgress!.busy) view.searchStep(1);
    expect(ids(view)).toEqual([1, 3, 4, 5]);
    view.moveTo(2);
    expect(view.focusedId).toBe(4);
    store.data(4, 's2c', 'the secret');
    store.data(5, 's2c', 'nothing');
    view.refresh();
    expect(ids(view)).toEqual([1, 3, 4, 5]);
    while (view.searchProgress!.busy) view.searchStep(1 << 20);
    expect(ids(view)).toEqual([1, 3, 5]);
    expect(view.focusedId).toBe(5);
  });
});

describe('FlowView: window', () => {
  function hundred() {
    const store = new FakeStore();
    for (let i = 0; i < 100; i++) store.add();
    return new FlowView(store, store);
  }

  it.each([
    ['top', 0, 10, 1, 10],
    ['middle', 45, 10, 46, 10],
    ['last rows', 95, 10, 96, 5],
    ['past the end', 100, 10, undefined, 0],
    ['negative top', -3, 5, 1, 5],
  ])('rows at the %s', (_name, top, height, first, count) => {
    const rows = hundred().rows(top, height);
    expect(rows[0]?.id).toBe(first);
    expect(rows.length).toBe(count);
  });

  it('top() scrolls only as much as the focus needs and never past the end', () => {
    const view = hundred();
    expect(view.top(10)).toBe(0);
    view.moveBy(9);
    expect(view.top(10)).toBe(0);
    view.moveBy(1);
    expect(view.top(10)).toBe(1);
    view.moveTo(99);
    expect(view.top(10)).toBe(90);
    view.moveBy(-5);
    expect(view.top(10)).toBe(90);
    view.moveTo(0);
    expect(view.top(10)).toBe(0);
    view.moveBy(-1);
    expect(view.focusIndex).toBe(0);
    view.moveTo(1000);
    expect(view.focusIndex).toBe(99);
    expect(view.top(200)).toBe(0);
  });

  it('scrollBy() (the wheel) moves the view and the focus together; at an end the focus goes on alone', () => {
    const view = hundred();
    view.moveBy(2);
    view.scrollBy(3, 10);
    expect([view.top(10), view.focusIndex]).toEqual([3, 5]);
    view.scrollBy(-3, 10);
    expect([view.top(10), view.focusIndex]).toEqual([0, 2]);
    view.scrollBy(-3, 10);
    expect([view.top(10), view.focusIndex]).toEqual([0, 0]);
    for (let i = 0; i < 30; i++) view.scrollBy(3, 10);
    expect([view.top(10), view.focusIndex]).toEqual([90, 90]);
    for (let i = 0; i < 3; i++) view.scrollBy(3, 10);
    expect([view.top(10), view.focusIndex]).toEqual([90, 99]);
    // Fewer rows than the pane: the view stays at the top.
    const store = five();
    const few = new FlowView(store, store);
    few.scrollBy(3, 10);
    expect([few.top(10), few.focusIndex]).toEqual([0, 3]);
  });
});

describe('FlowView: clock and address keys', () => {
  it('latestTs is the latest timestamp seen, for the age of open flows', () => {
    const store = five();
    const view = new FlowView(store, store);
    expect(view.latestTs).toBe(6e6);
    expect(view.largestId).toBe(5);
    // The widest endpoints listed, which the list's columns fit: 10.0.0.10:1000 (14 columns).
    expect(view.widestEndpoints.client).toBe(14);
    store.update(1, { lastTs: 9e6 });
    view.refresh();
    expect(view.latestTs).toBe(9e6);
  });

  it('tells the client address every flow shares, until two differ', () => {
    const store = new FakeStore();
    store.add({ client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    store.add({ client: '10.0.0.1:1001', server: '10.0.0.3:80' });
    const view = new FlowView(store, store);
    expect(view.widestEndpoints.sharedClient).toBe('10.0.0.1');
    store.add({ client: '10.0.0.9:1002', server: '10.0.0.3:80' });
    view.refresh();
    expect(view.widestEndpoints.sharedClient).toBeUndefined();
    store.add({ client: '10.0.0.1:1003', server: '10.0.0.3:80' });
    view.refresh();
    expect(view.widestEndpoints.sharedClient).toBeUndefined();
  });

  it('tells the server address every flow shares, until two differ', () => {
    const store = new FakeStore();
    store.add({ client: '10.0.0.1:1000', server: '10.0.0.2:80' });
    store.add({ client: '10.0.0.9:1001', server: '10.0.0.2:443' });
    const view = new FlowView(store, store);
    expect(view.widestEndpoints.sharedServer).toBe('10.0.0.2');
    store.add({ client: '10.0.0.1:1002', server: '10.0.0.3:80' });
    view.refresh();
    expect(view.widestEndpoints.sharedServer).toBeUndefined();
    store.add({ client: '10.0.0.1:1003', server: '10.0.0.2:80' });
    view.refresh();
    expect(view.widestEndpoints.sharedServer).toBeUndefined();
  });

  it('orders mixed families and odd address strings by client, then server', () => {
    const store = new FakeStore();
    store.add({ client: '10.0.0.1:5', server: '[::1]:80' });
    store.add({ client: 'name.example:5', server: '10.0.0.1:80' });
    store.add({ client: '10.0.0.1:5', server: '10.0.0.1:80' });
    store.add({ client: '10.0.0.1:4', server: '10.0.0.2:80' });
    store.add({ client: '255.255.255.255:1', server: '0.0.0.0:0' });
    store.add({ client: '[::]:1', server: '0.0.0.0:0' });
    store.add({ client: 'name.ex:5', server: '10.0.0.1:80' });
    const view = new FlowView(store, store);
    view.setSort('address');
    expect(ids(view)).toEqual([4, 3, 1, 5, 6, 7, 2]);
  });
});

describe('FlowView: a proxied flow whose upstream could not be reached', () => {
  it('is described by that failure when the client sent nothing', () => {
    const store = new FakeStore();
    const table = new MessageTable();
    for (const detail of ['upstream 127.0.0.1:9 refused: ECONNREFUSED', 'reset by server']) {
      const flow = store.add({ client: `10.0.0.1:${store.size + 1}`, server: '127.0.0.1:9', end: { ts: 1, reason: 'rst', detail } });
      table.apply({ type: 'flow-start', flowId: flow.id, key: flow.key, ts: 0, origin: 'proxy', sawHandshake: true, connecting: true });
      if (detail === 'reset by server') table.apply({ type: 'connected', flowId: flow.id, ts: 0, server: flow.key.server });
      table.apply({ type: 'flow-end', flowId: flow.id, ts: 1, reason: 'rst', detail });
    }
    const view = new FlowView(store, store, undefined, (id) => table.get(id));
    const [failed, reset] = view.rows(0, 2);
    expect([view.describe(failed), view.describe(reset)]).toEqual(['! upstream 127.0.0.1:9 refused', '']);
  });
});

describe('FlowView: a proxied flow whose upstream has not accepted yet', () => {
  it('is listed at once, its state and summary saying it connects to the upstream, and the request waiting', () => {
    const store = new FakeStore();
    const table = new MessageTable();
    const flow = store.add({ client: '10.0.0.1:40000', server: '10.255.255.1:80', connecting: true });
    table.apply({ type: 'flow-start', flowId: flow.id, key: flow.key, ts: 0, origin: 'proxy', sawHandshake: true, connecting: true });
    const view = new FlowView(store, store, undefined, (id) => table.get(id));
    const [row] = view.rows(0, 1);
    expect([flowState(row), view.describe(row)]).toEqual(['connecting', 'upstream 10.255.255.1:80 connecting']);
    const request = new TextEncoder().encode('GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    table.apply({ type: 'data', flowId: flow.id, dir: 'c2s', offset: 0, bytes: request, length: request.length, ts: 1, fileOffset: -1 });
    expect(view.describe(row)).toBe('upstream 10.255.255.1:80 connecting (GET /x)');
    table.apply({ type: 'connected', flowId: flow.id, ts: 2, server: flow.key.server });
    flow.connecting = false;
    expect([flowState(row), view.describe(row)]).toEqual(['open', 'GET /x → pending']);
  });
});
