import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatusMessage } from '../../src/tui/statusMessage.js';

afterEach(() => vi.useRealTimers());

describe('StatusMessage', () => {
  it('lets a message go after 15 s, not one said since, and nothing once disposed', () => {
    vi.useFakeTimers();
    const redraw = vi.fn();
    const status = new StatusMessage(() => 60, redraw, '…');
    status.say('wrote 33 packets');
    vi.advanceTimersByTime(10_000);
    status.say('saved flow 2');
    vi.advanceTimersByTime(10_000);
    expect(status.text).toBe('saved flow 2');
    vi.advanceTimersByTime(5_000);
    expect([status.text, redraw.mock.calls.length]).toEqual(['', 3]);
    status.say('one more');
    status.dispose();
    vi.advanceTimersByTime(20_000);
    expect(status.text).toBe('one more');
  });
});
