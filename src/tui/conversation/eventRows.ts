/**
 * The raw modes' `=` rows for a search, with where each stands in display order: the flow's
 * start, its notes and timed FINs, its end lines (see renderUnit.ts), and each gap chunk. A place
 * is a chunk index, fractional for a note (shown just before the chunk it is anchored at), and a
 * line number telling rows at one place apart; the texts are those shown. A gap's row is tested
 * where a byte scan meets the gap (search.ts, matchCount.ts); the others are few, listed at once.
 */
import { encodeText } from '../../render/encoding.js';
import type { ByteMatcher } from '../byteMatcher.js';
import { gapText, renderUnit } from './renderUnit.js';
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
  for (let note = 0; note < order.markCount; note++) {
    const unit: UnitKey = { kind: 'note', note };
    // Rows of one unit share its place; notes at one anchor are told apart by their number.
    renderUnit(source, flowId, flow, unit, settings).lines.forEach((line) => rows.push({ unit, text: line.text, chunk: order.anchorOf(note) - 0.5, line: note }));
  }
  add(TAIL, order.chunkCount);
  return rows;
}

/** A gap chunk's row as the raw modes show it. */
export function gapRow(chunk: ConversationChunk): string {
  return gapText(chunk.length, chunk.dir === 'c2s' ? 'client' : 'server', chunk.notCaptured);
}

/** Whether `matcher`'s pattern occurs in a row's `text`, encoded as the bytes searched are (`encoding`). */
export function rowHas(matcher: ByteMatcher, text: string, settings: ConversationSettings): boolean {
  return matcher.indexOf(encodeText(text, settings.encoding)) >= 0;
}
