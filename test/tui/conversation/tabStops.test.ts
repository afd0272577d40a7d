import { describe, expect, it } from 'vitest';
import { expandTabs, joinAtTabStops } from '../../../src/tui/conversation/tabStops.js';

describe('tab stops', () => {
  it('pads to the next multiple of 8 columns as shown: a wide character counts 2, an escape its width', () => {
    expect(joinAtTabStops(['a', 'b'])).toBe('a       b');
    expect(joinAtTabStops(['12345678', 'b'])).toBe('12345678        b');
    expect(joinAtTabStops(['日本', 'x'])).toBe('日本    x');
    expect(joinAtTabStops(['', '', 'x'])).toBe('                x');
  });

  it('escapes each piece between tabs, never the spaces the tabs became', () => {
    expect(expandTabs('a\tb\x1b', (piece) => piece.replace('\x1b', '\\x1b'))).toBe('a       b\\x1b');
    expect(expandTabs('no tab', (piece) => `[${piece}]`)).toBe('[no tab]');
  });
});
