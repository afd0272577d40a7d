import { describe, expect, it } from 'vitest';
import { savedMessage } from '../../src/tui/app.js';

describe('the status line after s (save)', () => {
  it('says how many files and where first, as the names are long', () => {
    expect(savedMessage(['/tmp/a-b', '/tmp/b-a', '/tmp/a-b.log'])).toBe('saved 3 files in /tmp: a-b, b-a, a-b.log');
    expect(savedMessage(['/x/a', '/y/b'])).toBe('saved 2 files: /x/a, /y/b');
    expect(savedMessage(['/tmp/a\x1b[2J'])).toBe('saved 1 file in /tmp: a\\x1b[2J');
  });
});
