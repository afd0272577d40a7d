import { describe, expect, it } from 'vitest';
import { retargetPrompt } from '../../src/cli/tuiRun.js';

describe('the r prompt', () => {
  it('says how to name a listener when there are several, and fits an 80-column row with room to type', () => {
    expect(retargetPrompt(1)).toBe('new upstream host:port: ');
    expect(retargetPrompt(3)).toBe('new upstream host:port (N=host:port: listener N of 3): ');
    expect(retargetPrompt(3).length).toBeLessThan(60);
  });
});
