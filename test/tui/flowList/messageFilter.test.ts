import { describe, expect, it } from 'vitest';
import { FlowMessages } from '../../../src/messages/flowMessages.js';
import { parseFilter } from '../../../src/tui/flowList/filter.js';
import { exchangeMatches, parseMessageWord, type MessageTerm } from '../../../src/tui/flowList/messageFilter.js';
import type { HttpExchange } from '../../../src/messages/types.js';
import { FlowView } from '../../../src/tui/flowList/flowView.js';
import { useDemo } from '../../support/demo.js';
import { FakeStore } from './fakeStore.js';

const demo = useDemo();

function shown(filter: string): number[] {
  const view = new FlowView(demo.store, demo.store, undefined, (id) => demo.messages.get(id));
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(parsed.error);
  view.setFilter(parsed.filter);
  while (view.searchStep(1 << 20));
  const ids = view.shownIds();
  view.dispose();
  return ids;
}

describe('message filter words on the demo', () => {
  it('method:, status:, host:, path: match the flows\' exchanges', () => {
    expect(shown('method:GET')).toEqual([1, 3, 5]);
    expect(shown('method:get status:2xx')).toEqual([1, 3, 5]);
    expect(shown('status:200')).toEqual([1, 3, 5]);
    expect(shown('status:5xx')).toEqual([]);
    expect(shown('host:shop.example')).toEqual([1, 3]);
    expect(shown('host:example')).toEqual([1, 3, 5]);
    expect(shown('host:reports.example')).toEqual([5]);
    expect(shown('host:shop')).toEqual([1, 3]);
    expect(shown('host:SHOP')).toEqual([1, 3]);
    expect(shown('host:ports')).toEqual([5]);
    expect(shown('host:op.exa')).toEqual([1, 3]);
    expect(shown('host:nowhere')).toEqual([]);
    expect(shown('path:/api')).toEqual([3]);
    expect(shown('path:/API')).toEqual([]);
    expect(shown('method:POST')).toEqual([]);
  });

  it('! negates message words and ~ words; words combine with AND', () => {
    const all = shown('');
    expect(all).toEqual([1, 2, 3, 4, 5]);
    const without = (ids: number[]) => all.filter((id) => !ids.includes(id));
    expect(shown('!method:GET')).toEqual(without([1, 3, 5]));
    expect(shown('!host:shop.example')).toEqual(without([1, 3]));
    expect(shown('!path:/api')).toEqual(without([3]));
    expect(shown('!status:2xx')).toEqual(without([1, 3, 5]));
    expect(shown('~"host: shop.example"')).toEqual([1, 3]);
    expect(shown('~"Host: shop.example"')).toEqual([1, 3]);
    expect(shown('~"HOST: shop.example"')).toEqual([]);
    expect(shown('!~"host: shop.example"')).toEqual(without([1, 3]));
    expect(shown('method:GET !~"host: shop.example"')).toEqual([5]);
  });

  it('a|b matches either word, message words too', () => {
    expect(shown('host:reports.example|path:/api')).toEqual([3, 5]);
    expect(shown('status:5xx|:25')).toEqual([2]);
    expect(shown('!host:reports.example|path:/api')).toEqual([1, 2, 4]);
  });

  it('status: takes the words the status column shows for an exchange without a response', () => {
    expect(shown('status:after-close')).toEqual([3]);
    expect(shown('status:unanswered')).toEqual([]);
    const lost = { index: 0, flags: ['lost'], request: undefined, response: undefined } as unknown as HttpExchange;
    const term = parseMessageWord('status:LOST');
    expect(term).toEqual({ kind: 'message', field: 'status', value: 'lost' });
    expect(exchangeMatches(term as MessageTerm, lost)).toBe(true);
    expect(exchangeMatches(parseMessageWord('status:after-close') as MessageTerm, lost)).toBe(false);
  });

  it('a bad word is one line; other words still work beside them', () => {
    expect(parseFilter('status:abc')).toEqual({ ok: false, error: 'bad status:abc: a status like 404 or 5xx, or lost, after-close, unanswered, refused, failed' });
    expect(parseFilter('host:').ok).toBe(false);
    expect(shown(':80 path:/')).toEqual([1, 3]);
  });

  it('the preview column shows the summary when a protocol was recognised, else the first line', () => {
    const view = new FlowView(demo.store, demo.store, undefined, (id) => demo.messages.get(id));
    expect(view.describe(demo.store.getFlow(1)!)).toBe('GET / → 200 (2 req)');
    expect(view.describe(demo.store.getFlow(2)!)).toBe('SMTP EHLO laptop.example.com → 250 (5 cmds)');
    expect(view.describe(demo.store.getFlow(3)!)).toBe('! #2 GET /api/status?again=1 → after-close (2 req)');
    const plain = new FlowView(demo.store, demo.store);
    expect(plain.describe(demo.store.getFlow(1)!)).toBe('GET / HTTP/1.1');
    view.dispose();
    plain.dispose();
  });
});

describe('the summary of a line that is not UTF-8', () => {
  it('shows its bytes as \\xNN and a backslash single, as the messages mode does, not as Latin-1 letters', () => {
    const messages = new FlowMessages(1);
    const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 6379 } };
    messages.apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'capture', sawHandshake: true });
    const send = (dir: 'c2s' | 's2c', offset: number, text: string) => {
      const bytes = Buffer.from(text, 'latin1');
      messages.apply({ type: 'data', flowId: 1, dir, offset, bytes, length: bytes.length, ts: 2, fileOffset: -1 });
    };
    send('c2s', 0, 'G\xffT /a\\b caf\xc3\xa9\r\n');
    send('s2c', 0, '\xfeOK\r\n');
    const store = new FakeStore();
    store.add({ id: 1 });
    const view = new FlowView(store, store, undefined, () => messages);
    expect(view.describe(store.getFlow(1)!)).toBe('lines: G\\xffT /a\\b café → \\xfeOK');
    view.dispose();
  });
});
