import { describe, expect, it } from 'vitest';
import { exchangeLabel, exchangeText } from '../../../src/tui/flowList/exchangeFields.js';
import { findNext } from '../../../src/tui/flowList/findRow.js';
import { ExchangeView } from '../../../src/tui/flowList/exchangeView.js';
import { parseFilter } from '../../../src/tui/flowList/filter.js';
import { FlowView } from '../../../src/tui/flowList/flowView.js';
import { exchange, fakeMessages, messagesOf, placed, response, type FakeMessages } from './fakeExchanges.js';
import { FakeStore } from './fakeStore.js';

/**
 * Two flows: #1 to 10.0.0.2:80 (GET /a 200 small and quick, POST /api/b 404, GET /c unanswered),
 * #2 to 10.0.0.3:8080 (GET /big 500, big and slow, sent between #1's exchanges).
 */
function twoFlows() {
  const store = new FakeStore();
  store.add({ id: 1, server: '10.0.0.2:80' });
  store.add({ id: 2, server: '10.0.0.3:8080' });
  const table = new Map<number, FakeMessages>([
    [1, fakeMessages([
      exchange(0, { host: 'a.example', target: '/a', start: 1000, status: 200, end: 2000, size: 10 }),
      exchange(1, { method: 'POST', host: 'a.example', target: '/api/b', start: 3000, status: 404, end: 5000, size: 20 }),
      exchange(2, { host: 'a.example', target: '/c', start: 6000, flags: ['unanswered'] }),
    ], true)],
    [2, fakeMessages([exchange(0, { host: 'b.example:8080', target: '/big', start: 2500, status: 500, end: 90_000, size: 5000 })], true)],
  ]);
  const view = new ExchangeView(store, messagesOf(table), () => true);
  return { store, table, view };
}

const labels = (view: ExchangeView): string[] => view.rows(0, 100).map(exchangeLabel);

function filterOf(text: string) {
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filter;
}

describe('exchange list: rows and orders', () => {
  it('lists every exchange by the time its request was sent', () => {
    const { view } = twoFlows();
    expect(labels(view)).toEqual(['1#1', '2#1', '1#2', '1#3']);
    expect(view.total).toBe(4);
  });

  it('knows the widest method listed (the method column), whatever the filter shows', () => {
    const { view } = twoFlows();
    expect(view.widestMethod).toBe(4);
    view.setFilter(filterOf('path:/big'));
    expect(view.widestMethod).toBe(4);
  });

  it.each([
    ['duration', ['2#1', '1#2', '1#1', '1#3']],
    ['size', ['2#1', '1#2', '1#1', '1#3']],
    ['status', ['1#3', '2#1', '1#2', '1#1']],
    ['flow', ['1#1', '1#2', '1#3', '2#1']],
  ] as const)('sorts by %s', (order, expected) => {
    const { view } = twoFlows();
    view.setSort(order);
    expect(labels(view)).toEqual(expected);
  });

  it('keeps the focus on its exchange across a sort, and o cycles back to arrival', () => {
    const { view } = twoFlows();
    view.moveTo(2);
    expect(exchangeLabel(view.focused!)).toBe('1#2');
    view.setSort('flow');
    expect(view.focusIndex).toBe(1);
    expect(['duration', 'size', 'status', 'flow', 'arrival'].map(() => view.cycleSort())).toEqual(['arrival', 'duration', 'size', 'status', 'flow']);
  });
});

describe('exchange list: the mouse wheel', () => {
  it('scrollBy() moves the view and the focus together, clamped at the ends', () => {
    const { view } = twoFlows();
    view.moveTo(0);
    view.scrollBy(1, 2);
    expect([view.top(2), view.focusIndex]).toEqual([1, 1]);
    view.scrollBy(3, 2);
    expect([view.top(2), view.focusIndex]).toEqual([2, 3]);
    view.scrollBy(-9, 2);
    expect([view.top(2), view.focusIndex]).toEqual([0, 0]);
  });
});

describe('exchange list: filter words per exchange', () => {
  it.each([
    ['method:POST', ['1#2']],
    ['status:4xx|status:5xx', ['2#1', '1#2']],
    ['host:b.example', ['2#1']],
    ['path:/api', ['1#2']],
    ['10.0.0.3', ['2#1']],
    [':80', ['1#1', '1#2', '1#3']],
    ['#2', ['2#1']],
    ['unanswered', ['1#3']],
    ['!status:200 :80', ['1#2', '1#3']],
  ])('%s', (text, expected) => {
    const { view } = twoFlows();
    view.setFilter(filterOf(text));
    expect(labels(view)).toEqual(expected);
  });

  it('~text words keep the exchanges of the flows whose bytes hold it', () => {
    const { store, table } = twoFlows();
    // Both flows' requests (c2s [0, 10)) hold it; the flow list's search found only flow 2.
    store.data(1, 'c2s', 'GET secret');
    store.data(2, 'c2s', 'GET secret');
    const view = new ExchangeView(store, messagesOf(table), (id) => id === 2);
    view.setFilter(filterOf('~secret'));
    expect(labels(view)).toEqual(['2#1']);
  });

  it('~text with a text word: the flow is searched though its summary lacks the word', () => {
    const store = new FakeStore();
    store.add({ id: 1 });
    store.data(1, 'c2s', 'GET /a HTTP/1.1\r\n\r\nGET /login HTTP/1.1\r\nCookie: secret\r\n\r\n');
    const table = new Map([[1, fakeMessages([placed(exchange(0, { target: '/a' }), [0, 19]), placed(exchange(1, { target: '/login' }), [19, 40])], true)]]);
    const flows = new FlowView(store, store);
    const view = new ExchangeView(store, messagesOf(table), (id) => flows.bytesMatch(id));
    const filter = filterOf('~secret login');
    flows.setFilter(filter);
    view.setFilter(filter);
    // The flow list shows nothing (its summary lacks `login`), but the exchange list hears the answer.
    while (flows.searchProgress?.busy) expect(flows.searchStep(1 << 20, (ids) => view.recheck(ids))).toBe(false);
    expect(labels(view)).toEqual(['1#2']);
    expect(flows.length).toBe(0);
  });

  it('~text keeps only the exchanges whose own bytes hold it (request or response), not all of the flow', () => {
    const store = new FakeStore();
    store.add({ id: 1 });
    store.data(1, 'c2s', 'GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n');
    store.data(1, 's2c', 'HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 secret\r\n\r\n');
    // A gap in the third response: a needle does not straddle it.
    store.data(1, 's2c', 'HTTP/1.1 200 sec');
    store.data(1, 's2c', 'xxxx', true);
    store.data(1, 's2c', 'ret, SECRET\r\n\r\n');
    const exchanges = [
      placed(exchange(0, { target: '/a', status: 200 }), [0, 19], [0, 19]),
      placed(exchange(1, { target: '/b', status: 200 }), [19, 19], [19, 23]),
      placed(exchange(2, { target: '/c', status: 200 }), [38, 19], [42, 35]),
    ];
    const view = new ExchangeView(store, messagesOf(new Map([[1, fakeMessages(exchanges, true)]])), () => true);
    view.setFilter(filterOf('~secret'));
    expect(labels(view)).toEqual(['1#2', '1#3']);
    view.setFilter(filterOf('~/b'));
    expect(labels(view)).toEqual(['1#2']);
    view.setFilter(filterOf('~secret ~/c'));
    expect(labels(view)).toEqual(['1#3']);
    view.setFilter(filterOf('~SECRET'));
    expect(labels(view)).toEqual(['1#3']);
    view.setFilter(filterOf('~c2'));
    expect(labels(view)).toEqual([]);
    // As many ~ words as a filter may have (31): all held is still all held.
    view.setFilter(filterOf(Array.from({ length: 31 }, (_, i) => `~${'secret'.slice(0, 1 + (i % 6))}`).join(' ')));
    expect(labels(view)).toEqual(['1#2', '1#3']);
  });

  it('/ finds the next row holding the text, round past the end', () => {
    const { view } = twoFlows();
    expect(findNext(view, 'a.example', false, exchangeText)?.index ?? -1).toBe(2);
    view.moveTo(3);
    expect(findNext(view, '/A', false, exchangeText)?.index ?? -1).toBe(-1);
    expect(findNext(view, '/a', false, exchangeText)?.index ?? -1).toBe(0);
    expect(findNext(view, '404', true, exchangeText)?.index ?? -1).toBe(2);
  });
});

describe('exchange list: live', () => {
  it('lists exchanges as they come, and moves a row when its response comes', () => {
    const store = new FakeStore();
    const table = new Map<number, FakeMessages>();
    const view = new ExchangeView(store, messagesOf(table), () => true);
    view.setSort('status');
    store.add({ id: 1 });
    const messages = fakeMessages();
    table.set(1, messages);
    messages.http.exchanges.push(exchange(0, { target: '/slow', start: 1000 }), exchange(1, { target: '/fast', start: 2000, status: 200 }));
    expect(view.refresh()).toBe(true);
    expect(labels(view)).toEqual(['1#2', '1#1']);
    messages.http.exchanges[0].response = response({ status: 503, end: 9000 });
    store.data(1, 's2c', 'HTTP/1.1 503 x\r\n\r\n');
    expect(view.refresh()).toBe(true);
    expect(labels(view)).toEqual(['1#1', '1#2']);
    store.remove(1);
    view.refresh();
    expect(labels(view)).toEqual([]);
    expect(view.focused).toBeUndefined();
  });

  it("lists a file's exchanges parsed after its load (no store change) once told", () => {
    const store = new FakeStore();
    store.add({ id: 1 });
    const table = new Map<number, FakeMessages>();
    const view = new ExchangeView(store, messagesOf(table), () => true);
    view.refresh();
    table.set(1, fakeMessages([exchange(0, { status: 200 })], true));
    expect(view.refresh()).toBe(false);
    view.messagesChanged(1);
    expect(view.refresh()).toBe(true);
    expect(labels(view)).toEqual(['1#1']);
  });

  it('a frame while a file is parsed looks only at the flows parsed since the last one', () => {
    const store = new FakeStore();
    for (let id = 1; id <= 1000; id++) store.add({ id });
    const table = new Map<number, FakeMessages>();
    const looked: number[] = [];
    const view = new ExchangeView(store, (id) => (looked.push(id), messagesOf(table)(id)), () => true);
    view.refresh();
    looked.length = 0;
    table.set(7, fakeMessages([exchange(0, { status: 200 })], true));
    view.messagesChanged(7);
    view.refresh();
    expect(looked).toEqual([7]);
    expect(labels(view)).toEqual(['7#1']);
  });

  it('under a filter reading the flow, a flow changing re-checks its settled rows only when its answer changes', () => {
    const store = new FakeStore();
    store.add({ id: 1 });
    const exchanges = Array.from({ length: 100 }, (_, i) => exchange(i, { start: 1000 + i, status: 200, end: 2000 + i }));
    const table = new Map<number, FakeMessages>([[1, fakeMessages(exchanges)]]);
    store.data(1, 'c2s', 'x'.repeat(10)); // every fake request is c2s [0, 10)
    let asked = 0;
    const view = new ExchangeView(store, messagesOf(table), () => (asked++, true));
    view.setFilter(filterOf('open ~x'));
    expect(view.length).toBe(100);
    asked = 0;
    const read = store.bytesRead;
    store.data(1, 'c2s', 'GET /next HTTP/1.1\r\n');
    view.refresh();
    expect(asked).toBeLessThanOrEqual(1);
    expect(store.bytesRead).toBe(read);
    expect(view.length).toBe(100);
    store.update(1, { end: { ts: 9000, reason: 'fin' } });
    expect(view.refresh()).toBe(true);
    expect(view.length).toBe(0);
    view.setFilter(filterOf('closed'));
    expect(view.length).toBe(100);
  });

  it('follows the newest exchange while F is on', () => {
    const { store, table } = twoFlows();
    const following = { on: false };
    const view = new ExchangeView(store, messagesOf(table), () => true, following);
    view.setFollow(true);
    expect(view.focusIndex).toBe(3);
    table.get(2)!.http.exchanges.push(exchange(1, { start: 100_000, status: 200 }));
    store.update(2, { lastTs: 100_000 });
    view.refresh();
    expect(exchangeLabel(view.focused!)).toBe('2#2');
    view.moveBy(-1);
    expect(following.on).toBe(false);
  });

  it('focuses the first exchange of a flow from a position', () => {
    const { view } = twoFlows();
    expect(view.focusFlow(1, 1)).toBe(true);
    expect(exchangeLabel(view.focused!)).toBe('1#2');
    expect(view.focusFlow(3)).toBe(false);
    expect(view.showsFlow(2)).toBe(true);
    view.setFilter(filterOf('status:5xx'));
    expect(view.shownFlowIds()).toEqual([2]);
  });
});
