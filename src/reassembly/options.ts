/**
 * The settings and counters of a {@link Reassembler}: declarations only (context.ts applies the
 * defaults; the rules that read them are in docs/reassembly.md).
 */
import type { FlowEventSink } from '../core/types.js';
import type { BufferAccount } from './segment-buffer.js';
import type { Reassembler } from './reassembler.js';

/** Options of a {@link Reassembler}. */
export interface ReassemblerOptions {
  /** Receives every event, synchronously, in order. A data event and its `bytes` are valid only during the call. */
  emit: FlowEventSink;
  /** Cap on out-of-order bytes buffered by one flow (both directions). Default 2 MiB. */
  maxBufferedBytesPerFlow?: number;
  /** Cap on out-of-order bytes buffered by all flows together. Default 64 MiB. */
  maxBufferedBytesTotal?: number;
  /** A flow without packets for longer than this ends at the next `expireIdle`. Default 10 min. */
  idleTimeoutMicros?: number;
  /** Flow id generator. Default: a counter starting at 1. */
  nextFlowId?: () => number;
  /** How long late packets of a closed flow are ignored. Default 2 min. */
  closedLingerMicros?: number;
  /** Size of the recently-closed table. Default 16384. */
  maxRecentlyClosed?: number;
  /**
   * How long (capture time) a flow stays open after a RST so that the peer's data already in
   * flight is still delivered, and after a close that crossed the client's data, for the RST
   * answering it (R11). Default 1 s; 0 ends the flow at the RST, and at the close.
   */
  rstLingerMicros?: number;
  /**
   * Cap on open flows. A new flow that would exceed it first ends the least recently active open
   * flow (to within the activity step), reason 'evicted'. Default 500 000.
   */
  maxOpenFlows?: number;
  /**
   * Bits of the flow-table hash (1..30, default 30). Only speed depends on it, never the
   * events: tests use a few bits to force long hash chains.
   */
  flowHashBits?: number;
  /**
   * False: every segment takes the general path (the events are the same; a differential test
   * holds that). Default true: segments that only continue a stream take the short path.
   */
  fastPath?: boolean;
}

/** Counters of a {@link Reassembler}; all count from 0 (only `openFlows` and `bufferedBytes` shrink). */
export interface ReassemblyStats {
  /** Flows started. */
  readonly flows: number;
  /** Flows started and not ended yet. */
  readonly openFlows: number;
  /** Segments fed. */
  readonly segments: number;
  /** Payload bytes delivered in data events. */
  readonly payloadBytes: number;
  /** Gap events emitted. */
  readonly gaps: number;
  /** Bytes covered by gap events. */
  readonly gapBytes: number;
  /** Bytes received again (retransmissions, overlaps) and ignored. */
  readonly duplicateBytes: number;
  /** Overlaps whose bytes differed from the first copy. */
  readonly overlapConflicts: number;
  /** Note events emitted. */
  readonly notes: number;
  /** TCP keep-alive probes seen. */
  readonly keepAlives: number;
  /** Bytes before a direction's offset 0 (cannot be placed), dropped. */
  readonly unplaceableBytes: number;
  /** Bytes announced by truncated segments but not captured (part of gapBytes). */
  readonly truncatedBytes: number;
  /** Segments more than 1 GiB ahead of the next expected byte, ignored. */
  readonly outOfWindowSegments: number;
  /** Segments of recently closed flows, ignored. */
  readonly lateSegments: number;
  /** Bytes a side sent after the peer's FIN or RST (by sequence). */
  readonly bytesAfterPeerClose: number;
  /** Bytes a side sent beyond its own FIN, dropped. */
  readonly bytesAfterOwnFin: number;
  /** Bytes buffered right now (payload + 64 per piece). Never above the total cap between calls. */
  readonly bufferedBytes: number;
  /** Highest `bufferedBytes` seen between calls (within a call the total may pass the cap by one segment). */
  readonly peakBufferedBytes: number;
  /** Times a buffer bound forced a skip ahead (a gap). */
  readonly bufferLimitSkips: number;
  /** Flows ended because `maxOpenFlows` was reached (reason 'evicted'; 'rst' or 'fin' when lingering after a RST or a close). */
  readonly evictedFlows: number;
  /** Segments handled whole by the fast path (part of `segments`). */
  readonly fastPathSegments: number;
}

/** The counters as the rules update them (plus the buffer account of every flow). */
export type MutableStats = { -readonly [K in keyof ReassemblyStats]: number } & BufferAccount;

/** Fresh counters, all 0. */
export function newStats(): MutableStats {
  return {
    flows: 0,
    openFlows: 0,
    segments: 0,
    payloadBytes: 0,
    gaps: 0,
    gapBytes: 0,
    duplicateBytes: 0,
    overlapConflicts: 0,
    notes: 0,
    keepAlives: 0,
    unplaceableBytes: 0,
    truncatedBytes: 0,
    outOfWindowSegments: 0,
    lateSegments: 0,
    bytesAfterPeerClose: 0,
    bytesAfterOwnFin: 0,
    bufferedBytes: 0,
    peakBufferedBytes: 0,
    bufferLimitSkips: 0,
    evictedFlows: 0,
    fastPathSegments: 0,
  };
}
