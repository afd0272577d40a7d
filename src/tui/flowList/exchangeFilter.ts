/**
 * The filter (`f`) applied to one exchange of the exchange list: message words
 * (`method:`, `status:`, `host:`, `path:`) and text words look at this exchange alone (text words
 * at its row: number, method, request, outcome); address, `:port`, `#flow`, state and `has:`
 * words at its flow; `~text` words at its flow's bytes, as the flow list's byte search found
 * them (`bytesMatch`). Pure.
 */
import type { Filter, WordTerm } from './filter.js';
import { termMatches } from './filter.js';
import { exchangeText, type ListedExchange } from './exchangeFields.js';
import { exchangeMatches as messageWordMatches } from './messageFilter.js';
import type { ListedFlow } from './source.js';

/** True when `listed` (of `flow`) matches every word of `filter` (a negated word: does not match it). */
export function exchangeMatchesFilter(filter: Filter, flow: ListedFlow, listed: ListedExchange, bytesMatch: (flowId: number) => boolean): boolean {
  let text: string | undefined;
  const rowText = (): string => (text ??= exchangeText(listed).toLowerCase());
  const matches = (term: WordTerm): boolean => {
    switch (term.kind) {
      case 'message':
        return messageWordMatches(term, listed.exchange);
      case 'text':
        return rowText().includes(term.lower);
      case 'any':
        return term.terms.some(matches);
      default:
        return termMatches(term, flow, () => '', undefined);
    }
  };
  // The byte search answers for all `~text` words of a flow together, negated ones included.
  if (filter.needles.length > 0 && !bytesMatch(flow.id)) return false;
  for (const term of filter.terms) {
    if (term.kind !== 'bytes' && matches(term) === (term.negated === true)) return false;
  }
  return true;
}

/** True when a word of `filter` reads the flow's state or marks, which change while its exchanges do not. */
export function filterReadsFlow(filter: Filter): boolean {
  const reads = (term: WordTerm): boolean => term.kind === 'state' || term.kind === 'note' || term.kind === 'gap' || term.kind === 'bytes' || (term.kind === 'any' && term.terms.some(reads));
  return filter.terms.some(reads);
}
