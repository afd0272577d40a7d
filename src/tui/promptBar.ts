/**
 * The one-line prompt as the status row shows it: a {@link Prompt} with what it is for, drawn
 * with its cursor as an inverse-video cell (the terminal's own cursor stays hidden). Pure.
 */
import { Prompt } from './prompt.js';
import { headFitting, stringColumns } from './width.js';

/** What the answer is used for. `quit` takes a single y/n key. */
export type PromptPurpose = 'filter' | 'search-list' | 'search-conversation' | 'write-pcap' | 'save-flow' | 'save-body' | 'retarget' | 'quit';

/** A prompt in the status row. */
export class PromptBar extends Prompt {
  /** Why the answer was not taken (escaped), shown in the hint row (beside the prompt when there is none) while the prompt stays open; undefined when none. */
  error: string | undefined = undefined;

  constructor(
    readonly purpose: PromptPurpose,
    label: string,
    /** The text the prompt opened with (the file name `w` or `b` offers). */
    readonly offered = '',
    /** Earlier answers of this prompt, oldest first, for ↑ and ↓. */
    history: readonly string[] = [],
  ) {
    super(label, offered, history);
  }

  /** The row, exactly `width` columns, with the cursor cell in inverse video (`ellipsis` where the text is cut). */
  renderRow(width: number, ellipsis = '…'): string {
    const view = this.render(width, ellipsis);
    const before = headFitting(view.line, view.cursor);
    const rest = view.line.slice(before.length);
    const under = rest === '' ? ' ' : [...rest][0];
    const after = rest.slice(under.length);
    const used = stringColumns(before) + stringColumns(under) + stringColumns(after);
    return `${before}\x1b[7m${under}\x1b[27m${after}${' '.repeat(Math.max(0, width - used))}`;
  }
}
