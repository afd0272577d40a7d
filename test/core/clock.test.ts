import { describe, expect, it } from 'vitest';
import { afterPeerCloseNote, formatSpan } from '../../src/core/clock.js';

describe('formatSpan', () => {
  it('says milliseconds to a tenth under 10, whole under a second, then seconds', () => {
    expect([0, 0.04, 9.94, 25.4, 999.4, 999.6, 2160, 12_340, 3_600_000].map(formatSpan)).toEqual(['0.0 ms', '0.0 ms', '9.9 ms', '25 ms', '999 ms', '1.00 s', '2.16 s', '12.3 s', '3,600 s']);
  });
});

describe('afterPeerCloseNote', () => {
  it('says who sent how many bytes, the close as a span before the note, one byte in the singular', () => {
    expect(afterPeerCloseNote('c2s', 1500, 'FIN', 1_000_000, 1_300_000)).toBe('the client sent 1,500+ bytes after the server closed (FIN 300 ms before)');
    expect(afterPeerCloseNote('c2s', 1, 'FIN', 0, 2_500)).toBe('the client sent 1+ bytes after the server closed (FIN 2.5 ms before)');
    expect(afterPeerCloseNote('s2c', 1, 'RST', 7, 7, true)).toBe("the server's 1 byte was in flight when the client reset the connection (RST 0.0 ms before)");
    expect(afterPeerCloseNote('s2c', 6, 'FIN', 0, 4_000_000, true)).toBe("the server's 6 bytes were in flight when the client closed (FIN 4.00 s before)");
  });
});
