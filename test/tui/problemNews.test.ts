import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROBLEM_SHOWN_MS, ProblemNews } from '../../src/tui/problemNews.js';
import { StatusMessage } from '../../src/tui/statusMessage.js';

afterEach(() => vi.useRealTimers());

describe('ProblemNews', () => {
  it('says a new problem once, its first line escaped, then gives the row back after PROBLEM_SHOWN_MS', () => {
    vi.useFakeTimers();
    const status = new StatusMessage(() => 60, () => {}, '…', () => 80);
    const redraw = vi.fn();
    const news = new ProblemNews(status, '…', redraw);
    news.sayNew('damaged capture at byte 874\x1b[2J\nmore');
    expect(status.text).toBe('damaged capture at byte 874\\x1b[2J');
    status.say('');
    news.sayNew('damaged capture at byte 874\x1b[2J\nmore');
    expect(status.text).toBe('');
    news.sayNew('-w out.pcap: cannot write');
    vi.advanceTimersByTime(PROBLEM_SHOWN_MS);
    expect([status.text, redraw.mock.calls.length]).toEqual(['', 1]);
    news.sayNew(undefined);
    expect(status.text).toBe('');
    news.dispose();
  });
});
