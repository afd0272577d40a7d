/**
 * A source's problem (a damaged capture, an output that failed) as the status row keeps it once
 * its full text was said: a short badge (`damaged @874`), the full text staying on the help
 * screen's top (`?`). Pure.
 */
import { escapeText } from '../render/escape.js';
import { fitHead } from './width.js';

/** Columns a badge of a problem other than a damaged capture keeps. */
const BADGE_COLUMNS = 24;

/** The first line of `problem` (raw text), display-safe: what the status row says of it. */
export function problemFirstLine(problem: string): string {
  return escapeText(problem.split('\n')[0]);
}

/**
 * The badge of `problem` (raw text), display-safe: `damaged @874` for a damaged capture, `cut
 * short @4366` for one that ends inside a record, else its start cut with `ellipsis`.
 */
export function problemBadge(problem: string, ellipsis: string): string {
  const damaged = /damaged capture\b.*? at byte (\d[\d,]*\d|\d)/.exec(problem);
  if (damaged) return `damaged @${damaged[1]}`;
  const cut = /^(?:[^\n]*: )?capture\b.*? cut short at byte (\d[\d,]*\d|\d)/.exec(problem);
  if (cut) return `cut short @${cut[1]}`;
  return fitHead(problemFirstLine(problem), BADGE_COLUMNS, ellipsis);
}
