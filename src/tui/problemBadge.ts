/**
 * A source's problem (a damaged capture, an output that failed) as the status row keeps it once
 * its full text was said: a short badge (`damaged @874`), the full text staying on the help
 * screen's top (`?`). Pure.
 */
import { escapeText } from '../render/escape.js';
import { fitHead } from './width.js';

/** Columns a badge of a problem other than a damaged capture keeps. */
const BADGE_COLUMNS = 24;

/** The badge of `problem` (raw text), display-safe: `damaged @874` for a damaged capture, else its start cut with `ellipsis`. */
export function problemBadge(problem: string, ellipsis: string): string {
  const damaged = /damaged capture\b.*? at byte (\d[\d,]*\d|\d)/.exec(problem);
  if (damaged) return `damaged @${damaged[1]}`;
  return fitHead(escapeText(problem.split('\n')[0]), BADGE_COLUMNS, ellipsis);
}
