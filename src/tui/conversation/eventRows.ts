/**
 * The raw modes' `=` rows for a search, with where each stands in display order: the flow's
 * start, its notes and timed FINs, its end lines (see renderUnit.ts), and each gap chunk. A place
 * is a chunk index, fractional for a note (shown just before the chunk it is anchored at), and a
 * line number telling rows at one place apart; the texts are those shown. A gap's row is tested
 * where a byte scan meets the gap (search.ts, matchCount.ts); the others are few, listed at once.
 * {@link EventRowSearch} is a search's part in the rows.
 */
import { encodeText } from '../../render/encoding.js';
import type { ByteMatcher } from '../byteMatcher.js';
import type { Direction } from '../../core/types.js';
import { flowMarks } from './marks.js';
import { gapText, markLines, renderUnit } from './renderUnit.js';
import type { SearchMatch, SearchStart } from './search.js';
import type { ConversationSettings } from './settings.js';
import type { ConversationChunk, ConversationFlow, ConversationSource } from './source.js';
import { HEAD, TAIL, UnitOrder, type UnitKey } from './units.js';

/** An `=` row that is not a gap: its unit, its text, and its place (`chunk`, then `line`). */
export interface EventRow {
  readonly unit: UnitKey;
  readonly text: string;
  readonly chunk: number;
  readonly line: number;
}

/** The non-gap `=` rows of `flow` as shown with `settings`, in display order. */
export function eventRows(source: ConversationSource, flowId: number, flow: ConversationFlow, settings: ConversationSettings): EventRow[] {
  const order = new UnitOrder(source, flowId, flow, settings.filter);
  const rows: EventRow[] = [];
  const add = (unit: UnitKey, chunk: number): void => {
    renderUnit(source, flowId, flow, unit, settings).lines.forEach((line, i) => rows.push({ unit, text: line.text, chunk, line: i }));
  };
  add(HEAD, -1);
  flowMarks(flow).forEach((mark, note) => {
    const unit: UnitKey = { kind: 'note', note };
    // Rows of one unit share its place; notes at one anchor are told apart by their number.
    markLines(flow, mark).forEach((line) => rows.push({ unit, text: line.text, chunk: order.anchorOf(note) - 0.5, line: note }));
  });
  add(TAIL, order.chunkCount);
  return rows;
}

/** A gap chunk's row as the raw modes show it. */
function gapRow(chunk: ConversationChunk): string {
  return gapText(chunk.length, chunk.dir === 'c2s' ? 'client' : 'server', chunk.notCaptured);
}

/** Whether `matcher`'s pattern occurs in a row's `text`, encoded as the bytes searched are (`encoding`). */
export function rowHas(matcher: ByteMatcher, text: string, settings: ConversationSettings): boolean {
  return matcher.indexOf(encodeText(text, settings.encoding)) >= 0;
}

/**
 * One search's look at the `=` rows as shown with `settings` (a text query's: see search.ts): the
 * first event row matching from a start, and each gap row where the byte scan meets its gap. A
 * match in a row is a {@link SearchMatch} with its `unit`.
 */
export class EventRowSearch {
  constructor(
    private readonly source: ConversationSource,
    private readonly flowId: number,
    private readonly matcher: ByteMatcher,
    private readonly settings: ConversationSettings,
    readonly backward: boolean,
  ) {}

  /** The first event row (not a gap) after `start` (before it, backward) whose text matches. */
  first(flow: ConversationFlow, start: SearchStart): SearchMatch | undefined {
    const rows = eventRows(this.source, this.flowId, flow, this.settings);
    // The place to start from: a match's (a row's line too); from a chunk, the rows shown with it (the notes
    // just before it), and from the first (the last, backward) chunk, the flow's start (its end) too.
    const last = flow.chunkCount - 1;
    const [chunk, line] =
      'match' in start ? [start.match.chunk, start.match.unit ? start.match.offset : 0]
      : this.backward ? [start.chunk >= last ? Infinity : start.chunk + 0.25, 0]
      : [start.chunk <= 0 ? -Infinity : start.chunk - 0.75, 0];
    const after = (r: EventRow): boolean => r.chunk > chunk || (r.chunk === chunk && r.line > line);
    const before = (r: EventRow): boolean => r.chunk < chunk || (r.chunk === chunk && r.line < line);
    const ordered = this.backward ? rows.slice().reverse() : rows;
    const row = ordered.find((r) => (this.backward ? before(r) : after(r)) && rowHas(this.matcher, r.text, this.settings));
    return row && { dir: 'c2s', offset: row.line, length: 0, chunk: row.chunk, unit: row.unit };
  }

  /**
   * Chunk `index` as a match when it is a gap starting at `position` of direction `dir` (ending
   * there, backward: where the byte scan stands) and its row matches; else undefined.
   */
  gapAt(dir: Direction, position: number, index: number): SearchMatch | undefined {
    const chunk = index >= 0 ? this.source.getChunk(this.flowId, index) : undefined;
    if (chunk?.kind !== 'gap') return undefined;
    const at = this.backward ? chunk.offset + chunk.length : chunk.offset;
    if (at !== position || !rowHas(this.matcher, gapRow(chunk), this.settings)) return undefined;
    return { dir, offset: chunk.offset, length: 0, chunk: index, unit: { kind: 'chunk', chunk: index, span: 0 } };
  }
}
