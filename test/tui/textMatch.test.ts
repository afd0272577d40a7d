import { expect, it } from 'vitest';
import { foldAscii, smartIncludes, textMatches } from '../../src/tui/textMatch.js';

it('smart case in display text: lower-case queries ignore ASCII case, others are exact', () => {
  expect(foldAscii('X-Request-Id: É')).toBe('x-request-id: É');
  expect(smartIncludes('X-Request-Id: 1', 'x-request-id')).toBe(true);
  expect(smartIncludes('X-Request-Id: 1', 'X-request-id')).toBe(false);
  expect(smartIncludes('CAFÉ', 'café')).toBe(false);
  expect(textMatches('> X-Request-Id: 1 x-request-id', 'x-request-id', true)).toEqual([
    [2, 14],
    [18, 30],
  ]);
  expect(textMatches('> X-Request-Id: 1 x-request-id', 'X-Request-Id', false)).toEqual([[2, 14]]);
  expect(textMatches('aaaa', 'a', true, 2)).toEqual([
    [2, 3],
    [3, 4],
  ]);
});
