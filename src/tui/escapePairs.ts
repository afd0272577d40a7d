/**
 * Esc and a punctuation key read together (tmux holds Esc for its escape time, then sends both
 * at once). blessed 0.1.81's key reader (`keys.js` emitKeys) reports Esc and a letter or digit
 * as one Meta key (`M-j`), but Esc and any other character (`ESC /`, `ESC ?`, `ESC [`) as a key
 * with no name, which it never emits: both keys were lost. {@link EscapePairInput} reports such
 * a pair as the Meta key blessed would have made of it (`M-/`), in its place among the keys of
 * the read, so the app takes it as it takes `M-j`: Esc, then the key.
 */

// How blessed's key reader cuts a read into keys (its regexes, `keys.js` 101-111).
const FUNCTION_KEY = /(?:\x1b+)(O|N|\[|\[\[)(?:(\d+)(?:;(\d+))?([~^$])|(?:M([@ #!a`])(.)(.))|(?:1;)?(\d+)?([a-zA-Z]))/;
const KEY_PIECE = new RegExp(`${FUNCTION_KEY.source}|\\x1b[a-zA-Z0-9]|\\x1b.`);
/** Reads blessed drops whole, as mouse or focus reports (`keys.js` isMouse). */
const MOUSE_READ = [
  /\x1b\[M/, /\x1b\[(\d+;\d+;\d+)M/, /\x1b\[<(\d+;\d+;\d+)([mM])/, /\x1b\[<(\d+;\d+;\d+;\d+)&w/,
  /\x1b\[24([0135])~\[(\d+),(\d+)\]\r/, /\x1b\[(O|I)/,
];
/** Esc and a key blessed names on its own but drops after Esc: ASCII punctuation and Tab. */
const DROPPED_PAIR = /^\x1b([!-/:-@[-`{-~\t])$/;

/** A pair blessed drops: its key (`/`), and how many keys blessed reports before it in the read. */
export interface DroppedPair {
  readonly key: string;
  readonly after: number;
}

/** The Esc pairs in `text` (one read) that blessed's key reader drops, in order. */
export function droppedPairs(text: string): DroppedPair[] {
  if (MOUSE_READ.some((re) => re.test(text))) return [];
  const pairs: DroppedPair[] = [];
  let reported = 0;
  let rest = text;
  for (let match = KEY_PIECE.exec(rest); match; match = KEY_PIECE.exec(rest)) {
    // Every character before a sequence is a key of its own.
    reported += match.index;
    const pair = DROPPED_PAIR.exec(match[0]);
    // `ESC [` ending a read is more likely the start of an arrow key split by a slow link than Esc then `[`: left dropped.
    const splitSequence = match[0] === '\x1b[' && match.index + 2 === rest.length;
    if (pair && !splitSequence) pairs.push({ key: pair[1]!, after: reported });
    else if (!/^\x1b[^a-zA-Z0-9 \x7f\b\x1b]$/.test(match[0])) reported++;
    rest = rest.slice(match.index + match[0].length);
  }
  return pairs;
}

/** A key as blessed's key reader emits it on the input stream. */
interface RawKey {
  readonly name?: string;
  readonly sequence?: string;
}

/**
 * Reports the pairs blessed drops from `input` as Meta keys (`M-/`, `M-tab`), emitted on `input`
 * as blessed's reader emits keys, between the keys it reports from the same read.
 */
export class EscapePairInput {
  private pending: DroppedPair[] = [];
  private reported = 0;
  private emitting = false;
  private readonly beforeRead = (data: Buffer | string): void => {
    this.pending = droppedPairs(typeof data === 'string' ? data : data.toString('utf8'));
    this.reported = 0;
  };
  private readonly onKey = (_ch: string | undefined, key: RawKey | undefined): void => {
    if (this.emitting) return;
    // blessed emits Return once more, as Enter: one key.
    if (key?.name === 'enter' && key.sequence === '\r') return;
    this.emitDue(this.reported);
    this.reported++;
  };
  private readonly afterRead = (): void => this.emitDue(Infinity);

  /** Listens to `input` before blessed's key reader (and after it, for pairs that end a read). */
  constructor(private readonly input: NodeJS.ReadableStream) {
    input.prependListener('data', this.beforeRead);
    input.prependListener('keypress', this.onKey);
    input.on('data', this.afterRead);
  }

  /** Stops listening. */
  dispose(): void {
    this.input.removeListener('data', this.beforeRead);
    this.input.removeListener('keypress', this.onKey);
    this.input.removeListener('data', this.afterRead);
  }

  /** Emits the pending pairs that come after at most `reported` keys of the read. */
  private emitDue(reported: number): void {
    while (this.pending.length > 0 && this.pending[0]!.after <= reported) {
      const { key } = this.pending.shift()!;
      this.emitting = true;
      try {
        const name = key === '\t' ? 'tab' : key;
        this.input.emit('keypress', undefined, { sequence: `\x1b${key}`, name, ctrl: false, meta: true, shift: false });
      } finally {
        this.emitting = false;
      }
    }
  }
}
