import { describe, expect, it } from 'vitest';
import { ExchangeMode } from '../../../src/tui/flowList/exchangeMode.js';
import { FlowView } from '../../../src/tui/flowList/flowView.js';
import { shownList } from '../../../src/tui/flowList/shownList.js';
import { notFollowing } from '../../../src/tui/following.js';
import { exchange, fakeMessages, messagesOf } from './fakeExchanges.js';
import { FakeStore } from './fakeStore.js';

describe('shownList', () => {
  it('answers the flow list, then the exchange list after v, then the flow list again', () => {
    const store = new FakeStore();
    store.add({ id: 1, server: '10.0.0.2:80' });
    const messages = messagesOf(new Map([[1, fakeMessages([exchange(0, { target: '/a', start: 1000, status: 200, end: 2000 })], true)]]));
    const flows = new FlowView(store, store);
    const exchanges = new ExchangeMode({ source: store, messages, flows, following: notFollowing(), onPending: () => undefined });
    expect(shownList(flows, exchanges)).toEqual({ kind: 'flows', rows: flows });
    exchanges.toggle();
    const shown = shownList(flows, exchanges);
    expect(shown.kind).toBe('exchanges');
    expect(shown.rows).toBe(exchanges.rows);
    expect(shown.rows.length).toBe(1);
    exchanges.toggle();
    expect(shownList(flows, exchanges).rows).toBe(flows);
  });
});
