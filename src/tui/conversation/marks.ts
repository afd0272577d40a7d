/**
 * Events shown between a conversation's chunks in arrival order: the flow's notes and each side's
 * FIN, when the store knows when it came. Each goes before the chunk the store was about to index
 * when it came (whatever the capture's clock did): a note before the bytes it is about ("data
 * after the peer closed" must be read before them), a FIN after the data of its own segment. Pure.
 */
import type { Direction, Micros } from '../../core/types.js';
import type { ConversationFlow } from './source.js';

/** One placed event: note `index` of `flow.notes`, or the FIN of direction `dir`; it goes before chunk `chunk`. */
export type Mark =
  | { readonly kind: 'note'; readonly ts: Micros; readonly chunk: number; readonly index: number }
  | { readonly kind: 'fin'; readonly ts: Micros; readonly chunk: number; readonly dir: Direction };

/** What the marks are made from. */
export type MarkedFlow = Pick<ConversationFlow, 'notes' | 'finTsC2s' | 'finTsS2c' | 'finChunkC2s' | 'finChunkS2c' | 'firstFin'>;

/** Number of marks of `flow` (changes when a note or a timed FIN arrives). */
export function markCount(flow: MarkedFlow): number {
  return flow.notes.length + (flow.finTsC2s !== undefined ? 1 : 0) + (flow.finTsS2c !== undefined ? 1 : 0);
}

/**
 * The marks of `flow` in display order: by the chunk each goes before; before one chunk, the
 * notes in their order and each FIN before the first note not older than it.
 */
export function flowMarks(flow: MarkedFlow): Mark[] {
  const marks: Mark[] = flow.notes.map((note, index) => ({ kind: 'note', ts: note.ts, chunk: note.chunk, index }));
  const fins: Mark[] = [];
  if (flow.finTsC2s !== undefined) fins.push({ kind: 'fin', ts: flow.finTsC2s, chunk: flow.finChunkC2s, dir: 'c2s' });
  if (flow.finTsS2c !== undefined) fins.push({ kind: 'fin', ts: flow.finTsS2c, chunk: flow.finChunkS2c, dir: 's2c' });
  // Two FINs before one chunk: in the order they came.
  const arrived = (fin: Mark): number => (fin.kind === 'fin' && fin.dir === flow.firstFin ? 0 : 1);
  for (const fin of fins.sort((a, b) => a.chunk - b.chunk || arrived(a) - arrived(b))) {
    let at = marks.findIndex((mark) => mark.chunk > fin.chunk || (mark.chunk === fin.chunk && mark.kind === 'note' && mark.ts >= fin.ts));
    if (at < 0) at = marks.length;
    marks.splice(at, 0, fin);
  }
  return marks;
}
