/**
 * What the conversation model reads of a flow: a narrow view of the flow store, so tests and
 * benchmarks can pass an in-memory fake. The store (`FlowStore`) satisfies it structurally.
 */
import type { Direction, FlowEndReason, FlowKey, FlowOrigin, HandshakeSeen, Micros } from '../../core/types.js';

/** One entry of a flow's chunk index (arrival order, both directions interleaved). */
export interface ConversationChunk {
  readonly dir: Direction;
  readonly kind: 'data' | 'gap';
  readonly ts: Micros;
  /** Stream offset of the first byte (or of the first missing byte, for a gap). */
  readonly offset: number;
  readonly length: number;
  /** A gap whose bytes the capture's snap length cut off (see GapEvent.notCaptured). */
  readonly notCaptured?: true;
}

/** The parts of a flow record the conversation shows. */
export interface ConversationFlow {
  readonly key?: FlowKey;
  readonly sawHandshake: boolean;
  /** Which engine made the flow (a proxy's client always completed its handshake with flowspy). */
  readonly origin?: FlowOrigin;
  /** Its server (a proxied flow's upstream) has not accepted the connection yet, or never did. */
  readonly connecting?: boolean;
  readonly startTs: Micros;
  /** Stream offset just past the last byte or gap seen, per direction. */
  readonly extentC2s: number;
  readonly extentS2c: number;
  readonly closedC2s: boolean;
  readonly closedS2c: boolean;
  /** When each side's FIN came, when known (else shown at the end), and the chunk it goes before (see `marks.ts`). */
  readonly finTsC2s?: Micros | undefined;
  readonly finTsS2c?: Micros | undefined;
  readonly finChunkC2s: number;
  readonly finChunkS2c: number;
  /** The side whose FIN came first, when known. */
  readonly firstFin?: Direction | undefined;
  readonly end:
    | { readonly ts: Micros; readonly reason: FlowEndReason; readonly detail?: string | undefined; readonly handshake?: HandshakeSeen | undefined }
    | undefined;
  /** Notes in arrival order, each with the chunk it goes before. */
  readonly notes: readonly { readonly ts: Micros; readonly text: string; readonly chunk: number }[];
  readonly chunkCount: number;
}

/**
 * Read access to flows by chunk and by stream position. Contract (as the store's): chunks of one
 * direction are in stream order and do not overlap; `chunkAt` returns the index of the chunk of
 * `dir` holding `offset` (or the first one after it), -1 past the end, in O(log n); `read`
 * returns fewer bytes than asked when a gap or the end comes first. `chunkAt` and `read` may
 * throw when the flow is no longer held: the model catches that and shows the flow as gone.
 */
export interface ConversationSource {
  getFlow(flowId: number): ConversationFlow | undefined;
  getChunk(flowId: number, index: number): ConversationChunk | undefined;
  chunkAt(flowId: number, dir: Direction, offset: number): number;
  read(flowId: number, dir: Direction, offset: number, length: number): Uint8Array;
  /**
   * Optional: as `read`, into `into[at, at + length)`, returning the bytes copied. Search uses it
   * to reuse one buffer instead of allocating a slice per read.
   */
  readInto?(flowId: number, dir: Direction, offset: number, into: Uint8Array, at: number, length: number): number;
}

/** Reads through `readInto` when the source has it (into `buffer`), else through `read`. */
export function readVia(source: ConversationSource, flowId: number, dir: Direction, offset: number, length: number, buffer: Uint8Array): Uint8Array {
  if (source.readInto && length <= buffer.length) {
    const n = source.readInto(flowId, dir, offset, buffer, 0, length);
    return buffer.subarray(0, n);
  }
  return source.read(flowId, dir, offset, length);
}

/**
 * Where readable bytes of direction `dir` resume at or after `position`, which reads none (a
 * gap or a hole): the next chunk's start, or the end of the gap chunk there; undefined when no
 * chunk is there or after.
 */
export function resumeAfterGap(source: ConversationSource, flowId: number, dir: Direction, position: number): number | undefined {
  const index = source.chunkAt(flowId, dir, position);
  const chunk = index < 0 ? undefined : source.getChunk(flowId, index);
  if (!chunk) return undefined;
  return chunk.offset > position ? chunk.offset : chunk.offset + chunk.length;
}

/** Stream extent of one direction. */
export function extentOf(flow: ConversationFlow, dir: Direction): number {
  return dir === 'c2s' ? flow.extentC2s : flow.extentS2c;
}
