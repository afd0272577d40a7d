/**
 * Finding a query in display text with smart case, as less `-i` and vim `smartcase` do: a
 * query without an upper-case letter (A-Z) matches ASCII letters of either case, one with an
 * upper-case letter matches exactly. Other characters always match exactly. Pure.
 */
import { escapeText, withPlainBackslashes } from '../render/escape.js';
import { hasUpperCase } from './byteMatcher.js';

/**
 * A typed query as display text: what cannot be shown escaped (as the rows escape it), each
 * backslash kept as typed, so that `\x1b[31m` typed finds the `\x1b[31m` a row shows and `\\`
 * the `\\` it shows for a backslash. Also how the status row quotes the query, and how the flow
 * list shows a flow's summary (FlowMatcher).
 */
export function shownQuery(query: string): string {
  return withPlainBackslashes(escapeText(query));
}

/** ASCII letters in lower case, every other character kept: indexes stay the same. */
export function foldAscii(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text;
}

/** Whether `query` should ignore case by smart case (no upper-case letter). */
export function smartIgnoresCase(query: string): boolean {
  return !hasUpperCase(query);
}

/** True when `text` holds `query`, with smart case. */
export function smartIncludes(text: string, query: string): boolean {
  return smartIgnoresCase(query) ? foldAscii(text).includes(query) : text.includes(query);
}

/**
 * The non-overlapping occurrences of `needle` in `text` at or after `from`, as `[start, end)`
 * index pairs; `ignoreCase`: ASCII letters of either case (the needle must then have no upper-case letter).
 */
export function textMatches(text: string, needle: string, ignoreCase: boolean, from = 0): [number, number][] {
  const ranges: [number, number][] = [];
  if (needle === '') return ranges;
  const hay = ignoreCase ? foldAscii(text) : text;
  const wanted = ignoreCase ? foldAscii(needle) : needle;
  for (let at = hay.indexOf(wanted, from); at >= 0; at = hay.indexOf(wanted, at + wanted.length)) ranges.push([at, at + wanted.length]);
  return ranges;
}
