import { describe, expect, it } from 'vitest';
import { formatClock } from '../../src/core/clock.js';

describe('formatClock', () => {
  it('formats UTC HH:MM:SS.mmm', () => {
    expect(formatClock(Date.UTC(2020, 5, 1, 1, 2, 3, 456) * 1000 + 789)).toBe('01:02:03.456');
  });
});
