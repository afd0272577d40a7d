/**
 * Bracketed paste (xterm mode 2004): the terminal wraps what the user pastes in `ESC [200~` and
 * `ESC [201~`, so a paste is text, not keys: pasted into a prompt it is inserted (its line ends
 * as spaces, so a second line cannot apply the prompt), elsewhere it runs no command. blessed
 * reports the markers as keys with no name (and its program drops them): {@link PasteInput} reads
 * them where its key reader emits them, and {@link PasteKeys} sorts the keys between them out.
 */

/** Turns bracketed paste on (`terminal.ts` writes it with the screen's other modes). */
export const PASTE_MODE_ON = '\x1b[?2004h';
/** Turns it off again. */
export const PASTE_MODE_OFF = '\x1b[?2004l';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
/**
 * A paste whose end marker never came is over once no key came for this long (or at an Esc typed
 * alone): long enough for a paste stalled on a slow link to go on as text.
 */
const PASTE_IDLE_MS = 2000;
/** What a paste keeps at most (a prompt's answer is a line, not a file). */
const MAX_PASTE_CHARACTERS = 16 * 1024;

/** What a key is: an ordinary key (`key`), and the text of a paste that ended before it (`pasted`). */
export interface PasteStep {
  readonly key: boolean;
  readonly pasted?: string;
}

const KEY: PasteStep = { key: true };
const TAKEN: PasteStep = { key: false };

/** Collects the keys blessed reports between the paste markers into the pasted text. */
export class PasteKeys {
  /** The text pasted so far, while a paste is open. */
  private text: string | undefined = undefined;
  private lastAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** True while a paste is open (its end marker not read yet). */
  get pasting(): boolean {
    return this.text !== undefined;
  }

  /**
   * Takes the next key blessed reports (`sequence`: the bytes it read it from, `ch`: its
   * character). A key within a paste is taken (its character kept: key false); the end marker
   * gives the pasted text, line ends and tabs as spaces.
   */
  take(sequence: string | undefined, ch: string | undefined): PasteStep {
    const at = this.now();
    const lost = this.text !== undefined && at - this.lastAt > PASTE_IDLE_MS ? this.finish() : undefined;
    this.lastAt = at;
    if (sequence === PASTE_START) {
      this.text = '';
      return { key: false, pasted: lost };
    }
    // A stray end marker is no key either.
    if (sequence === PASTE_END) return { key: false, pasted: this.text !== undefined ? this.finish() : lost };
    if (this.text === undefined) return lost === undefined ? KEY : { key: true, pasted: lost };
    // An Esc typed alone ends a paste whose end marker was lost (the way out before the idle time).
    if (sequence === '\x1b') return { key: false, pasted: this.finish() };
    // Keys made of an escape sequence (an arrow in pasted text) have no character of their own: dropped.
    if (ch !== undefined && !sequence?.startsWith('\x1b') && this.text.length < MAX_PASTE_CHARACTERS) this.text += ch;
    return TAKEN;
  }

  private finish(): string {
    const text = (this.text ?? '').replace(/\r\n|[\r\n\t]/g, ' ');
    this.text = undefined;
    return text;
  }
}

/** A key as blessed's key reader emits it on the input stream. */
interface RawKey {
  readonly name?: string;
  readonly sequence?: string;
}

/**
 * Reads pastes from the keys blessed's key reader emits on `input`, before blessed's program
 * sees them (it drops the markers, as keys it has no name for). `onPaste` gets each paste's text;
 * {@link typed} says whether the key the screen reports now was typed (not pasted).
 */
export class PasteInput {
  private readonly keys = new PasteKeys();
  private step: PasteStep = KEY;
  private readonly listener = (ch: string | undefined, key: RawKey | undefined): void => {
    // blessed emits Return once more, as Enter: one key.
    if (key?.name === 'enter' && key.sequence === '\r') return;
    this.step = this.keys.take(key?.sequence, ch);
    if (this.step.pasted !== undefined) this.onPaste(this.step.pasted);
  };

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly onPaste: (text: string) => void,
  ) {
    input.prependListener('keypress', this.listener);
  }

  /** Whether the key the screen reports now was typed, rather than part of a paste. */
  get typed(): boolean {
    return this.step.key;
  }

  /** Stops listening. */
  dispose(): void {
    this.input.removeListener('keypress', this.listener);
  }
}
