/**
 * Redis's RESP values as a line conversation meets them, a line at a time: a client's command (an
 * array of bulk strings: `*3`, `$3`, `SET`, `$3`, `key`, ...) or a server's reply (`$5` and its
 * bytes, an array, RESP3's maps, sets and pushes) gathered into one text, much as redis-cli shows
 * them: `SET key "hello world"`, `"value"`, `(nil)`, `1) "a" 2) "b"`. A bulk string holding a line
 * end goes on over the next lines, counted by its bytes on the wire. The text is built as elements
 * come, and kept to about {@link MAX_TEXT} characters however long the value. Pure state; never
 * throws.
 */

/** A line that starts an aggregate RESP value: an array (`*2`), a bulk string (`$5`), RESP3's map (`%`), set (`~`), push (`>`). */
export const RESP_AGGREGATE = /^([*$%~>])(-?\d{1,9})$/;

/** Characters kept of a value's text (and of each array in it); the rest is left out (`…`). */
const MAX_TEXT = 2048;

/** An array (or map, set, push) being read: elements left, elements read, and their text so far. */
interface OpenArray {
  left: number;
  count: number;
  text: string;
}

/** One RESP value, read from its first line on (a line {@link RESP_AGGREGATE} matches). */
export class RespValue {
  private readonly open: OpenArray[] = [];
  /** Bytes left of the bulk string under way, its line end included (-1: none under way). */
  private bulkLeft = -1;
  private bulkText = '';
  private whole: string | undefined = undefined;
  /** A command's words (its top-level elements) as shown, while they fit in {@link MAX_TEXT}. */
  private readonly words: string[] = [];
  private wordChars = 0;

  /**
   * `first`: the value's first line; `command`: a client's command, whose top-level elements are
   * words (quoted only when they need it), where a reply's strings are always quoted.
   */
  constructor(private readonly first: string, readonly command: boolean) {
    this.start(first);
  }

  /** True once the value is whole. */
  get done(): boolean {
    return this.whole !== undefined;
  }

  /** Which top-level element (a command's argument, from 0) the next line belongs to. */
  get argument(): number {
    return this.open.length === 0 ? 0 : this.open[0].count;
  }

  /**
   * Takes the value's next complete line (`wire`: its bytes on the wire, the line end included;
   * its text may be cut). Returns false when the line cannot be part of the value: the value
   * stays unfinished and the line is another's.
   */
  line(text: string, wire: number): boolean {
    if (this.done) return false;
    if (this.bulkLeft >= 0) {
      this.bulkLeft -= wire;
      if (this.bulkLeft > 0) {
        this.bulkText = cut(`${this.bulkText}${text}\n`);
        return true;
      }
      const value = cut(this.bulkText + text);
      this.bulkLeft = -1;
      this.bulkText = '';
      this.finish(this.command && this.open.length === 1 ? word(value) : quoted(value));
      return true;
    }
    if (RESP_AGGREGATE.test(text) || /^[+\-:_#,(!=]/.test(text)) {
      this.start(text);
      return true;
    }
    return false;
  }

  /** A command's first `count` words as {@link text} gives them (`AUTH`, for a password that follows). */
  wordsBefore(count: number): string {
    return this.words.slice(0, count).join(' ');
  }

  /** The value's text: whole once {@link done}, else what was read so far. */
  text(): string {
    if (this.whole !== undefined) return this.whole;
    const top = this.open[0];
    return top === undefined || top.count === 0 ? this.first : top.text;
  }

  /** An element's first line: an aggregate opens, a simple value is whole at once. */
  private start(text: string): void {
    const aggregate = RESP_AGGREGATE.exec(text);
    if (!aggregate) return this.finish(text);
    const n = Number(aggregate[2]);
    if (aggregate[1] === '$') {
      if (n < 0) return this.finish('(nil)');
      this.bulkLeft = n + 2;
      return;
    }
    if (n < 0) return this.finish('(nil)');
    if (n === 0) return this.finish(this.open.length === 0 && !this.command ? '(empty array)' : '[]');
    this.open.push({ left: aggregate[1] === '%' ? 2 * n : n, count: 0, text: '' });
  }

  /** An element is whole (its text `text`): it goes into its array, and the arrays it completes are closed. */
  private finish(text: string): void {
    let done = text;
    for (;;) {
      const depth = this.open.length - 1;
      const array = this.open[depth];
      if (array === undefined) {
        this.whole = cut(done);
        return;
      }
      array.count++;
      if (depth === 0 && this.command && this.wordChars <= MAX_TEXT) {
        this.words.push(done);
        this.wordChars += done.length + 1;
      }
      const separator = array.count === 1 ? '' : depth > 0 ? ', ' : ' ';
      const numbered = depth === 0 && !this.command ? `${array.count}) ${done}` : done;
      if (array.text.length < MAX_TEXT) array.text = cut(array.text + separator + numbered);
      if (--array.left > 0) return;
      this.open.pop();
      done = depth > 0 ? `[${array.text}]` : array.text;
    }
  }
}

/** A command's word as typed at redis-cli: as it is, or quoted when it holds a space, a quote, a control character or nothing. */
function word(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) && !/["'\\]/.test(text) ? text : quoted(text);
}

/** `"text"`, with `\`, `"` and line ends escaped (other controls are the view's to escape). */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/\r/g, '\\r').replace(/\n/g, '\\n')}"`;
}

/** `text` kept to {@link MAX_TEXT} characters, `…` after when cut. */
function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
