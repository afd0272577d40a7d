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
    // The SMTP flow (2) has 2xx replies.
    expect(shown('!status:2xx')).toEqual(without([1, 2, 3, 5]));
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
    expect(parseFilter('status:abc')).toEqual({ ok: false, error: 'bad status:abc: a status like 404 or 5xx, or lost, after-close, unanswered, refused, not-resolved, unreachable, timed-out, failed' });
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

describe('status: on a line protocol', () => {
  /** Flow 1: SMTP whose RCPT got `554`; flow 2: FTP all `2xx`/`3xx`; flow 3: POP3 with `-ERR`; flow 4: FTP whose PASS got `530`. */
  function lineFlows(): { view: FlowView; store: FakeStore } {
    const store = new FakeStore();
    const table = new Map<number, FlowMessages>();
    const conversations: [string, string][][] = [
      [['s2c', '220 mx.test ESMTP\r\n'], ['c2s', 'EHLO client.test\r\n'], ['s2c', '250 mx.test\r\n'], ['c2s', 'RCPT TO:<spam@evil.test>\r\n'], ['s2c', '554 5.7.1 Relay access denied\r\n'], ['c2s', 'QUIT\r\n'], ['s2c', '221 Bye\r\n']],
      [['s2c', '220 FTP ready\r\n'], ['c2s', 'USER a\r\n'], ['s2c', '331 Password\r\n'], ['c2s', 'PASS b\r\n'], ['s2c', '230 Logged in\r\n']],
      [['s2c', '+OK POP3\r\n'], ['c2s', 'USER a\r\n'], ['s2c', '-ERR 554 no\r\n']],
      [['s2c', '220 FTP ready\r\n'], ['c2s', 'USER a\r\n'], ['s2c', '331 Password\r\n'], ['c2s', 'PASS secret\r\n'], ['s2c', '530 Login incorrect\r\n']],
    ];
    conversations.forEach((lines, i) => {
      const id = i + 1;
      store.add({ id });
      const messages = new FlowMessages(id);
      messages.apply({ type: 'flow-start', flowId: id, key: { client: { addr: '10.0.0.1', port: 40000 + id }, server: { addr: '10.0.0.2', port: 25 } }, ts: 1, origin: 'capture', sawHandshake: true });
      const offsets = { c2s: 0, s2c: 0 };
      for (const [dir, text] of lines as ['c2s' | 's2c', string][]) {
        const bytes = Buffer.from(text);
        messages.apply({ type: 'data', flowId: id, dir, offset: offsets[dir], bytes, length: bytes.length, ts: 2, fileOffset: -1 });
        offsets[dir] += bytes.length;
      }
      table.set(id, messages);
    });
    return { view: new FlowView(store, store, undefined, (id) => table.get(id)), store };
  }

  it('matches SMTP and FTP reply codes, not POP3 text that holds digits', () => {
    const { view, store } = lineFlows();
    const shownBy = (text: string): number[] => {
      const parsed = parseFilter(text);
      if (!parsed.ok) throw new Error(parsed.error);
      view.setFilter(parsed.filter);
      return view.shownIds();
    };
    expect(shownBy('status:5xx')).toEqual([1, 4]);
    expect(shownBy('status:554')).toEqual([1]);
    expect(shownBy('status:4xx')).toEqual([]);
    expect(shownBy('status:3xx')).toEqual([2, 4]);
    expect(shownBy('status:2xx')).toEqual([1, 2, 4]);
    expect(shownBy('!status:5xx')).toEqual([2, 3]);
    expect(view.describe(store.getFlow(1)!)).toBe('! SMTP RCPT TO:<spam@evil.test> → 554 (3 cmds)');
    // The failed command is shown as the messages mode shows it: a password by its size only.
    expect(view.describe(store.getFlow(4)!)).toBe('! FTP PASS (password: 6 bytes) → 530 (2 cmds)');
    view.dispose();
  });
});
