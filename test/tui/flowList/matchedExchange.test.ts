import { describe, expect, it } from 'vitest';
import type { FlowMessages } from '../../../src/messages/flowMessages.js';
import { parseFilter, type Filter } from '../../../src/tui/flowList/filter.js';
import { matchedExchange } from '../../../src/tui/flowList/matchedExchange.js';

/** A keep-alive flow: GET /a → 200, POST /api/b → 404, GET /api/c → 500; its summary names exchange `summed` (undefined: the first). */
function flowSumming(summed: number | undefined): FlowMessages {
  return {
    http: {
      exchanges: [
        ['GET', '/a', 200],
        ['POST', '/api/b', 404],
        ['GET', '/api/c', 500],
      ].map(([method, target, status], index) => ({ index, request: { method, target, headers: [] }, response: { status }, interim: [], flags: [] })),
    },
    summedExchange: () => summed,
  } as unknown as FlowMessages;
}

const FLOW = flowSumming(1);

function filterOf(text: string): Filter {
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filter;
}

const at = (text: string): number | undefined => matchedExchange(filterOf(text), FLOW);

describe('matchedExchange', () => {
  it('is the first exchange matching every message word', () => {
    expect(at('status:4xx')).toBe(1);
    expect(at('method:GET path:/api')).toBe(2);
    expect(at('status:4xx|status:5xx')).toBe(1);
    expect(at('status:200 :80')).toBe(0);
  });

  it('is the exchange the unfiltered summary names when it matches too, so a filter does not hide what went wrong', () => {
    const flagged = flowSumming(2);
    expect(matchedExchange(filterOf('path:/api'), flagged)).toBe(2);
    expect(matchedExchange(filterOf('method:GET'), flagged)).toBe(2);
    expect(matchedExchange(filterOf('method:POST'), flagged)).toBe(1);
    expect(matchedExchange(filterOf('method:GET'), flowSumming(undefined))).toBe(0);
  });

  it('is none without a positive message word, or when no one exchange matches them all', () => {
    expect(at(':80')).toBeUndefined();
    expect(at('!status:404')).toBeUndefined();
    expect(at('status:404|:80')).toBeUndefined();
    expect(at('method:POST status:500')).toBeUndefined();
    expect(matchedExchange(filterOf('status:404'), undefined)).toBeUndefined();
  });
});
