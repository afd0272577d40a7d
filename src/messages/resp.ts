/**
 * Redis's RESP values as a line conversation meets them: a client's command (an array of bulk
 * strings: `*3`, `$3`, `SET`, `$3`, `key`, ...) or a server's reply (`$5` and its bytes, an array,
 * RESP3's maps, sets, pushes, doubles...) gathered into one text, much as redis-cli shows them:
 * `SET key "hello world"`, `"value"`, `(nil)`, `(integer) 3`, `1) "a" 2) "b"`. The lines that
 * open values come a line at a time; a bulk string's bytes, binary or not, are taken by count
 * ({@link RespValue.bulk}). A command's passwords (AUTH, HELLO's AUTH, CONFIG SET requirepass and
 * masterauth, ACL SETUSER's `>` rules, MIGRATE's AUTH and AUTH2) are kept as their size only:
 * `(password: 8 bytes)`. The text is built as elements come, about {@link MAX_TEXT} characters at
 * most however long the value. Pure state; never throws.
 */
import { isUtf8 } from 'node:buffer';

/** The first characters of {@link RESP_AGGREGATE} lines: those of values holding values (array, map, set, push), and of bulk strings. */
const CONTAINER_TYPES = '*%~>';
const BULK_TYPES = '$=!';
const AGGREGATE_TYPES = CONTAINER_TYPES + BULK_TYPES;
/** The first characters of {@link RESP_SIMPLE} lines. */
const SIMPLE_TYPES = ':_,#(';

/**
 * A line that opens an aggregate RESP value: an array (`*2`), a bulk string (`$5`), RESP3's map
 * (`%`), set (`~`), push (`>`), verbatim string (`=`) and blob error (`!`).
 */
export const RESP_AGGREGATE = new RegExp(`^([${AGGREGATE_TYPES}])(-?\\d{1,9})$`);

/** A reply line that redis-cli shows in words: an integer (`:3`), RESP3's null, double, boolean and big number. */
export const RESP_SIMPLE = new RegExp(`^[${SIMPLE_TYPES}]`);

/** Whether a line starting with byte `first` may open a RESP value ({@link RESP_AGGREGATE}; from the server, {@link RESP_SIMPLE} too). */
export function mayOpenRespValue(first: number, fromServer: boolean): boolean {
  const type = String.fromCharCode(first);
  return AGGREGATE_TYPES.includes(type) || (fromServer && SIMPLE_TYPES.includes(type));
}

const CR = 0x0d;
const LF = 0x0a;

/** Characters kept of a value's text (and of each array in it), and bytes of a bulk string; the rest is left out (`…`). */
const MAX_TEXT = 2048;

const NO_BYTES = new Uint8Array(0);

/** Arrays (maps, sets, pushes) open at once in one value, at most. */
const MAX_DEPTH = 32;

/** An array (or map, set, push) being read: elements left, elements read, and their text so far. */
interface OpenArray {
  left: number;
  count: number;
  text: string;
}

/** One RESP value, read from its first line on (a line {@link RESP_AGGREGATE} matches). */
export class RespValue {
  private readonly open: OpenArray[] = [];
  /** The bulk string under way: its type (`$`, `=`, `!`), its length, bytes left of it (its CRLF included; 0: none under way), its first bytes (up to MAX_TEXT). */
  private bulkType = '$';
  private bulkLength = 0;
  private bulkLeftBytes = 0;
  private bulkHead = NO_BYTES;
  private bulkHeld = 0;
  private whole: string | undefined = undefined;
  /** What the password rules look at of a command's words so far (see {@link CommandWords}). */
  private readonly said: CommandWords = { command: '', sub: '', beforeLast: '', last: '', count: 0 };

  /**
   * `first`: the value's first line; `command`: a client's command, whose top-level elements are
   * words (quoted only when they need it), where a reply's strings are always quoted. Without
   * `readStrings` (a value no one will see), strings are only counted and the text stays ''.
   */
  constructor(private readonly first: string, readonly command: boolean, private readonly readStrings = true) {
    this.start(first);
  }

  /** True once the value is whole. */
  get done(): boolean {
    return this.whole !== undefined;
  }

  /** Bytes of the bulk string under way still to come, its line end included; 0 when none is (the next bytes are a line). */
  get bulkLeft(): number {
    return this.bulkLeftBytes;
  }

  /**
   * Takes the value's next complete line (not a bulk string's bytes: see {@link bulk}). Returns
   * false when the line cannot be part of the value: the value stays unfinished and the line is
   * another's.
   */
  line(text: string): boolean {
    if (this.done || this.bulkLeftBytes > 0 || !(RESP_AGGREGATE.test(text) || RESP_SIMPLE.test(text) || /^[+-]/.test(text))) return false;
    // Arrays nested deeper than MAX_DEPTH are no reply a server sends: the value ends there, its memory bounded.
    if (this.open.length >= MAX_DEPTH && CONTAINER_TYPES.includes(text[0])) return false;
    this.start(text);
    return true;
  }

  /**
   * Takes the next bytes of the bulk string under way (at most {@link bulkLeft} of them); returns
   * how many it took: fewer when the string's line end is not CRLF, where it then ends (the bytes
   * from there are no part of it: Redis answers such a command with a protocol error).
   */
  bulk(bytes: Uint8Array): number {
    let take = Math.min(bytes.length, this.bulkLeftBytes);
    // The string's own bytes, the first MAX_TEXT of them; its CRLF is left out.
    const read = this.bulkLength + 2 - this.bulkLeftBytes;
    for (let k = Math.max(0, this.bulkLength - read); k < take; k++) {
      if (bytes[k] === (read + k === this.bulkLength ? CR : LF)) continue;
      take = k;
      this.bulkLeftBytes = take;
      break;
    }
    const keep = Math.max(0, Math.min(take, this.bulkLength - read, this.bulkHead.length - this.bulkHeld));
    this.bulkHead.set(bytes.subarray(0, keep), this.bulkHeld);
    this.bulkHeld += keep;
    this.bulkLeftBytes -= take;
    if (this.bulkLeftBytes > 0) return take;
    if (!this.readStrings) {
      this.finish('', '', this.bulkLength);
      return take;
    }
    const { shown, text } = this.bulkText();
    this.bulkHead = NO_BYTES;
    this.bulkHeld = 0;
    this.finish(shown, text, this.bulkLength);
    return take;
  }

  /** The bulk string's bytes held so far: as shown (`…` after when more of it came or will come), and as sent (one character each). */
  private bulkText(): { shown: string; text: string } {
    const held = Buffer.from(this.bulkHead.buffer, 0, this.bulkHeld);
    const utf8 = isUtf8(held);
    let text = held.toString(utf8 ? 'utf8' : 'latin1');
    // A verbatim string's format (`txt:`) is not its text.
    if (this.bulkType === '=') text = text.slice(text.indexOf(':') + 1);
    const more = this.bulkLength > held.length ? '…' : '';
    if (this.bulkType === '!') return { shown: `-${escaped(text, !utf8)}${more}`, text };
    return { shown: this.command && this.open.length === 1 ? word(text, !utf8, more) : quoted(text, !utf8, more), text };
  }

  /** `n` bytes of the bulk string under way were lost (a capture gap, less than {@link bulkLeft}): counted, not read; its text ends `…` where they began. */
  skip(n: number): void {
    this.bulkHead = this.bulkHead.subarray(0, this.bulkHeld);
    this.bulkLeftBytes -= n;
  }

  /** The value's text: whole once {@link done}, else what was read so far. */
  text(): string {
    if (this.whole !== undefined) return this.whole;
    const top = this.open[0];
    return top === undefined || top.count === 0 ? this.first : top.text;
  }

  /**
   * The value's text as far as it came: {@link text}, and the part of an element under way (a bulk
   * string's bytes so far, `…` after them; a command's password as `(password: …)`), in the
   * arrays it opens: `1) "a" 2) "hel"…`. Built anew at each call.
   */
  textSoFar(): string {
    if (this.whole !== undefined || !this.readStrings) return this.text();
    let sofar = '';
    if (this.bulkLeftBytes > 0 && this.bulkHeld > 0) {
      const { shown, text } = this.bulkText();
      const top = this.open[0];
      const secret = this.command && this.open.length === 1 ? secretOf(this.said, text, top.count + top.left) : false;
      sofar = secret === false ? shown : `${secret}(password: …)`;
    }
    for (let depth = this.open.length - 1; depth >= 0; depth--) {
      const array = this.open[depth];
      const numbered = depth === 0 && !this.command ? `${array.count + 1}) ${sofar}` : sofar;
      const element = sofar === '' ? '' : `${array.count === 0 ? '' : depth > 0 ? ', ' : ' '}${numbered}`;
      sofar = depth > 0 ? `[${array.text}${element}` : array.text + element;
    }
    return sofar === '' ? this.first : cut(sofar);
  }

  /** An element's first line: an aggregate opens, a simple value is whole at once. */
  private start(text: string): void {
    const aggregate = RESP_AGGREGATE.exec(text);
    if (!aggregate) return this.finish(simpleText(text), text.slice(1), Buffer.byteLength(text.slice(1)));
    const kind = aggregate[1];
    const n = Number(aggregate[2]);
    if (n < 0) return this.finish('(nil)', '', 0);
    if (BULK_TYPES.includes(kind)) {
      this.bulkType = kind;
      this.bulkLength = n;
      this.bulkHead = this.readStrings ? new Uint8Array(Math.min(n, MAX_TEXT)) : NO_BYTES;
      this.bulkLeftBytes = n + 2;
      return;
    }
    if (n === 0) return this.finish(this.open.length === 0 && !this.command ? '(empty array)' : '[]', '', 0);
    this.open.push({ left: kind === '%' ? 2 * n : n, count: 0, text: '' });
  }

  /**
   * An element is whole (`text` as shown; `sent`, its first bytes as sent, one character each, and
   * `bytes`, its size): it goes into its array, and the arrays it completes are closed. A
   * command's argument that is a password is shown by its size.
   */
  private finish(text: string, sent: string, bytes: number): void {
    if (!this.readStrings) return this.count();
    let done = text;
    for (;;) {
      const depth = this.open.length - 1;
      const array = this.open[depth];
      if (array === undefined) {
        this.whole = cut(done);
        return;
      }
      if (depth === 0 && this.command) {
        const said = this.said;
        const secret = secretOf(said, sent, array.count + array.left);
        if (secret !== false) done = `${secret}(password: ${bytes - secret.length} bytes)`;
        // A password, or a word too long to be a name a rule looks at, is kept as ''.
        const name = secret !== false || sent.length > 32 ? '' : sent.toUpperCase();
        if (said.count === 0) said.command = name;
        else if (said.count === 1) said.sub = name;
        said.beforeLast = said.last;
        said.last = name;
        said.count++;
      }
      array.count++;
      const separator = array.count === 1 ? '' : depth > 0 ? ', ' : ' ';
      const numbered = depth === 0 && !this.command ? `${array.count}) ${done}` : done;
      if (array.text.length < MAX_TEXT) array.text = cut(array.text + separator + numbered);
      if (--array.left > 0) return;
      this.open.pop();
      done = depth > 0 ? `[${array.text}]` : array.text;
    }
  }

  /** An element of a value whose strings are not read is whole: its arrays are counted, no text made. */
  private count(): void {
    for (;;) {
      const array = this.open[this.open.length - 1];
      if (array === undefined) {
        this.whole = '';
        return;
      }
      array.count++;
      if (--array.left > 0) return;
      this.open.pop();
    }
  }

}

/** Config parameters whose values are passwords. */
const SECRET_CONFIG = new Set(['REQUIREPASS', 'MASTERAUTH', 'TLS-KEY-FILE-PASS', 'TLS-CLIENT-KEY-FILE-PASS']);

/** A command's first two words, its last two so far, and how many: upper case, a password or a long word as ''. */
interface CommandWords {
  command: string;
  sub: string;
  beforeLast: string;
  last: string;
  count: number;
}

/**
 * Whether a command's argument `sent`, after the words `said` (of `total` words in all), is a
 * password: false when not; else what is shown before its size (`>` of an ACL rule, else nothing).
 */
function secretOf(said: CommandWords, sent: string, total: number): string | false {
  const { command, sub, beforeLast, last, count: at } = said;
  switch (command) {
    case 'AUTH':
      // AUTH password, AUTH user password: the last word; every word of an AUTH of more.
      return at >= 1 && (at === total - 1 || total > 3) ? '' : false;
    case 'HELLO':
      // HELLO 3 AUTH user password.
      return beforeLast === 'AUTH' ? '' : false;
    case 'MIGRATE':
      // MIGRATE ... AUTH password, or AUTH2 user password.
      return last === 'AUTH' || beforeLast === 'AUTH2' ? '' : false;
    case 'CONFIG':
      // CONFIG SET name value [name value ...]
      return sub === 'SET' && at >= 3 && at % 2 === 1 && SECRET_CONFIG.has(last) ? '' : false;
    case 'ACL':
      // ACL SETUSER user rule...: `>password` and `<password` add and remove one.
      return sub === 'SETUSER' && at >= 3 && (sent.startsWith('>') || sent.startsWith('<')) ? sent[0] : false;
    default:
      return false;
  }
}

/**
 * The text of a simple value's line, as redis-cli shows it: `+OK` and `-ERR ...` as sent,
 * `(integer) 3`, `(nil)`, `(double) 1.5`, `(true)`, `(big number) 123...`.
 */
function simpleText(line: string): string {
  const rest = line.slice(1);
  switch (line[0]) {
    case ':': return `(integer) ${rest}`;
    case '_': return '(nil)';
    case ',': return `(double) ${rest}`;
    case '#': return rest === 't' ? '(true)' : '(false)';
    case '(': return `(big number) ${rest}`;
    default: return line;
  }
}

/**
 * A command's word as typed at redis-cli: as it is, or quoted when it holds a space, a quote, a
 * control character or nothing (`latin1`, `more`: see {@link quoted}).
 */
function word(text: string, latin1: boolean, more: string): string {
  return /^[\x21-\x7e]+$/.test(text) && !/["'\\]/.test(text) ? text + more : quoted(text, latin1, more);
}

/**
 * `"text"` as redis-cli quotes it: `\`, `"`, line ends and tabs escaped, other controls as `\xNN`,
 * and with `latin1` (bytes that are not UTF-8, a character each) those from 0x80 too; `more`
 * (`…`) after the quote when the string was cut.
 */
function quoted(text: string, latin1: boolean, more = ''): string {
  return `"${escaped(text, latin1)}"${more}`;
}

/** {@link quoted}'s escaping, without the quotes. */
function escaped(text: string, latin1: boolean): string {
  const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  const plain = text.replace(/[\\"]/g, '\\$&').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/[\x00-\x1f\x7f]/g, hex);
  return latin1 ? plain.replace(/[\x80-\xff]/g, hex) : plain;
}

/** `text` kept to about {@link MAX_TEXT} characters, `…` after when cut (never inside an escape such as `\x00`). */
function cut(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const backslash = text.lastIndexOf('\\', MAX_TEXT - 1);
  return `${text.slice(0, backslash > MAX_TEXT - 4 ? backslash : MAX_TEXT)}…`;
}
