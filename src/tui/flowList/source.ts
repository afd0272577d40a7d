/**
 * What the flow list reads from the store: a narrow view of `FlowStore` (which satisfies these
 * interfaces structurally), so the list model is tested with a fake and never imports the store.
 * The list only reads: records are the store's own objects, never copied or changed here.
 */
import { endedWithCapture, REFUSED, upstreamFailed, UPSTREAM_FAILED, type Direction, type FlowEndReason, type FlowKey, type HandshakeSeen, type Micros } from '../../core/types.js';

/** The fields of a flow record the list shows, sorts and filters on. */
export interface ListedFlow {
  readonly id: number;
  readonly key: FlowKey;
  readonly sawHandshake: boolean;
  /** Its server (a proxied flow's upstream) has not accepted the connection yet, or never did. */
  readonly connecting: boolean;
  readonly startTs: Micros;
  readonly lastTs: Micros;
  readonly bytesC2s: number;
  readonly bytesS2c: number;
  readonly closedC2s: boolean;
  readonly closedS2c: boolean;
  readonly end:
    | { readonly ts: Micros; readonly reason: FlowEndReason; readonly detail?: string | undefined; readonly handshake?: HandshakeSeen | undefined }
    | undefined;
  readonly notes: readonly unknown[];
  /** Capture gaps (bytes never seen) in either direction. */
  readonly gaps: number;
  readonly chunkCount: number;
}

/** Which flows changed since the previous `take` (the store's `ChangeCursor`). */
export interface FlowChanges {
  readonly pending: boolean;
  /** Ids added, updated or removed, each once; a removed id is no longer returned by `getFlow`. */
  take(): number[];
  close(): void;
}

/** The flow table, read live (the store's `flows`, `getFlow`, `size`, `watchChanges`). */
export interface FlowSource {
  /** Flows held, in arrival order, without copying. */
  flows(): Iterable<ListedFlow>;
  getFlow(id: number): ListedFlow | undefined;
  readonly size: number;
  /** A change reader that sees changes from now on; `onPending` is called when one is waiting. */
  watchChanges(onPending?: () => void): FlowChanges;
}

/** One entry of a flow's chunk index, as much as the list needs of it. */
export interface ListedChunk {
  readonly dir: Direction;
  readonly kind: 'data' | 'gap';
  readonly offset: number;
  readonly length: number;
}

/** Reads a flow's bytes by position (the store's `getChunk` and `read`). */
export interface ByteSource {
  /** Chunk `index` (arrival order, both directions) or undefined past the end / for a gone flow. */
  getChunk(flowId: number, index: number): ListedChunk | undefined;
  /**
   * Direction `dir`'s bytes from stream offset `offset`, at most `length`; shorter at a gap or
   * the end of what was seen. May throw (flow gone, file unreadable): callers catch.
   */
  read(flowId: number, dir: Direction, offset: number, length: number): Uint8Array;
}

/** How a flow stands, as the list shows and filters it. */
export type FlowState = 'connecting' | 'open' | 'half-open' | 'half-closed' | 'closed' | 'reset' | 'refused' | 'failed' | 'timeout';

/**
 * The state of a flow: `refused` (the server, or the proxy's upstream, answered the SYN with a
 * reset: {@link REFUSED}), `failed` (the proxy reset its client: the upstream could not be
 * reached, {@link UPSTREAM_FAILED}), `reset` (ended by RST otherwise), `timeout` (ended by the idle timeout, evicted while open, or a SYN
 * never answered), `closed` (ended by FIN or another error), `connecting` (not ended, its server,
 * a proxied flow's upstream, has not accepted yet), `half-closed` (one side sent FIN),
 * `half-open` (still open when the capture ended, its handshake never completed and no byte
 * sent), else `open` (also a flow still open when the capture ended: that end is no timeout of the flow's).
 */
export function flowState(flow: ListedFlow): FlowState {
  const end = flow.end;
  if (end !== undefined && !endedWithCapture(flow.end)) {
    if (end.reason === 'rst') return end.detail === REFUSED ? 'refused' : upstreamFailed(end) ? 'failed' : 'reset';
    if (end.reason === 'timeout' || end.reason === 'evicted') return 'timeout';
    return 'closed';
  }
  if (flow.connecting && end === undefined) return 'connecting';
  if (flow.closedC2s || flow.closedS2c) return 'half-closed';
  const handshake = end?.handshake;
  return handshake === 'syn' || handshake === 'syn-ack' ? 'half-open' : 'open';
}

/**
 * Duration of an ended flow (to its last packet when it ended by timeout, eviction or the
 * capture's end: that end says nothing of the flow), else its age at `now`; never below 0, in
 * microseconds.
 */
export function flowDuration(flow: ListedFlow, now: Micros): Micros {
  const end = flow.end;
  const until = end === undefined ? Math.max(now, flow.lastTs) : end.reason === 'timeout' || end.reason === 'evicted' ? flow.lastTs : end.ts;
  return Math.max(0, until - flow.startTs);
}

