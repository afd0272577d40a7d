/**
 * What an empty list says when its filter matches nothing. A filter written in another tool's
 * syntax (tcpdump's `tcp port 80`, `host 10.0.0.2`, `a or b`, `not reset`; Wireshark's
 * `ip.addr==10.0.0.2`, `a && b`) parses, as words to find in the rows, and matches nothing:
 * then the line says how flowspy spells those words instead of only that nothing matched.
 */
import { stringColumns } from '../width.js';
import { splitWords } from './filter.js';

/** How flowspy spells what a word of another syntax means, and the words that ask for it. */
const SPELLINGS: readonly { readonly spelling: string; readonly means: (word: string) => boolean }[] = [
  { spelling: 'a|b for or', means: (word) => word === 'or' },
  { spelling: '!word for not', means: (word) => word === 'not' },
  { spelling: ':80 for a port', means: (word) => /^(port|portrange|tcp|udp)$/.test(word) || /^(tcp|udp)\./.test(word) },
  { spelling: '10.0.0.2 for a host', means: (word) => /^(host|net|src|dst|ip|ip6)$/.test(word) || /^(ip|ipv6)\./.test(word) },
];

/** Words of another syntax with no spelling above (`and`, `&&`, `http.host==x`): `words are ANDed` is what they get. */
const AND_WORDS = /^and$|&&|==/;

/**
 * ` no flow matches the filter (f to change it)` (`noun` `exchange`: ` no exchange matches…`);
 * when `filterText` (the filter as typed) has words of another tool's syntax (outside quotes and
 * `~text`), ` no flow matches; words are ANDed: a|b for or, :80 for a port`: the spellings its
 * words ask for, as many whole as fit `width` columns.
 */
export function noMatchText(noun: 'flow' | 'exchange', filterText: string, width: number): string {
  const split = splitWords(filterText);
  // Quoted words and `~text` are text to find, as meant; `!` is seen through.
  const words = typeof split === 'string' ? [] : split.filter((word) => !word.quoted && !word.text.startsWith('~')).map((word) => word.text.toLowerCase());
  const asked = SPELLINGS.filter(({ means }) => words.some(means)).map(({ spelling }) => spelling);
  if (asked.length === 0 && !words.some((word) => AND_WORDS.test(word))) return ` no ${noun} matches the filter (f to change it)`;
  let line = ` no ${noun} matches; words are ANDed`;
  for (const [i, spelling] of asked.entries()) {
    const more = `${i === 0 ? ':' : ','} ${spelling}`;
    if (stringColumns(line + more) > width) break;
    line += more;
  }
  return line;
}
