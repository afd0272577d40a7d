/**
 * A one-line prompt (filter, search, retarget) as a plain state machine: text, cursor, and
 * what a key does to them. blessed's Textbox is not used (focus and duplicate-input bugs); the
 * app feeds keys here and draws `render()` in the status row.
 *
 * Keys come from the keymap's `prompt` context (Enter applies, Esc cancels, Backspace, Del,
 * ctrl-w deletes a word, ctrl-u clears, ←/→, Home/End, ↑/↓ recall earlier answers of a prompt
 * given a history); any other key that carries a character inserts it, except C0 controls and
 * DEL. The text may hold anything else the user pasted (C1 controls, bidi overrides, `{|}`):
 * `render()` shows it only through `escapeText`, so none of it reaches the terminal raw, and
 * blessed tags must stay off in the widget that shows it.
 */
import { escapeText, MAX_MARKS_PER_BASE } from '../render/escape.js';
import { dispatch } from './keymap.js';
import { headFitting, stringColumns, tailFitting } from './width.js';

/** What a key did: the caller applies or drops the prompt on 'apply'/'cancel', redraws on 'edit'. */
export type PromptOutcome = 'apply' | 'cancel' | 'edit' | 'ignored' | 'quit';

/** The prompt as drawn: `line` fits the width given to `render`; the cursor is at column `cursor`. */
export interface PromptView {
  readonly line: string;
  readonly cursor: number;
}

/**
 * Code points enough to fill `columns` once escaped: a code point takes a column or more but
 * for marks (at most {@link MAX_MARKS_PER_BASE} after a base), plus one group so that the
 * escaping of what is seen does not depend on where the slice starts.
 */
function reach(columns: number): number {
  return (columns + 2) * (MAX_MARKS_PER_BASE + 1);
}

/** One open prompt. Owned by the app while open; `text` is the answer after 'apply'. */
export class Prompt {
  /** Code points of the answer (so the cursor never splits a surrogate pair). */
  private chars: string[];
  /** Cursor position: the number of code points before it. */
  private position: number;
  /** The history entry shown (its index), `history.length` for the text being typed. */
  private recalled: number;
  /** The text being typed, kept while an earlier answer is shown. */
  private draft = '';

  /**
   * `label` is shown before the text (e.g. `filter: `); `initial` is the text to edit;
   * `history`, the earlier answers of this prompt (oldest first), is what ↑ and ↓ recall.
   */
  constructor(
    readonly label: string,
    initial = '',
    private readonly history: readonly string[] = [],
  ) {
    this.chars = [...initial];
    this.position = this.chars.length;
    this.recalled = history.length;
  }

  /** The text typed so far. */
  get text(): string {
    return this.chars.join('');
  }

  /** The cursor as a code point index into `text`. */
  get cursor(): number {
    return this.position;
  }

  /**
   * Applies one key: `name` is blessed's `key.full`, `ch` the character it carries (if any).
   * Returns what happened; never throws.
   */
  key(name: string, ch?: string): PromptOutcome {
    switch (dispatch('prompt', name)) {
      case 'prompt.apply':
        return 'apply';
      case 'prompt.cancel':
        return 'cancel';
      case 'quit.now':
        return 'quit';
      case 'prompt.backspace':
        return this.removeAt(this.position - 1) ? (this.position--, 'edit') : 'ignored';
      case 'prompt.delete':
        return this.removeAt(this.position) ? 'edit' : 'ignored';
      case 'prompt.deleteWord':
        return this.deleteWordBefore();
      case 'prompt.clear':
        if (this.chars.length === 0) return 'ignored';
        this.chars = [];
        this.position = 0;
        return 'edit';
      case 'prompt.left':
        return this.moveTo(this.position - 1);
      case 'prompt.right':
        return this.moveTo(this.position + 1);
      case 'prompt.home':
        return this.moveTo(0);
      case 'prompt.end':
        return this.moveTo(this.chars.length);
      case 'prompt.older':
        return this.recall(-1);
      case 'prompt.newer':
        return this.recall(1);
      default:
        return ch !== undefined && this.insert(ch) ? 'edit' : 'ignored';
    }
  }

  /** ctrl-w, as in a shell: the blanks before the cursor, then the word before them. */
  private deleteWordBefore(): PromptOutcome {
    let from = this.position;
    while (from > 0 && /\s/.test(this.chars[from - 1])) from--;
    while (from > 0 && !/\s/.test(this.chars[from - 1])) from--;
    if (from === this.position) return 'ignored';
    this.chars.splice(from, this.position - from);
    this.position = from;
    return 'edit';
  }

  /**
   * Inserts `text` at the cursor (a key's character, or a paste) and moves the cursor after
   * it. C0 controls and DEL are dropped. Returns false when nothing was inserted.
   */
  insert(text: string): boolean {
    const kept = [...text].filter((ch) => {
      const cp = ch.codePointAt(0)!;
      return cp >= 0x20 && cp !== 0x7f;
    });
    if (kept.length === 0) return false;
    // blessed hands a character beyond U+FFFF (an emoji) over as two keys, one per UTF-16 half:
    // the second half joins the first, so that the cursor and Backspace take them as one.
    const before = this.position > 0 ? this.chars[this.position - 1] : '';
    if (isLowSurrogate(kept[0]) && before.length === 1 && isHighSurrogate(before)) {
      this.chars[this.position - 1] = before + kept.shift()!;
      if (kept.length === 0) return true;
    }
    this.chars.splice(this.position, 0, ...kept);
    this.position += kept.length;
    return true;
  }

  /**
   * The prompt for a row `width` columns wide: label, then the escaped text, scrolled so the
   * cursor stays visible (the text before the cursor is cut from the left when too long). Where
   * the text is cut, `ellipsis` stands in its first (or last) column.
   */
  render(width: number, ellipsis = '…'): PromptView {
    const label = headFitting(escapeText(this.label), Math.max(0, width - 1));
    // The cursor's cell, and when more than its character follows, a cell for the mark that says so.
    const room = Math.max(0, width - stringColumns(label) - (this.chars.length - this.position > 1 ? 2 : 1));
    // Only the code points that can be seen are escaped, so a long paste costs no more per key.
    const from = Math.max(0, this.position - reach(room));
    const typed = escapeText(this.chars.slice(from, this.position).join(''));
    let before = tailFitting(typed, room);
    if ((from > 0 || before.length < typed.length) && room > 1) before = ellipsis + tailFitting(typed, room - stringColumns(ellipsis));
    const cursor = stringColumns(label) + stringColumns(before);
    const rest = escapeText(this.chars.slice(this.position, this.position + reach(width - cursor)).join(''));
    let after = headFitting(rest, width - cursor);
    // The cursor's own cell is never the mark.
    if ((this.position + reach(width - cursor) < this.chars.length || after.length < rest.length) && width - cursor >= 2) {
      after = headFitting(rest, width - cursor - stringColumns(ellipsis)) + ellipsis;
    }
    return { line: label + before + after, cursor };
  }

  /**
   * Shows the history entry `step` (-1: older, 1: newer) from the one shown, skipping entries
   * equal to the text in the prompt (the draft past the newest), the cursor at its end.
   */
  private recall(step: -1 | 1): PromptOutcome {
    const entry = (index: number): string => (index === this.history.length ? this.draft : this.history[index]);
    if (this.recalled === this.history.length) this.draft = this.text;
    let index = this.recalled + step;
    while (index >= 0 && index < this.history.length && entry(index) === this.text) index += step;
    if (index < 0 || index > this.history.length) return 'ignored';
    this.recalled = index;
    this.chars = [...entry(index)];
    this.position = this.chars.length;
    return 'edit';
  }

  private removeAt(index: number): boolean {
    if (index < 0 || index >= this.chars.length) return false;
    this.chars.splice(index, 1);
    return true;
  }

  private moveTo(position: number): PromptOutcome {
    const target = Math.max(0, Math.min(position, this.chars.length));
    if (target === this.position) return 'ignored';
    this.position = target;
    return 'edit';
  }
}

function isHighSurrogate(ch: string): boolean {
  const unit = ch.charCodeAt(0);
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(ch: string): boolean {
  const unit = ch.charCodeAt(0);
  return ch.length === 1 && unit >= 0xdc00 && unit <= 0xdfff;
}
