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
  const c2s: Mark | undefined = flow.finTsC2s === undefined ? undefined : { kind: 'fin', ts: flow.finTsC2s, chunk: flow.finChunkC2s, dir: 'c2s' };
  const s2c: Mark | undefined = flow.finTsS2c === undefined ? undefined : { kind: 'fin', ts: flow.finTsS2c, chunk: flow.finChunkS2c, dir: 's2c' };
  // Two FINs before one chunk: in the order they came. (Plain code: a replay asks once per flow.)
  const serverFirst = c2s !== undefined && s2c !== undefined && (s2c.chunk < c2s.chunk || (s2c.chunk === c2s.chunk && flow.firstFin === 's2c'));
  const fins: Mark[] = serverFirst ? [s2c!, c2s!] : c2s && s2c ? [c2s, s2c] : c2s ? [c2s] : s2c ? [s2c] : [];
  if (flow.notes.length === 0) return fins;
  const marks: Mark[] = flow.notes.map((note, index) => ({ kind: 'note', ts: note.ts, chunk: note.chunk, index }));
  for (const fin of fins) {
    let at = marks.findIndex((mark) => mark.chunk > fin.chunk || (mark.chunk === fin.chunk && mark.kind === 'note' && mark.ts >= fin.ts));
    if (at < 0) at = marks.length;
    marks.splice(at, 0, fin);
  }
  return marks;
}
