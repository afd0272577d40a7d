/**
 * A bounded least-recently-used map from unit to its wrapped lines, so scrolling back and forth
 * does not rebuild lines, while memory stays bounded whatever the flow's size.
 */
import type { LogicalLine } from './lineText.js';
import type { UnitLines } from './renderUnit.js';
import type { UnitKey } from './units.js';

/** A unit's logical lines and its rows: `[line index, from, to)` into that line's text. */
export interface WrappedUnit extends UnitLines {
  readonly lines: LogicalLine[];
  readonly rows: readonly (readonly [number, number, number])[];
}

/** Default number of units kept (a span is at most 8 KiB of data). */
export const DEFAULT_CACHE_UNITS = 256;

/** Cache key of a unit. */
export function unitId(unit: UnitKey): string {
  switch (unit.kind) {
    case 'chunk':
      return `c${unit.chunk}.${unit.span}`;
    case 'note':
      return `n${unit.note}`;
    default:
      return unit.kind;
  }
}

/** LRU of wrapped units; `clear` when settings or width change. */
export class UnitCache {
  private readonly entries = new Map<string, WrappedUnit>();

  constructor(readonly capacity: number = DEFAULT_CACHE_UNITS) {}

  /** Units held. */
  get size(): number {
    return this.entries.size;
  }

  /** Unit `id`'s rows, undefined when not held; a hit makes it the most recently used. */
  get(id: string): WrappedUnit | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** Holds `entry` as unit `id`, dropping the least recently used past the capacity. */
  set(id: string, entry: WrappedUnit): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Drops unit `id` (its rows changed). */
  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Drops every unit. */
  clear(): void {
    this.entries.clear();
  }
}
