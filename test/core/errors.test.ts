import { describe, expect, it } from 'vitest';
import { errorLine, fileErrorReason } from '../../src/core/errors.js';

describe('one-line error reports', () => {
  it('errorLine keeps the first line of a message, of an Error or anything else', () => {
    expect(errorLine(new Error('worker failed\n    at Object.<anonymous> (x.js:1:1)'))).toBe('worker failed');
    expect(errorLine('plain\nsecond')).toBe('plain');
    expect(errorLine(42)).toBe('42');
  });

  it('fileErrorReason names known codes plainly and keeps the system text of others, on one line', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(fileErrorReason(enospc)).toBe('no space left on device');
    const odd = Object.assign(new Error("EXDEV: cross-device link not permitted, rename 'a' -> 'b'\nmore"), { code: 'EXDEV' });
    expect(fileErrorReason(odd)).toBe('cross-device link not permitted');
  });
});
