/**
 * The HTTP exchange a filter's message words point at in a flow: the one the flow's summary names
 * unfiltered (its first flagged or failed exchange, else its first) when it matches every message
 * word of the filter (`status:4xx path:/api`; a `status:4xx|status:5xx` word, one of its parts),
 * else the first that does, so the row can say why the flow matched (without hiding what went
 * wrong: `host:shop` keeps `! #2 GET … → after-close`) and Enter can open the flow there. Negated
 * words say what a flow lacks and point at nothing, nor does an `a|b` word with a part of
 * another kind (`status:404|:8080`). Pure.
 */
import type { FlowMessages } from '../../messages/flowMessages.js';
import type { HttpExchange } from '../../messages/types.js';
import type { Filter, FilterTerm } from './filter.js';
import { exchangeMatches } from './messageFilter.js';

/** The position of that exchange in `messages.http.exchanges`; undefined when the filter has no such word or no exchange matches them all. */
export function matchedExchange(filter: Filter, messages: FlowMessages | undefined): number | undefined {
  const words = filter.terms.filter(pointsAtExchange);
  const exchanges = messages?.http?.exchanges;
  if (words.length === 0 || exchanges === undefined) return undefined;
  const matches = (exchange: HttpExchange | undefined): boolean => exchange !== undefined && words.every((word) => wordMatches(word, exchange));
  const summed = messages!.summedExchange() ?? 0;
  if (matches(exchanges[summed])) return summed;
  const at = exchanges.findIndex(matches);
  return at < 0 ? undefined : at;
}

function pointsAtExchange(term: FilterTerm): boolean {
  if (term.negated === true) return false;
  return term.kind === 'message' || (term.kind === 'any' && term.terms.every((part) => part.kind === 'message'));
}

function wordMatches(term: FilterTerm, exchange: HttpExchange): boolean {
  if (term.kind === 'message') return exchangeMatches(term, exchange);
  return term.kind === 'any' && term.terms.some((part) => part.kind === 'message' && exchangeMatches(part, exchange));
}
