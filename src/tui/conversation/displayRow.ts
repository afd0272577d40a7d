/**
 * One row of the conversation pane, made from a row of a unit's wrapped rendering: the prefix
 * (time, side marker, or blanks on a continued row), the slice of the line's text, the search
 * matches in it, and the event rows shown when the flow cannot be read. Pure.
 */
import type { Direction } from '../../core/types.js';
import { escapeText } from '../../render/escape.js';
import { lineMatches, type Highlight } from './highlight.js';
import { markerOf, timestampColumns, timestampText, type LineKind, type Side } from './lineText.js';
import type { ConversationSettings } from './settings.js';
import type { ConversationFlow } from './source.js';
import type { WrappedUnit } from './unitCache.js';

/** One row of the pane: safe text (prefix included, at most `width` columns) and how to paint it. */
export interface DisplayLine {
  readonly side: Side;
  readonly kind: LineKind;
  readonly text: string;
  /** True for an alert line (data after the peer closed): the pane highlights it. */
  readonly highlight: boolean;
  /** True for a row that continues the previous row's line (wrapped). */
  readonly continued: boolean;
  /** Search matches to paint, as `[from, to)` indexes into `text`. */
  readonly matches: readonly (readonly [number, number])[];
  /** Those of `matches` that are the current match (the one the search moved to last): painted apart. */
  readonly current?: readonly (readonly [number, number])[];
  /** For data rows: direction and stream offset of the line's first byte. */
  readonly dir?: Direction;
  readonly offset?: number;
}

/**
 * Row `index` of `wrapped` (a unit of `flow`) as shown with `settings`, `highlight`'s matches
 * marked; `current`: the ranges of the current match by line of the unit (see currentMatches).
 */
export function displayRow(
  flow: ConversationFlow,
  wrapped: WrappedUnit,
  index: number,
  settings: ConversationSettings,
  highlight: Highlight | undefined,
  current: ReadonlyMap<number, readonly (readonly [number, number])[]> = new Map(),
): DisplayLine {
  const [lineIndex, from, to] = wrapped.rows[index];
  const line = wrapped.lines[lineIndex];
  const continued = index > 0 && wrapped.rows[index - 1][0] === lineIndex;
  const mode = settings.timestamps;
  const time = mode === 'off' ? '' : (continued ? ' '.repeat(timestampColumns(mode)) : timestampText(mode, line.ts, flow.startTs)) + ' ';
  const prefix = `${time}${continued ? " " : markerOf(line.side)} `;
  const inRow = (ranges: readonly (readonly [number, number])[]): [number, number][] => {
    const out: [number, number][] = [];
    for (const [start, end] of ranges) {
      const a = Math.max(start, from);
      const b = Math.min(end, to);
      if (a < b) out.push([prefix.length + a - from, prefix.length + b - from]);
    }
    return out;
  };
  const matches = inRow(lineMatches(line, highlight, settings.mode));
  const currentRanges = current.get(lineIndex);
  return {
    side: line.side,
    kind: line.kind,
    text: prefix + line.text.slice(from, to),
    highlight: line.kind === 'alert',
    continued,
    matches,
    ...(currentRanges ? { current: inRow(currentRanges) } : {}),
    dir: line.dir,
    offset: line.offset,
  };
}

/** The one row shown for a flow the store no longer holds. */
export function goneRow(): DisplayLine {
  return { side: 'event', kind: 'event', text: '= flow no longer held', highlight: false, continued: false, matches: [] };
}

/** The one row shown when reading a held flow failed with `error` (its message escaped). */
export function readErrorRow(error: unknown): DisplayLine {
  const message = escapeText(error instanceof Error ? error.message : String(error));
  return { side: 'event', kind: 'alert', text: `= cannot read this flow: ${message}`, highlight: true, continued: false, matches: [] };
}
