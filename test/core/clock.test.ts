import { describe, expect, it } from 'vitest';
import { afterPeerCloseNote, formatClock } from '../../src/core/clock.js';

describe('formatClock', () => {
  it('formats UTC HH:MM:SS.mmm', () => {
    expect(formatClock(Date.UTC(2020, 5, 1, 1, 2, 3, 456) * 1000 + 789)).toBe('01:02:03.456');
  });
});

describe('afterPeerCloseNote', () => {
  it('counts bytes with grouped digits, one byte in the singular', () => {
    expect(afterPeerCloseNote('c2s', 1500, 'FIN', 0)).toBe('c2s sent 1,500+ bytes after the server closed (FIN at 00:00:00.000)');
    expect(afterPeerCloseNote('c2s', 1, 'FIN', 0)).toBe('c2s sent 1+ bytes after the server closed (FIN at 00:00:00.000)');
    expect(afterPeerCloseNote('s2c', 1, 'RST', 0, true)).toBe('s2c: 1 byte was in flight when the client reset the connection (RST at 00:00:00.000)');
  });
});
