import { describe, expect, it } from 'vitest';
import { matchesWithoutBytes, parseFilter, type Filter } from '../../../src/tui/flowList/filter.js';
import { FakeStore } from './fakeStore.js';
import { CAPTURE_ENDED, REFUSED } from '../../../src/core/types.js';
import { flowState } from '../../../src/tui/flowList/source.js';

function parsed(text: string): Filter {
  const result = parseFilter(text);
  if (!result.ok) throw new Error(`unexpected parse error: ${result.error}`);
  return result.filter;
}

/** Flows to filter, with their preview text. */
function sample() {
  const store = new FakeStore();
  const previews = new Map<number, string>();
  const add = (fields: Parameters<FakeStore['add']>[0], preview: string) => {
    const flow = store.add(fields);
    previews.set(flow.id, preview);
    return flow;
  };
  add({ client: '10.0.0.2:40000', server: '192.168.1.10:80' }, 'GET /api/v2/chickens.json HTTP/1.1');
  add({ client: '10.0.0.23:40001', server: '192.168.1.11:25', end: { ts: 2e6, reason: 'fin' } }, '220 mail.example ESMTP');
  add({ client: '10.0.0.3:40002', server: '192.168.1.10:443', end: { ts: 2e6, reason: 'rst' }, notes: [{ ts: 1, text: 'x' }] }, '');
  add({ client: '10.0.0.4:40003', server: '10.0.0.2:8080', closedC2s: true, gaps: 2 }, 'POST /form');
  add({ client: '[2001:db8::1]:5000', server: '[2001:db8::2]:80', end: { ts: 3e6, reason: 'timeout' } }, 'get /v6');
  add({ client: '10.1.0.5:25', server: '10.0.0.9:9', end: { ts: 3e6, reason: 'evicted' } }, 'hello');
  return { store, previews };
}

describe('flow filter: which flows each word keeps', () => {
  const { store, previews } = sample();
  const flows = [...store.flows()];
  const keep = (text: string) =>
    flows.filter((f) => matchesWithoutBytes(parsed(text), f, (x) => previews.get(x.id)!)).map((f) => f.id);

  it.each([
    ['', [1, 2, 3, 4, 5, 6]],
    ['10.0.0.2', [1, 4]],
    ['10.0', [1, 2, 3, 4, 6]],
    ['10.0.', [1, 2, 3, 4, 6]],
    ['192.168.1.10', [1, 3]],
    ['10.0.0.2:8080', [4]],
    ['10.0.0.2:40000', [1]],
    ['2001:db8::1', [5]],
    ['2001:db8', [5]],
    ['[2001:db8::2]:80', [5]],
    [':25', [2, 6]],
    [':80', [1, 5]],
    ['open', [1]],
    ['half-closed', [4]],
    ['closed', [2]],
    ['reset', [3]],
    ['timeout', [5, 6]],
    ['has:note', [3]],
    ['has:gap', [4]],
    ['has:note|has:gap', [3, 4]],
    ['get', [1, 5]],
    ['GET', [1, 5]],
    ['esmtp', [2]],
    ['"mail.example esmtp"', [2]],
    ['get :80 open', [1]],
    ['10.0.0.2 half-closed', [4]],
    ['nothing-matches-this', []],
    [':80|:443', [1, 3, 5]],
    ['reset|timeout', [3, 5, 6]],
    ['!reset|timeout', [1, 2, 4]],
    ['esmtp|post 10.0', [2, 4]],
    ['"a|b"', []],
    ['  :443   reset  ', [3]],
    ['#2', [2]],
    ['#2-4', [2, 3, 4]],
    ['#5|#1', [1, 5]],
    ['!#1-5', [6]],
    ['#9', []],
  ])('%j keeps %j', (text, ids) => {
    expect(keep(text)).toEqual(ids);
  });

  it('a ~text word leaves the decision to the byte search', () => {
    expect(keep('~anything')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(keep('~anything reset')).toEqual([3]);
    expect(keep('!~anything reset')).toEqual([3]);
  });

  it.each([
    ['!reset', [1, 2, 4, 5, 6]],
    ['!timeout', [1, 2, 3, 4]],
    ['!:443', [1, 2, 4, 5, 6]],
    ['!:25 !:80', [3, 4]],
    ['!10.0.0.2', [2, 3, 5, 6]],
    ['!10.0', [5]],
    ['!10.0.0.2:8080', [1, 2, 3, 5, 6]],
    ['![2001:db8::2]:80', [1, 2, 3, 4, 6]],
    ['!2001:db8', [1, 2, 3, 4, 6]],
    ['!has:note', [1, 2, 4, 5, 6]],
    ['!has:gap', [1, 2, 3, 5, 6]],
    ['!get', [2, 3, 4, 6]],
    ['!"mail.example esmtp"', [1, 3, 4, 5, 6]],
    ['!open :80', [5]],
    [':80 !open', [5]],
    ['!reset !open !timeout', [2, 4]],
    ['"!reset"', []],
    ['-reset', []],
    ['!-reset', [1, 2, 3, 4, 5, 6]],
  ])('negated: %j keeps %j', (text, ids) => {
    expect(keep(text)).toEqual(ids);
  });
});

describe('flow filter: IPv6 addresses, typed as the list shows them or bare', () => {
  const store = new FakeStore();
  store.add({ client: '[::1]:50000', server: '[::1]:80' });
  store.add({ client: '[2001:db8:1::23]:40000', server: '[2001:db8:1::2]:80' });
  store.add({ client: '[::ffff:10.0.0.7]:1000', server: '10.0.0.8:80' });
  store.add({ client: '[::1:5]:1', server: '10.0.0.1:2' });
  const flows = [...store.flows()];
  const keep = (text: string) => flows.filter((f) => matchesWithoutBytes(parsed(text), f, () => '')).map((f) => f.id);

  it.each([
    ['::1', [1]],
    ['[::1]', [1]],
    ['[::1]:80', [1]],
    ['[::1]:50000', [1]],
    ['[::1]:81', []],
    ['0:0:0:0:0:0:0:1', [1]],
    ['[0000::0001]:80', [1]],
    ['2001:db8:1::23', [2]],
    ['[2001:db8:1::23]', [2]],
    ['2001:DB8:1:0:0:0:0:23', [2]],
    ['[2001:0db8:0001::0023]:40000', [2]],
    ['2001:db8:1::2', [2]],
    ['2001:db8:1::', [2]],
    ['2001:db8', [2]],
    ['::ffff:10.0.0.7', [3]],
    ['[::ffff:a00:7]', [3]],
    ['10.0.0.8', [3]],
    ['10.0.0.8:80', [3]],
    [':80', [1, 2, 3]],
    ['::1:5', [4]],
    ['!::1', [2, 3, 4]],
    ['::1|[2001:db8:1::23]', [1, 2]],
  ])('%j keeps %j', (text, ids) => {
    expect(keep(text)).toEqual(ids);
  });

  it.each([
    ['[::1', 'text'],
    ['[2001:db8]', 'bad address [2001:db8]: an IPv6 address in brackets, e.g. [::1] or [::1]:80'],
    ['[::1]:70000', 'bad port in [::1]:70000: a number 0-65535'],
    ['[fe80::1%eth0]', 'text'],
  ])('%j is %s', (text, outcome) => {
    const result = parseFilter(text);
    if (outcome === 'text') expect(result).toMatchObject({ ok: true, filter: { terms: [{ kind: 'text' }] } });
    else expect(result).toEqual({ ok: false, error: outcome });
  });
});

describe('flow filter: parsing', () => {
  it.each([
    [':abc', 'bad port :abc: a number 0-65535 after \':\''],
    [':70000', 'bad port :70000: a number 0-65535 after \':\''],
    [':', 'bad port :: a number 0-65535 after \':\''],
    ['10.0.0.1:99999', 'bad port in 10.0.0.1:99999: a number 0-65535'],
    ['has:notes', 'unknown has:notes: has:note or has:gap'],
    ['metod:POST', 'unknown filter word metod: (method: status: host: path: has:; "metod:POST" is text)'],
    ['cafe:x', 'unknown filter word cafe: (method: status: host: path: has:; "cafe:x" is text)'],
    ['port:80', 'unknown filter word port:; write the port as :80'],
    ['PORT:8080', 'unknown filter word port:; write the port as :8080'],
    ['!port:http', 'unknown filter word port:; write the port as :N'],
    ['port:99999', 'unknown filter word port:; write the port as :N'],
    ['port:443-445', 'unknown filter word port:; write the port as :N'],
    ['reset|port:443', 'unknown filter word port:; write the port as :443'],
    ['~', '~ needs text after it, e.g. ~HTTP/1.0 or ~"two words"'],
    ['~"unterminated', 'unterminated quote: add a closing "'],
    ['~bad\\q', 'bad escape in ~bad\\\\q: use \\r \\n \\t \\\\ \\" or \\xNN'],
    [Array.from({ length: 32 }, (_, i) => `~w${i}`).join(' '), 'too many ~ words: at most 31'],
    [':\x1b[2J', 'bad port :\\x1b[2J: a number 0-65535 after \':\''],
    ['has:\u009b31m', 'unknown has:\\u{9b}31m: has:note or has:gap'],
    ['~\\q\u202e', 'bad escape in ~\\\\q\\u{202e}: use \\r \\n \\t \\\\ \\" or \\xNN'],
    ['~\\x4', 'bad escape in ~\\\\x4: use \\r \\n \\t \\\\ \\" or \\xNN'],
    ['!', '! needs a word after it, e.g. !reset !:443 !~Cookie'],
    ['reset !', '! needs a word after it, e.g. !reset !:443 !~Cookie'],
    ['! reset', '! needs a word after it, e.g. !reset !:443 !~Cookie'],
    ['!!reset', '!! is not a word: one ! negates the word after it, e.g. !reset'],
    ['!!', '!! is not a word: one ! negates the word after it, e.g. !reset'],
    ['!:99999', 'bad port :99999: a number 0-65535 after \':\''],
    ['!~', '~ needs text after it, e.g. ~HTTP/1.0 or ~"two words"'],
    ['!metod:GET', 'unknown filter word metod: (method: status: host: path: has:; "metod:GET" is text)'],
    [':80|', ':80|: a word on each side of |, e.g. :80|:443'],
    ['|reset', '|reset: a word on each side of |, e.g. :80|:443'],
    ['reset|~Cookie', 'reset|~Cookie: ~text cannot be one of | words; give it its own word'],
    [':80|:99999', 'bad port :99999: a number 0-65535 after \':\''],
    ['#', 'bad flow number #: #12 or #10-20'],
    ['#1-', 'bad flow number #1-: #12 or #10-20'],
    ['#x', 'bad flow number #x: #12 or #10-20'],
    ['#5-3', 'bad flow number #5-3: the smaller number first, #3-5'],
  ])('%j is refused with one line', (text, error) => {
    const result = parseFilter(text);
    expect(result).toEqual({ ok: false, error });
    if (!result.ok) expect(result.error).not.toMatch(/\n/);
  });

  it('port:80 (tcpdump, Wireshark) is refused whole within a 60-column hint row, quoted it is text', () => {
    const result = parseFilter('port:65535');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(` ! ${result.error}`.length).toBeLessThanOrEqual(60);
    expect(parsed('"port:80"').terms).toEqual([{ kind: 'text', lower: 'port:80' }]);
  });

  it.each([
    ['~GET', [0x47, 0x45, 0x54]],
    ['~\\r\\n', [0x0d, 0x0a]],
    ['~\\x00\\xff\\\\', [0x00, 0xff, 0x5c]],
    ['~"a b"', [0x61, 0x20, 0x62]],
    ['~"say \\"hi\\""', [...Buffer.from('say "hi"')]],
    ['~é', [0xc3, 0xa9]],
    ['~😀', [0xf0, 0x9f, 0x98, 0x80]],
  ])('%j searches bytes %j', (text, bytes) => {
    expect([...parsed(text).needles[0].pattern.bytes]).toEqual(bytes);
  });

  it('an IPv6 address that starts with letters is an address; a quoted name:value is text', () => {
    const parsed = (text: string) => {
      const result = parseFilter(text);
      return result.ok ? result.filter.terms : result.error;
    };
    expect(parsed('fe80::1')).toEqual([{ kind: 'host', addr: 'fe80::1' }]);
    expect(parsed('dead:beef::')).toEqual([{ kind: 'address', prefix: 'dead:beef::' }]);
    expect(parsed('"metod:POST"')).toEqual([{ kind: 'text', lower: 'metod:post' }]);
  });

  it('! negates any word, quoted too; the other words stay as they were', () => {
    const terms = (text: string) => parsed(text).terms;
    expect(terms('!reset')).toEqual([{ kind: 'state', state: 'reset', negated: true }]);
    expect(terms('!:443')).toEqual([{ kind: 'port', port: 443, negated: true }]);
    expect(terms('!10.0.0.2')).toEqual([{ kind: 'address', prefix: '10.0.0.2', negated: true }]);
    expect(terms('!10.0.0.2:80')).toEqual([{ kind: 'endpoint', addr: '10.0.0.2', port: 80, negated: true }]);
    expect(terms('!has:note')).toEqual([{ kind: 'note', negated: true }]);
    expect(terms('!method:GET')).toEqual([{ kind: 'message', field: 'method', value: 'get', negated: true }]);
    expect(terms('!host:example.com')).toEqual([{ kind: 'message', field: 'host', value: 'example.com', negated: true }]);
    expect(terms('!"two words"')).toEqual([{ kind: 'text', lower: 'two words', negated: true }]);
    expect(terms('!word')).toEqual([{ kind: 'text', lower: 'word', negated: true }]);
    expect(terms('"!word"')).toEqual([{ kind: 'text', lower: '!word' }]);
    expect(terms('-reset')).toEqual([{ kind: 'text', lower: '-reset' }]);
    expect(terms('a!b')).toEqual([{ kind: 'text', lower: 'a!b' }]);
    const filter = parsed('!~Cookie ~"set-cookie" !~"a b"');
    expect(filter.needles.map((n) => [Buffer.from(n.pattern.bytes).toString(), n.negated])).toEqual([
      ['Cookie', true],
      ['set-cookie', false],
      ['a b', true],
    ]);
  });

  it('a ~ word is smart-case: no upper-case letter matches either case, else exactly', () => {
    const pattern = (text: string) => parsed(text).needles[0].pattern;
    expect(pattern('~X-Request-Id')).toEqual({ bytes: new Uint8Array(Buffer.from('X-Request-Id')) });
    const caseless = pattern('~x-request-id');
    expect(Buffer.from(caseless.bytes).toString()).toBe('x-request-id');
    expect(Buffer.from(caseless.alt!).toString()).toBe('X-REQUEST-ID');
    expect(pattern('~\\x41b')).toEqual({ bytes: new Uint8Array([0x41, 0x62]) });
    expect(pattern('~\\r\\n')).toEqual({ bytes: new Uint8Array([0x0d, 0x0a]) });
    expect([...pattern('~é').alt ?? []]).toEqual([]);
  });

  it('keeps the text as typed and every ~ word as a needle', () => {
    const filter = parsed('  ~a :80 ~b ');
    expect(filter.text).toBe('~a :80 ~b');
    expect(filter.needles.map((n) => Buffer.from(n.pattern.bytes).toString())).toEqual(['a', 'b']);
  });
});

describe('flow filter: cost', () => {
  it('reads a preview only for flows the other words keep', () => {
    const { store } = sample();
    const asked: number[] = [];
    const filter = parsed('get :80 reset');
    expect(filter.terms.map((t) => t.kind)).toEqual(['port', 'state', 'text']);
    for (const flow of store.flows()) matchesWithoutBytes(filter, flow, (f) => (asked.push(f.id), ''));
    expect(asked).toEqual([]);
    for (const flow of store.flows()) matchesWithoutBytes(parsed('get :80'), flow, (f) => (asked.push(f.id), ''));
    expect(asked).toEqual([1, 5]);
  });

  it('negated words keep the cheapest-first order', () => {
    expect(parsed('!get :80 !reset').terms.map((t) => [t.kind, t.negated === true])).toEqual([
      ['port', false],
      ['state', true],
      ['text', true],
    ]);
  });
});

describe('flow filter: a half-open connection', () => {
  it('is `half-open` when the capture ended before its handshake completed, `open` once it did', () => {
    const store = new FakeStore();
    store.add({ client: '10.0.0.1:1', server: '10.0.0.2:80', end: { ts: 1, reason: 'timeout', detail: CAPTURE_ENDED, handshake: 'syn-ack' } });
    store.add({ client: '10.0.0.1:2', server: '10.0.0.2:80', end: { ts: 1, reason: 'timeout', detail: CAPTURE_ENDED, handshake: 'complete' } });
    store.add({ client: '10.0.0.1:3', server: '10.0.0.2:80', end: { ts: 1, reason: 'timeout', detail: 'idle', handshake: 'syn' } });
    const flows = [...store.flows()];
    expect(flows.map(flowState)).toEqual(['half-open', 'open', 'timeout']);
    const keep = (text: string) => flows.filter((f) => matchesWithoutBytes(parsed(text), f, () => '')).map((f) => f.id);
    expect(keep('half-open')).toEqual([1]);
    expect(keep('open')).toEqual([2]);
  });
});

describe('flow filter: a refused connection', () => {
  it('is `refused`, not `reset` (a SYN answered by a reset)', () => {
    const store = new FakeStore();
    store.add({ client: '10.0.0.1:1', server: '10.0.0.2:80', end: { ts: 1, reason: 'rst', detail: REFUSED } });
    store.add({ client: '10.0.0.1:2', server: '10.0.0.2:80', end: { ts: 1, reason: 'rst', detail: 'reset by server' } });
    const flows = [...store.flows()];
    expect(flows.map(flowState)).toEqual(['refused', 'reset']);
    const keep = (text: string) => flows.filter((f) => matchesWithoutBytes(parsed(text), f, () => '')).map((f) => f.id);
    expect(keep('refused')).toEqual([1]);
    expect(keep('reset')).toEqual([2]);
    expect(keep('reset|refused')).toEqual([1, 2]);
  });

  it('a proxied client reset because its upstream could not be reached is `failed`', () => {
    const store = new FakeStore();
    store.add({ client: '10.0.0.1:1', server: '127.0.0.1:8080', end: { ts: 1, reason: 'rst', detail: 'upstream 10.255.255.1:80 timed out: ETIMEDOUT' } });
    store.add({ client: '10.0.0.1:2', server: '127.0.0.1:8080', end: { ts: 1, reason: 'rst', detail: 'server reset the connection' } });
    store.add({ client: '10.0.0.1:3', server: '10.0.0.2:80', end: { ts: 1, reason: 'rst', detail: 'proxy closed' } });
    const flows = [...store.flows()];
    expect(flows.map(flowState)).toEqual(['failed', 'reset', 'reset']);
    const keep = (text: string) => flows.filter((f) => matchesWithoutBytes(parsed(text), f, () => '')).map((f) => f.id);
    expect(keep('failed')).toEqual([1]);
    expect(keep('reset')).toEqual([2, 3]);
  });
});
