/** The raw modes' highlight, asked at every frame: the query is read as bytes once per query and encoding. */
import { describe, expect, test, vi } from 'vitest';
import { PaneSearch } from '../../../src/tui/conversation/paneSearch.js';
import { queryBytes } from '../../../src/tui/conversation/queryBytes.js';
import { DEFAULT_SETTINGS, type ConversationSettings } from '../../../src/tui/conversation/settings.js';
import { ConversationView } from '../../../src/tui/conversation/view.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

vi.mock('../../../src/tui/conversation/queryBytes.js', async (original) => {
  const module = await original<typeof import('../../../src/tui/conversation/queryBytes.js')>();
  return { ...module, queryBytes: vi.fn(module.queryBytes) };
});

const KEY = { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 80 } };

describe('PaneSearch.highlight', () => {
  test('reads the query as bytes once per query and encoding, however many frames ask', () => {
    const source = new FakeSource(KEY).data('c2s', 'GET /one HTTP/1.1\r\n\r\n');
    const view = new ConversationView(source, FLOW_ID, DEFAULT_SETTINGS, 80, 10);
    let settings: ConversationSettings = DEFAULT_SETTINGS;
    const search = new PaneSearch({ source, following: { on: false }, view: () => view, messageView: () => undefined, settings: () => settings });
    search.start('one', false);
    vi.mocked(queryBytes).mockClear();
    const first = search.highlight();
    for (let frame = 0; frame < 10; frame++) expect(search.highlight()).toEqual(first);
    expect(vi.mocked(queryBytes)).toHaveBeenCalledTimes(1);
    settings = { ...DEFAULT_SETTINGS, encoding: 'latin1' };
    search.highlight();
    search.highlight();
    expect(vi.mocked(queryBytes)).toHaveBeenCalledTimes(2);
    search.start('two', false);
    vi.mocked(queryBytes).mockClear();
    expect(search.highlight()).toMatchObject({ text: 'two' });
    search.highlight();
    expect(vi.mocked(queryBytes)).toHaveBeenCalledTimes(1);
  });
});
