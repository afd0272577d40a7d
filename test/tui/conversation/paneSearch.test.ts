import { describe, expect, test, vi } from 'vitest';
import { PaneSearch, type SearchOutcome } from '../../../src/tui/conversation/paneSearch.js';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { ConversationView } from '../../../src/tui/conversation/view.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

const KEY = { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 80 } };

function setup(view = true) {
  const source = new FakeSource(KEY).data('c2s', 'GET /one HTTP/1.1\r\n\r\n').data('s2c', 'HTTP/1.1 200 OK\r\n\r\none\r\n');
  const shown = view ? new ConversationView(source, FLOW_ID, DEFAULT_SETTINGS, 80, 10) : undefined;
  const following = { on: true };
  const search = new PaneSearch({ source, following, view: () => shown, messageView: () => undefined, settings: () => DEFAULT_SETTINGS });
  return { search, following, view: shown };
}

function stepsUntilDone(search: PaneSearch): SearchOutcome[] {
  const outcomes: SearchOutcome[] = [];
  for (let i = 0; i < 100 && (search.searching || search.counting || outcomes.length === 0); i++) outcomes.push(search.step());
  return outcomes;
}

describe('PaneSearch', () => {
  test('nothing to search without a flow shown or with an empty query', () => {
    expect(setup(false).search.start('one', false)).toBe(false);
    expect(setup().search.start('', false)).toBe(false);
  });

  test('a match is shown and highlighted, stops following, then its count is reported', () => {
    const { search, following, view } = setup();
    expect(search.start('one', false)).toBe(true);
    const outcomes = stepsUntilDone(search);
    expect(outcomes[0]).toEqual({ kind: 'found' });
    expect(outcomes.at(-1)).toMatchObject({ kind: 'found', count: 'match 1 of 2' });
    expect(following.on).toBe(false);
    expect(view!.highlight).toBeDefined();
    expect(search.highlight()).toBeDefined();
  });

  test('the highlight is one object while its search and match stay, so the view keeps what it found for it', () => {
    const { search } = setup();
    search.start('one', false);
    stepsUntilDone(search);
    const first = search.highlight();
    expect(search.highlight()).toBe(first);
    search.start(undefined, false); // n: the next match
    stepsUntilDone(search);
    expect(search.highlight()).not.toBe(first);
    expect(search.highlight()).toBe(search.highlight());
  });

  test('the raw modes count in steps of a slice once the time of a step is up: 6 MiB, 6 steps', () => {
    const source = new FakeSource(KEY).data('c2s', 'GET /one HTTP/1.1\r\n\r\n').data('s2c', `HTTP/1.1 200 OK\r\n\r\n${'two six\n'.repeat(6 * 131_072)}one\n`);
    const view = new ConversationView(source, FLOW_ID, DEFAULT_SETTINGS, 80, 10);
    const search = new PaneSearch({ source, following: { on: true }, view: () => view, messageView: () => undefined, settings: () => DEFAULT_SETTINGS });
    expect(search.start('one', false)).toBe(true);
    // A clock 30 ms on at each look: every step's time is up after its first slice.
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (now += 30));
    try {
      const outcomes = stepsUntilDone(search);
      expect(outcomes.filter((outcome) => outcome.kind === 'counting')).toHaveLength(6);
      expect(outcomes.at(-1)).toMatchObject({ kind: 'found', count: 'match 1 of 2' });
    } finally {
      clock.mockRestore();
    }
  });

  test('clear drops the query and the highlight once', () => {
    const { search, view } = setup();
    search.start('one', false);
    stepsUntilDone(search);
    expect(search.clear()).toBe(true);
    expect(view!.highlight).toBeUndefined();
    expect(search.highlight()).toBeUndefined();
    expect(search.clear()).toBe(false);
  });

  test('a query found nowhere says so, escaped', () => {
    const { search } = setup();
    search.start('zzz', false);
    expect(stepsUntilDone(search).at(-1)).toEqual({ kind: 'not-found', query: 'zzz' });
  });
});

describe('PaneSearch: the = rows in the raw modes', () => {
  test('/gap in text mode finds the gap row on screen, counts it, n goes to the next; hex bytes do not match rows', () => {
    const source = new FakeSource(KEY).data('s2c', 'abc\n').gap('s2c', 392_464).data('s2c', 'def\n').gap('s2c', 5).data('s2c', 'ghi\n');
    let settings = DEFAULT_SETTINGS;
    const view = new ConversationView(source, FLOW_ID, settings, 80, 3);
    const search = new PaneSearch({ source, following: { on: false }, view: () => view, messageView: () => undefined, settings: () => settings });
    search.start('gap', false);
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'found', count: 'match 1 of 2' });
    expect(view.lines()[0].text).toBe('= gap of 392,464 bytes (server)');
    search.start(undefined, false);
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'found', count: 'match 2 of 2' });
    expect(view.lines().map((l) => l.text)).toContain('= gap of 5 bytes (server)');
    settings = { ...settings, mode: 'hex' };
    view.setSettings({ mode: 'hex' });
    search.start('6761', false); // "ga" as bytes
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'not-found' });
  });
});

describe('PaneSearch: bytes given with the query (a list filter ~text carried over)', () => {
  test('in hex mode a given text that spells hex digits is searched as text, by n too', () => {
    const source = new FakeSource(KEY).data('s2c', 'year 2024\n').data('s2c', 'again 2024\n');
    const settings = { ...DEFAULT_SETTINGS, mode: 'hex' as const };
    const view = new ConversationView(source, FLOW_ID, settings, 80, 3);
    const search = new PaneSearch({ source, following: { on: false }, view: () => view, messageView: () => undefined, settings: () => settings });
    // Typed, `2024` in hex mode is the bytes 20 24 (" $"): not in this flow.
    search.start('2024', false);
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'not-found' });
    search.start('2024', false, { bytes: new TextEncoder().encode('2024') });
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'found', count: 'match 1 of 2' });
    search.start(undefined, false);
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'found', count: 'match 2 of 2' });
  });

  test('bytes that are not UTF-8 are searched as given', () => {
    const source = new FakeSource(KEY).data('s2c', Uint8Array.from([0x61, 0xff, 0xfe, 0x0a]));
    const view = new ConversationView(source, FLOW_ID, DEFAULT_SETTINGS, 80, 3);
    const search = new PaneSearch({ source, following: { on: false }, view: () => view, messageView: () => undefined, settings: () => DEFAULT_SETTINGS });
    search.start('\ufffd\ufffd', false, { bytes: Uint8Array.from([0xff, 0xfe]) });
    expect(stepsUntilDone(search).at(-1)).toMatchObject({ kind: 'found', count: 'match 1 of 1' });
  });
});
