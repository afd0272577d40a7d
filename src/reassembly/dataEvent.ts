/**
 * The data event the reassembler emits: `bytes` is made when read, not when emitted.
 */
import { byteRange } from '../core/packet.js';
import type { DataEvent, Direction, Micros } from '../core/types.js';

/**
 * A {@link DataEvent} over `length` bytes of `source` from index `sourceStart`. Reading `bytes`
 * makes a view of them (the source itself when the event covers all of it); a consumer that
 * needs only `length` and `fileOffset` (the store, loading a file) never makes one. The view is
 * made afresh on each read: read it once. Valid, like any DataEvent's bytes, only during the call.
 */
export class CapturedDataEvent implements DataEvent {
  readonly type = 'data';
  readonly #source: Uint8Array;
  readonly #sourceStart: number;

  constructor(
    readonly flowId: number,
    readonly dir: Direction,
    readonly offset: number,
    readonly length: number,
    readonly ts: Micros,
    readonly fileOffset: number,
    source: Uint8Array,
    sourceStart: number,
  ) {
    this.#source = source;
    this.#sourceStart = sourceStart;
  }

  get bytes(): Uint8Array {
    return byteRange(this.#source, this.#sourceStart, this.length);
  }
}
