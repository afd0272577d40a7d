import { describe, expect, it } from 'vitest';
import { noListener, runProxy } from '../../src/engine/proxyRun.js';

describe('r naming a listener that does not exist', () => {
  it('says how many there are, singular or plural', () => {
    expect(noListener(3, 1)).toBe('no listener 3: there is 1 listener');
    expect(noListener(3, 2)).toBe('no listener 3: there are 2 listeners');
    expect(noListener(0, 2)).toBe('no listener 0: there are 2 listeners');
  });
});

describe('two -L on one listening port', () => {
  it('are refused before anything listens (no socket is opened), naming both; a wildcard address shares every address', async () => {
    const never = new AbortController().signal;
    const run = (...forwards: string[]) => runProxy({ forwards }, () => undefined, async () => undefined, never);
    await expect(run('19080:127.0.0.1:80', '19080:127.0.0.1:81')).rejects.toThrow(
      '-L "19080:127.0.0.1:81" would listen where -L "19080:127.0.0.1:80" does (127.0.0.1:19080): give each its own port',
    );
    await expect(run('0.0.0.0:19080:h:80', '127.0.0.2:19080:h:81')).rejects.toThrow(/^-L "127\.0\.0\.2:19080:h:81" would listen where/);
    // `::` (dual-stack) takes every address, `[::0]` too.
    await expect(run('[::0]:19080:h:80', '127.0.0.1:19080:h:81')).rejects.toThrow(/would listen where/);
  });
});
