import { describe, expect, it } from 'vitest';
import { FlowMatcher } from '../../../src/tui/flowList/flowMatcher.js';
import type { MessagesOf } from '../../../src/tui/flowList/filter.js';
import { formatRows } from '../../../src/tui/flowList/rowFormat.js';
import { UNICODE_GLYPHS } from '../../../src/tui/glyphs.js';
import { FakeStore } from './fakeStore.js';

describe('FlowMatcher.preview', () => {
  const store = new FakeStore();
  store.add({ id: 1, client: '10.0.0.9:1', server: '10.0.0.2:80' });
  store.data(1, 'c2s', 'GET /a HTTP/1.1\r\n');
  store.add({ id: 2, client: '10.0.0.9:2', server: '10.0.0.2:80' });
  store.data(2, 'c2s', 'hello\r\n');
  const made = { summaries: 0, replies: 0 };
  const summaryOf = (id: number) => ({
    summary: () => (made.summaries++, id === 1 ? 'GET /a → 200' : ''),
    summaryReplied: () => (made.replies++, true),
  });
  const matcher = new FlowMatcher(store, summaryOf as unknown as MessagesOf);

  it('gives the text describe gives, whether it is a summary, whether replied', () => {
    const [summed, plain] = [store.getFlow(1)!, store.getFlow(2)!];
    expect(matcher.preview(summed)).toEqual({ text: matcher.describe(summed), summarized: true, replied: true });
    expect(matcher.preview(plain)).toEqual({ text: matcher.describe(plain), summarized: false, replied: false });
  });

  it('makes a row\'s summary once, and asks for its outcome only when summarized', () => {
    made.summaries = made.replies = 0;
    const rows = formatRows([...store.flows()], { width: 80, glyphs: UNICODE_GLYPHS, focusedId: undefined, now: 0, preview: (f) => matcher.preview(f) });
    expect(rows.map((r) => r.text.trimEnd().split('  ').at(-1))).toEqual(['GET /a → 200', 'hello']);
    expect(made).toEqual({ summaries: 2, replies: 1 });
  });
});
