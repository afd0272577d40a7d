/**
 * JSON laid out for reading, its tokens kept as sent: a value is never parsed and printed again,
 * so a 64-bit id (9007199254740993), `1e400`, `0.10000000000000001`, `-0`, a `\u00e9` escape and
 * a key given twice read as they went over the wire. Pure.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isBlank = (c: number): boolean => c === SPACE || c === TAB || c === LF || c === CR;
const isPunctuation = (c: number): boolean => c === COMMA || c === COLON || c === OPEN_BRACE || c === CLOSE_BRACE || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === QUOTE;

/** Levels indented at most: deeper ones stay at this indent (a hostile body nested 100,000 deep would otherwise make lines of quadratic total size). */
const MAX_INDENT_LEVELS = 16;

/**
 * The lines of `text`, which must be valid JSON (check with `JSON.parse` first), indented by two
 * spaces a level (up to {@link MAX_INDENT_LEVELS}) as `JSON.stringify(value, null, 2)` lays them
 * out (`"key": value`, an empty object or array as `{}` or `[]`), each string, number and
 * literal copied as it is in `text`. Their total size is linear in `text`'s.
 */
export function prettyJsonLines(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  const n = text.length;
  const breakLine = (): void => {
    lines.push(line);
    line = INDENTS[Math.min(Math.max(depth, 0), MAX_INDENT_LEVELS)];
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
    } else if (c === QUOTE) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      line += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      let j = i + 1;
      while (j < n && isBlank(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
        line += c === OPEN_BRACE ? '{}' : '[]';
        i = j + 1;
      } else {
        line += text[i];
        depth++;
        breakLine();
        i++;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      breakLine();
      line += text[i];
      i++;
    } else if (c === COMMA) {
      line += ',';
      breakLine();
      i++;
    } else if (c === COLON) {
      line += ': ';
      i++;
    } else {
      let j = i + 1;
      while (j < n && !isBlank(text.charCodeAt(j)) && !isPunctuation(text.charCodeAt(j))) j++;
      line += text.slice(i, j);
      i = j;
    }
  }
  lines.push(line);
  return lines;
}

const INDENTS = Array.from({ length: MAX_INDENT_LEVELS + 1 }, (_, level) => '  '.repeat(level));
