/**
 * The filter (`f`) applied to one exchange of the exchange list: message words
 * (`method:`, `status:`, `host:`, `path:`) and text words look at this exchange alone (text words
 * at its row: number, method, request, outcome); address, `:port`, `#flow`, state and `has:`
 * words at its flow; `~text` words as `bytesMatch` answers (the exchange view: the flow list's
 * byte search, then the exchange's own bytes). Pure but for a cache: a settled exchange keeps
 * its row text.
 */
import type { Filter, WordTerm } from './filter.js';
import { termMatches } from './filter.js';
import { exchangeText, type ListedExchange } from './exchangeFields.js';
import { exchangeMatches as messageWordMatches } from './messageFilter.js';
import type { ListedFlow } from './source.js';

/** An exchange as the filter reads it: once `settled` (its fields change no more), its row text is kept in `lowerText`. */
export interface FilteredExchange extends ListedExchange {
  readonly settled?: boolean;
  lowerText?: string;
}

/** True when `listed` (of `flow`) matches every word of `filter` (a negated word: does not match it). */
export function exchangeMatchesFilter(filter: Filter, flow: ListedFlow, listed: FilteredExchange, bytesMatch: (flowId: number) => boolean): boolean {
  if (filter.terms.length === 0) return true;
  // The byte search answers for all `~text` words of a flow together, negated ones included.
  if (filter.needles.length > 0 && !bytesMatch(flow.id)) return false;
  for (const term of filter.terms) {
    if (term.kind !== 'bytes' && wordMatches(term, flow, listed) === (term.negated === true)) return false;
  }
  return true;
}

function wordMatches(term: WordTerm, flow: ListedFlow, listed: FilteredExchange): boolean {
  switch (term.kind) {
    case 'message':
      return messageWordMatches(term, listed.exchange);
    case 'text':
      return rowText(listed).includes(term.lower);
    case 'any':
      return term.terms.some((part) => wordMatches(part, flow, listed));
    default:
      return termMatches(term, flow, () => '', undefined);
  }
}

function rowText(listed: FilteredExchange): string {
  if (listed.lowerText !== undefined) return listed.lowerText;
  const text = exchangeText(listed).toLowerCase();
  if (listed.settled === true) listed.lowerText = text;
  return text;
}

/** True when a word of `filter` reads the flow's state or marks, which change while its exchanges do not. */
export function filterReadsFlow(filter: Filter): boolean {
  const reads = (term: WordTerm): boolean => term.kind === 'state' || term.kind === 'note' || term.kind === 'gap' || term.kind === 'bytes' || (term.kind === 'any' && term.terms.some(reads));
  return filter.terms.some(reads);
}

/**
 * The answers of `filter`'s words that read the flow's state or marks, and of its `~text` words,
 * as one string: a settled exchange's answer to `filter` changes only when its flow's does.
 */
export function flowAnswer(filter: Filter, flow: ListedFlow, bytesMatch: (flowId: number) => boolean): string {
  let answer = filter.needles.length > 0 && bytesMatch(flow.id) ? '1' : '0';
  const add = (term: WordTerm): void => {
    if (term.kind === 'any') term.terms.forEach(add);
    else if (term.kind === 'state' || term.kind === 'note' || term.kind === 'gap') answer += termMatches(term, flow, () => '', undefined) ? '1' : '0';
  };
  filter.terms.forEach(add);
  return answer;
}
