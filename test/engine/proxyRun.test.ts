import { describe, expect, it } from 'vitest';
import { noListener } from '../../src/engine/proxyRun.js';

describe('r naming a listener that does not exist', () => {
  it('says how many there are, singular or plural', () => {
    expect(noListener(3, 1)).toBe('no listener 3: there is 1 listener');
    expect(noListener(3, 2)).toBe('no listener 3: there are 2 listeners');
    expect(noListener(0, 2)).toBe('no listener 0: there are 2 listeners');
  });
});
