/**
 * Events shown between a conversation's chunks by their time: the flow's notes and each side's
 * FIN, when the store knows when it came. A note goes before the chunks of its own time (the
 * note "data after the peer closed" comes with that data, and must be read before it); a FIN
 * goes after them (a segment carrying data and FIN shows its data first). Pure.
 */
import type { Direction, Micros } from '../../core/types.js';
import type { ConversationFlow } from './source.js';

/** One placed event: note `index` of `flow.notes`, or the FIN of direction `dir`. */
export type Mark =
  | { readonly kind: 'note'; readonly ts: Micros; readonly index: number }
  | { readonly kind: 'fin'; readonly ts: Micros; readonly dir: Direction };

/** Number of marks of `flow` (changes when a note or a timed FIN arrives). */
export function markCount(flow: ConversationFlow): number {
  return flow.notes.length + (flow.finTsC2s !== undefined ? 1 : 0) + (flow.finTsS2c !== undefined ? 1 : 0);
}

/** The marks of `flow` in display order: by time; at equal times FINs first, notes in their order. */
export function flowMarks(flow: ConversationFlow): Mark[] {
  const marks: Mark[] = flow.notes.map((note, index) => ({ kind: 'note', ts: note.ts, index }));
  const fins: Mark[] = [];
  if (flow.finTsC2s !== undefined) fins.push({ kind: 'fin', ts: flow.finTsC2s, dir: 'c2s' });
  if (flow.finTsS2c !== undefined) fins.push({ kind: 'fin', ts: flow.finTsS2c, dir: 's2c' });
  for (const fin of fins.sort((a, b) => a.ts - b.ts)) {
    let at = marks.findIndex((mark) => mark.ts >= fin.ts);
    if (at < 0) at = marks.length;
    marks.splice(at, 0, fin);
  }
  return marks;
}
