/**
 * The flow list's filter language (`f`). Words separated by spaces must all match (AND):
 * - `10.0.0.2`, `10.0`, `2001:db8::1`, `[::1]`: an address (any spelling of an IPv6 one), or its
 *   leading part up to a `.`/`:`, of either endpoint; `10.0.0.2:80`, `[::1]:80`: one endpoint
 *   exactly (see `addressWord.ts`);
 * - `:25`: either endpoint's port;
 * - `#12`, `#10-20`: the flow numbered 12 (the list's first column), flows 10 to 20;
 * - `open`, `half-closed`, `closed`, `reset`, `refused`, `failed`, `timeout`: the flow's state (see `flowState`);
 * - `has:note`, `has:gap`: flows with at least one note, with at least one capture gap;
 * - `method:POST`, `status:5xx`, `host:example.com`, `path:/api`: the flow's messages (see
 *   `messageFilter.ts`);
 * - `~text`: flows whose bytes (either direction) contain `text`, byte for byte, with smart
 *   case: without an upper-case letter (A-Z) ASCII letters match either case, else exactly;
 *   `\r`, `\n`, `\t`, `\\`, `\xNN` (and `\"`) stand for those bytes, as the conversation shows them;
 * - any other word: found, ignoring case, in the preview as the row shows it (the summary of
 *   the messages, of the exchange the message words point at when there are some; else the
 *   escaped first line); a word like
 *   `name:value` with an unknown name is refused as a likely typo (quoted, it is found as text;
 *   `port:80` is told to write `:80`); words of other tools' syntax are text (see `noMatchText.ts`).
 * `"two words"` is one word (also after `~`). `!` before a word (quoted or not) negates it:
 * `!reset`, `!:443`, `!~Cookie`; a leading `-` is text. `a|b` matches either word
 * (`:80|:443`, `status:4xx|status:5xx`, `!reset|timeout`), `~text` aside. `parseFilter` never throws: a mistake
 * gives a one-line message instead, safe to show (what the user typed in it is escaped).
 */
import type { Endpoint } from '../../core/types.js';
import { escapeText } from '../../render/escape.js';
import { looksLikeAddress, parseAddressWord, parsePort, type AddressTerm } from './addressWord.js';
import type { FlowMessages } from '../../messages/flowMessages.js';
import { smartCaseBytes, type BytePattern } from '../byteMatcher.js';
import { MAX_NEEDLES, type Needle } from './contentSearch.js';
import { messageTermMatches, parseMessageWord, type MessageTerm } from './messageFilter.js';
import { flowState, type FlowState, type ListedFlow } from './source.js';

/** One word of a parsed filter; `negated` (`!word`): a flow must not match it. */
export type FilterTerm = WordTerm & { readonly negated?: boolean };

/** A filter word without its `!`. */
export type WordTerm =
  | AddressTerm
  | { readonly kind: 'port'; readonly port: number }
  | { readonly kind: 'number'; readonly from: number; readonly to: number }
  | { readonly kind: 'state'; readonly state: FlowState }
  | { readonly kind: 'note' }
  | { readonly kind: 'gap' }
  | { readonly kind: 'bytes'; readonly pattern: BytePattern; readonly source: string }
  | { readonly kind: 'text'; readonly lower: string }
  | { readonly kind: 'any'; readonly terms: readonly WordTerm[] }
  | MessageTerm;

/** A parsed filter: `terms` all must match. `text` is the filter as typed (trimmed). */
export interface Filter {
  readonly text: string;
  /** Cheapest first: preview words (which may read the store) come last. */
  readonly terms: readonly FilterTerm[];
  /** The `~text` terms (and `!~text`): they need a byte search (see `contentSearch.ts`). */
  readonly needles: readonly Needle[];
}

/** The result of `parseFilter`: a filter, or a one-line message saying what is wrong. */
export type FilterParse = { readonly ok: true; readonly filter: Filter } | { readonly ok: false; readonly error: string };

const STATES: readonly FlowState[] = ['connecting', 'open', 'half-open', 'half-closed', 'closed', 'reset', 'refused', 'failed', 'timeout'];


/** The filter that keeps every flow. */
export const MATCH_ALL: Filter = { text: '', terms: [], needles: [] };

/** Parses a filter as typed in the prompt. An empty or blank text is {@link MATCH_ALL}. */
export function parseFilter(input: string): FilterParse {
  const words = splitWords(input);
  if (typeof words === 'string') return { ok: false, error: words };
  const terms: FilterTerm[] = [];
  for (const word of words) {
    const term = parseWord(word);
    if (typeof term === 'string') return { ok: false, error: term };
    terms.push(word.negated ? { ...term, negated: true } : term);
  }
  terms.sort((a, b) => Number(readsPreview(a)) - Number(readsPreview(b)));
  const needles = terms.flatMap((t) => (t.kind === 'bytes' ? [{ pattern: t.pattern, negated: t.negated === true }] : []));
  if (needles.length > MAX_NEEDLES) return { ok: false, error: `too many ~ words: at most ${MAX_NEEDLES}` };
  return { ok: true, filter: { text: input.trim(), terms, needles } };
}

/**
 * `filter` without its text words (those read the flow's preview): which flows the `~text`
 * search must read for the exchange list, whose text words look at each exchange's row instead.
 */
export function withoutTextWords(filter: Filter): Filter {
  return { ...filter, terms: filter.terms.filter((term) => !readsPreview(term)) };
}

/** True when a term reads the preview (the costly words, tried last). */
function readsPreview(term: WordTerm): boolean {
  return term.kind === 'text' || (term.kind === 'any' && term.terms.some(readsPreview));
}

/** A word as typed: its text (quotes removed), whether quoted, whether negated by a leading `!`. */
export interface Word {
  readonly text: string;
  readonly quoted: boolean;
  readonly negated: boolean;
}

const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\t';

/**
 * Splits on spaces, keeping `"quoted words"` (quotes removed, `\"` kept for `~`) together; a
 * `!` that starts a word (outside quotes) negates it. Returns what is wrong (a string) for a
 * misplaced `!` or an unclosed quote.
 */
export function splitWords(input: string): Word[] | string {
  const words: Word[] = [];
  let i = 0;
  while (i < input.length) {
    if (isSpace(input[i])) {
      i++;
      continue;
    }
    const negated = input[i] === '!';
    if (negated) {
      i++;
      if (input[i] === '!') return '!! is not a word: one ! negates the word after it, e.g. !reset';
      if (i === input.length || isSpace(input[i])) return '! needs a word after it, e.g. !reset !:443 !~Cookie';
    }
    let text = '';
    let quoted = false;
    while (i < input.length && input[i] !== ' ' && input[i] !== '\t') {
      if (input[i] !== '"') {
        text += input[i++];
        continue;
      }
      quoted = true;
      i++;
      let closed = false;
      while (i < input.length) {
        if (input[i] === '\\' && input[i + 1] === '"') {
          text += '\\"';
          i += 2;
        } else if (input[i] === '"') {
          closed = true;
          i++;
          break;
        } else text += input[i++];
      }
      if (!closed) return 'unterminated quote: add a closing "';
    }
    words.push({ text, quoted, negated });
  }
  return words;
}

/** Examples of the words above, for the hint row while a filter is typed. */
export const FILTER_WORDS = 'method:POST status:5xx host: path:/api ~text :port !reset has:note';

function parseWord(word: Word): WordTerm | string {
  const { text, quoted } = word;
  if (!quoted && !text.startsWith('~') && text.includes('|')) return parseAlternatives(text);
  return parseOneWord(word);
}

/** `a|b|c`: a flow matching any of the words (not `~text`: the byte search takes whole words). */
function parseAlternatives(text: string): WordTerm | string {
  const terms: WordTerm[] = [];
  for (const part of text.split('|')) {
    if (part === '') return `${escapeText(text)}: a word on each side of |, e.g. :80|:443`;
    if (part.startsWith('~')) return `${escapeText(text)}: ~text cannot be one of | words; give it its own word`;
    const term = parseOneWord({ text: part, quoted: false, negated: false });
    if (typeof term === 'string') return term;
    terms.push(term);
  }
  return { kind: 'any', terms };
}

function parseOneWord({ text, quoted }: Word): WordTerm | string {
  if (text.startsWith('~')) return parseNeedle(text.slice(1));
  const lower = text.toLowerCase();
  if (quoted) return { kind: 'text', lower };
  const message = parseMessageWord(text);
  if (message !== undefined) return message;
  if (lower.startsWith('has:')) {
    if (lower === 'has:note') return { kind: 'note' };
    if (lower === 'has:gap') return { kind: 'gap' };
    return `unknown ${escapeText(text)}: has:note or has:gap`;
  }
  const unknownField = /^([a-z][a-z-]+):/i.exec(text);
  if (unknownField?.[1].toLowerCase() === 'port') {
    // tcpdump's and Wireshark's habit: short enough to read whole in a 60-column hint row.
    return `unknown filter word port:; write the port as :${parsePort(text.slice(5)) ?? 'N'}`;
  }
  if (unknownField && !looksLikeAddress(text)) {
    // The known words, and how to search the text (quoted, the word is text); 78 columns for `foo:bar`.
    return `unknown filter word ${escapeText(unknownField[1])}: (method: status: host: path: has:; "${escapeText(text)}" is text)`;
  }
  if (STATES.includes(lower as FlowState)) return { kind: 'state', state: lower as FlowState };
  if (text.startsWith('#')) {
    const range = /^#(\d{1,9})(?:-(\d{1,9}))?$/.exec(text);
    if (!range) return `bad flow number ${escapeText(text)}: #12 or #10-20`;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) return `bad flow number ${escapeText(text)}: the smaller number first, #${to}-${from}`;
    return { kind: 'number', from, to };
  }
  if (text.startsWith(':') && !text.startsWith('::')) {
    const port = parsePort(text.slice(1));
    return port === undefined ? `bad port ${escapeText(text)}: a number 0-65535 after ':'` : { kind: 'port', port };
  }
  return parseAddressWord(text) ?? { kind: 'text', lower };
}

/** `~` text → bytes: UTF-8, with `\r \n \t \\ \" \xNN` escapes. */
function parseNeedle(source: string): WordTerm | string {
  if (source === '') return '~ needs text after it, e.g. ~HTTP/1.0 or ~"two words"';
  const bytes: number[] = [];
  const simple: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, '\\': 0x5c, '"': 0x22 };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch !== '\\') {
      const cp = source.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      continue;
    }
    const next = source[i + 1];
    if (next !== undefined && simple[next] !== undefined) {
      bytes.push(simple[next]);
      i++;
    } else if (next === 'x' && /^[0-9a-f]{2}$/i.test(source.slice(i + 2, i + 4))) {
      bytes.push(parseInt(source.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      return `bad escape in ~${escapeText(source)}: use \\r \\n \\t \\\\ \\" or \\xNN`;
    }
  }
  return { kind: 'bytes', pattern: smartCaseBytes(Uint8Array.from(bytes)), source };
}

/** Addresses are compared as the model spells them: dotted IPv4, RFC 5952 (lower case) IPv6. */
function addressMatches(addr: string, prefix: string): boolean {
  if (!addr.startsWith(prefix)) return false;
  if (addr.length === prefix.length) return true;
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last === 0x2e || last === 0x3a) return true;
  const next = addr.charCodeAt(prefix.length);
  return next === 0x2e || next === 0x3a;
}

function endpointIs(endpoint: Endpoint, addr: string, port: number): boolean {
  return endpoint.port === port && endpoint.addr === addr;
}

/** A flow's parsed messages, when the app keeps them. */
export type MessagesOf = (flowId: number) => FlowMessages | undefined;

/**
 * True when `flow` matches every term (a negated one: does not match it) except the `~text`
 * ones, negated or not (the byte search answers those). `preview` is called only when a term
 * needs the preview text; `messages` only for message words.
 */
export function matchesWithoutBytes(filter: Filter, flow: ListedFlow, preview: (flow: ListedFlow) => string, messages?: MessagesOf): boolean {
  for (const term of filter.terms) {
    if (term.kind !== 'bytes' && termMatches(term, flow, preview, messages) === (term.negated === true)) return false;
  }
  return true;
}

/**
 * True when `flow` matches one word (its `negated` mark ignored): `preview` is read only by
 * text words, `messages` only by message words; a `~text` word is true here (see above).
 */
export function termMatches(term: WordTerm, flow: ListedFlow, preview: (flow: ListedFlow) => string, messages: MessagesOf | undefined): boolean {
  const { client, server } = flow.key;
  switch (term.kind) {
    case 'address':
      return addressMatches(client.addr, term.prefix) || addressMatches(server.addr, term.prefix);
    case 'host':
      return client.addr === term.addr || server.addr === term.addr;
    case 'endpoint':
      return endpointIs(client, term.addr, term.port) || endpointIs(server, term.addr, term.port);
    case 'port':
      return client.port === term.port || server.port === term.port;
    case 'number':
      return flow.id >= term.from && flow.id <= term.to;
    case 'state':
      return flowState(flow) === term.state;
    case 'note':
      return flow.notes.length > 0;
    case 'gap':
      return flow.gaps > 0;
    case 'bytes':
      return true;
    case 'text':
      return preview(flow).toLowerCase().includes(term.lower);
    case 'message':
      return messageTermMatches(term, messages?.(flow.id));
    case 'any':
      return term.terms.some((t) => termMatches(t, flow, preview, messages));
  }
}
