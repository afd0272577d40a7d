import { describe, expect, it } from 'vitest';
import { noMatchText } from '../../../src/tui/flowList/noMatchText.js';
import { parseFilter } from '../../../src/tui/flowList/filter.js';

describe('what an empty list says when the filter matches nothing', () => {
  it.each([
    ['GET or SMTP', ' no flow matches; words are ANDed: a|b for or'],
    ['not reset', ' no flow matches; words are ANDed: !word for not'],
    ['tcp port 80', ' no flow matches; words are ANDed: :80 for a port'],
    ['host 198.51.100.10', ' no flow matches; words are ANDed: 10.0.0.2 for a host'],
    ['ip.addr==198.51.100.10', ' no flow matches; words are ANDed: 10.0.0.2 for a host'],
    ['tcp.port==80', ' no flow matches; words are ANDed: :80 for a port'],
    ['GET and SMTP', ' no flow matches; words are ANDed'],
    ['GET && SMTP', ' no flow matches; words are ANDed'],
    ['http.request.method==GET', ' no flow matches; words are ANDed'],
    ['NOT reset OR Port 80', ' no flow matches; words are ANDed: a|b for or, !word for not, :80 for a port'],
    // Read as the filter reads words: `!` is seen through; a word with quotes inside is text.
    ['!host 1.2.3.4', ' no flow matches; words are ANDed: 10.0.0.2 for a host'],
    ['x"y z"or', ' no flow matches the filter (f to change it)'],
  ])('%j, which parses, says how flowspy spells it: %j', (filter, text) => {
    expect(parseFilter(filter).ok).toBe(true);
    expect(noMatchText('flow', filter, 80)).toBe(text);
  });

  it('flowspy words, quoted words and ~text say only that nothing matches', () => {
    for (const filter of ['GET', ':80 reset', '"tcp port 80"', '~or', '!~host', 'status:5xx|status:4xx'])
      expect(noMatchText('flow', filter, 80)).toBe(' no flow matches the filter (f to change it)');
    expect(noMatchText('exchange', 'GET', 80)).toBe(' no exchange matches the filter (f to change it)');
    expect(noMatchText('exchange', 'host example.com', 80)).toBe(' no exchange matches; words are ANDed: 10.0.0.2 for a host');
  });

  it('keeps the spellings that fit the row whole, in 80 columns and narrower', () => {
    const all = 'not host 10.0.0.1 or port 80';
    expect(noMatchText('flow', all, 80)).toBe(' no flow matches; words are ANDed: a|b for or, !word for not, :80 for a port');
    expect(noMatchText('flow', all, 60)).toBe(' no flow matches; words are ANDed: a|b for or, !word for not');
    expect(noMatchText('flow', all, 40)).toBe(' no flow matches; words are ANDed');
  });
});
