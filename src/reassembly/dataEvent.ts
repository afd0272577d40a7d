/**
 * The data event the reassembler emits: `bytes` is made when read, not when emitted.
 */
import { byteRange } from '../core/packet.js';
import type { DataEvent, Direction, Micros } from '../core/types.js';

/**
 * A {@link DataEvent} over `length` bytes of `source` from index `sourceStart`. Reading `bytes`
 * makes a view of them (the source itself when the event covers all of it); a consumer that
 * needs only `length` and `fileOffset` (the store, loading a file) never makes one. The view is
 * made afresh on each read: read it once. Valid, like any DataEvent, only during the call: the
 * reassembler passes one object for all its data events, {@link refill}ed for each (allocating one
 * per segment cost 7 of the 17 young-generation collections of the bench capture's model load).
 */
export class CapturedDataEvent implements DataEvent {
  readonly type = 'data';
  flowId!: number;
  dir!: Direction;
  offset!: number;
  length!: number;
  ts!: Micros;
  fileOffset!: number;
  #source!: Uint8Array;
  #sourceStart!: number;

  constructor(
    flowId: number,
    dir: Direction,
    offset: number,
    length: number,
    ts: Micros,
    fileOffset: number,
    source: Uint8Array,
    sourceStart: number,
  ) {
    this.refill(flowId, dir, offset, length, ts, fileOffset, source, sourceStart);
  }

  /** Makes this the event the constructor would make of the same arguments, and returns it. */
  refill(
    flowId: number,
    dir: Direction,
    offset: number,
    length: number,
    ts: Micros,
    fileOffset: number,
    source: Uint8Array,
    sourceStart: number,
  ): this {
    this.flowId = flowId;
    this.dir = dir;
    this.offset = offset;
    this.length = length;
    this.ts = ts;
    this.fileOffset = fileOffset;
    this.#source = source;
    this.#sourceStart = sourceStart;
    return this;
  }

  get bytes(): Uint8Array {
    return byteRange(this.#source, this.#sourceStart, this.length);
  }
}
