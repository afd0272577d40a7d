/**
 * Esc and a punctuation key read together (tmux holds Esc for its escape time, then sends both
 * at once). blessed 0.1.81's key reader (`keys.js` emitKeys) reports Esc and a letter or digit
 * as one Meta key (`M-j`), but Esc and any other character (`ESC /`, `ESC ?`) as a key with no
 * name, which it never emits: both keys were lost. {@link EscapePairInput} reports a read that is
 * such a pair and nothing else as the Meta key blessed would have made of it (`M-/`), so the app
 * takes it as it takes `M-j`: Esc, then the key. A pair inside a longer read (a paste, a mouse
 * report, keys typed fast) is left to blessed and the readers that own those.
 */

/**
 * A read blessed drops whole: Esc and ASCII punctuation or Tab. Not `ESC [` (nor `ESC O`, which
 * blessed names): more likely an arrow key a slow link split after its first two bytes.
 */
const DROPPED_PAIR = /^\x1b([!-/:-@\\\]-`{-~\t])$/;

/** The key of `text` (one read) when it is an Esc pair blessed drops (`/` for `ESC /`), else undefined. */
export function droppedPair(text: string): string | undefined {
  return DROPPED_PAIR.exec(text)?.[1];
}

/** Reports the Esc pairs blessed drops from `input` as Meta keys (`M-/`, `M-tab`), emitted on `input` as blessed's reader emits keys. */
export class EscapePairInput {
  private readonly onData = (data: Buffer | string): void => {
    const key = droppedPair(typeof data === 'string' ? data : data.toString('latin1'));
    if (key === undefined) return;
    const name = key === '\t' ? 'tab' : key;
    this.input.emit('keypress', undefined, { sequence: `\x1b${key}`, name, ctrl: false, meta: true, shift: false });
  };

  constructor(private readonly input: NodeJS.ReadableStream) {
    input.on('data', this.onData);
  }

  /** Stops listening. */
  dispose(): void {
    this.input.removeListener('data', this.onData);
  }
}
