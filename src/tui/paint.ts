/**
 * Colours for the panes: turns already safe rows (flow list spans, conversation lines) into the
 * strings set as box content, adding only our own SGR sequences. Input text comes from
 * `render/escape` through the row and line models, so it holds no ESC or other control; the
 * sequences added here are the only ones a pane ever carries. Meaning never rests on colour
 * alone: the selected row and search matches are in inverse video, which NO_COLOR keeps.
 */
import type { Palette } from './color.js';
import type { DisplayLine } from './conversation/view.js';
import type { FlowRow, RowStyle } from './flowList/rowFormat.js';
import { stringColumns } from './width.js';

/** Foreground of each list span style; styles not listed keep the default colour. */
function spanColor(style: RowStyle, palette: Palette): string {
  switch (style) {
    case 'client':
      return palette.fg('green');
    case 'server':
      return palette.fg('cyan');
    case 'note':
      return palette.fg('red');
    case 'status.ok':
      return palette.fg('green');
    case 'status.redirect':
      return palette.fg('yellow');
    case 'status.error':
    case 'state.reset':
    case 'state.refused':
    case 'state.failed':
      return palette.fg('red');
    case 'state.open':
    case 'state.half-closed':
      return palette.fg('yellow');
    case 'state.timeout':
      return palette.fg('magenta');
    default:
      return '';
  }
}

/**
 * One flow list row: coloured spans, the selected row in inverse video (bold when `focused`)
 * from its first column to its last; the note mark bold and red in any row.
 */
export function paintRow(row: FlowRow, palette: Palette, focused: boolean): string {
  const rowAttributes = row.selected ? palette.inverse + (focused ? palette.bold : '') : '';
  let out = '';
  for (const span of row.spans) {
    if (span.style === 'note' && span.text.trim() !== '') {
      // blessed reads SGR 22 (bold off) as every attribute off (screen.js attrCode): the row's come back after it.
      out += palette.bold + spanColor(span.style, palette) + span.text + palette.reset + palette.noBold + rowAttributes;
      continue;
    }
    const color = row.selected ? '' : spanColor(span.style, palette);
    out += color === '' ? span.text : color + span.text + palette.reset;
  }
  if (!row.selected) return out;
  return rowAttributes + out + (focused ? palette.noBold : '') + palette.noInverse;
}

/**
 * A title row (list column titles, conversation title): `text` padded to `width`. Focused, bold
 * white on a blue bar (inverse without colours), so it never reads as the selected row (inverse)
 * below it; else light on a dark bar: its own foreground too, since with 8 colours the bar is
 * black, and a light theme's default text is black.
 */
export function paintTitle(text: string, width: number, focused: boolean, palette: Palette): string {
  const padded = text + ' '.repeat(Math.max(0, width - stringColumns(text)));
  if (!palette.enabled) return focused ? palette.inverse + palette.bold + padded + palette.noBold + palette.noInverse : padded;
  if (focused) return palette.bg(24) + palette.fg(231) + palette.bold + padded + palette.noBold + palette.reset;
  return palette.bg(236) + palette.fg(252) + padded + palette.reset;
}

/** Colour of a conversation line by what it is. */
function lineColor(line: DisplayLine, palette: Palette): string {
  if (line.kind === 'gap') return palette.fg('magenta');
  if (line.kind === 'note' || line.kind === 'event') return palette.fg('yellow');
  return line.side === 'client' ? palette.fg('green') : line.side === 'server' ? palette.fg('cyan') : '';
}

/**
 * One conversation row: coloured by side (client green, server cyan, events yellow, gaps
 * magenta); an alert (data after the peer closed) in bold white on red, padded to `width` so it
 * stands out as a bar; search matches in inverse video, the current one also bold and
 * underlined (attributes, not colours: they hold in tmux, on 8 or 16 colours and under NO_COLOR).
 */
export function paintLine(line: DisplayLine, width: number, palette: Palette): string {
  const text = line.highlight ? line.text + ' '.repeat(Math.max(0, width - stringColumns(line.text))) : line.text;
  let body = '';
  let at = 0;
  const current = line.current ?? [];
  for (const [from, to] of [...line.matches].sort((a, b) => a[0] - b[0])) {
    if (from < at || to <= from) continue;
    const isCurrent = current.some(([a, b]) => a === from && b === to);
    const on = palette.inverse + (isCurrent ? palette.bold + palette.underline : '');
    const off = (isCurrent ? palette.noUnderline + palette.noBold : '') + palette.noInverse;
    body += text.slice(at, from) + on + text.slice(from, to) + off;
    at = to;
  }
  body += text.slice(at);
  if (line.highlight) {
    const alert = palette.enabled ? palette.bg('red') + palette.fg('white') : palette.inverse;
    return alert + palette.bold + body + palette.noBold + (palette.enabled ? palette.reset : palette.noInverse);
  }
  const color = lineColor(line, palette);
  return color === '' ? body : color + body + palette.reset;
}
