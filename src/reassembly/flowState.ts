/**
 * The state of one open flow and of its two directions (R19: only the hot state is made with
 * the flow; buffers, each direction's rare state and the RST state are made when first needed).
 * Plain data: the rules that change it are the modules reassembler.ts lists (its header), and
 * flowTable.ts.
 */
import { DOUBLE_ZERO } from '../core/fields.js';
import { seqAdd, seqDiff } from '../core/seq.js';
import type { Direction, FlowKey, Micros } from '../core/types.js';
import { SegmentBuffer, type BufferAccount } from './segment-buffer.js';

/** Why the peer's side is considered closed, for the "data after close" note. */
export interface PeerClose {
  readonly kind: 'FIN' | 'RST';
  readonly ackSeq: number;
  readonly hasAck: boolean;
  readonly ts: Micros;
  /** The acknowledgement number from which a segment of the other side shows it had the FIN (its sequence number + 1; unused for a RST). */
  readonly seenFrom: number;
}

/**
 * What a direction needs only on unusual traffic: the notes on bytes sent after a close (its own
 * FIN, the peer's FIN or RST), a tentative offset 0 (R3), a pending R7, a gap, an overlap
 * conflict. Most flows never need it: a direction makes it on first use.
 */
export class RareState {
  // Behind the direction's accessors of the same names (documented there).
  peerCloseOffset = -1;
  ackLossArmedAt = -1;
  lastGapEnd = 0;
  tentativeUntil = -1;
  conflictNotes = 0;
  // The close notes (closeNotes.ts).
  peerClose: PeerClose | null = null;
  /** Highest end already counted in bytesAfterPeerClose. */
  afterPeerCloseCounted = 0;
  notedAfterPeerClose = false;
  /** Bytes in flight when the peer closed are noted apart: the side may go on sending once it knows. */
  notedInFlight = false;
  /** The peer's RST when its FIN came first (else the RST is `peerClose`), for its own note. */
  peerReset: PeerClose | null = null;
  /** Offset from which bytes count as sent after that RST, or -1 (none, or unknown yet). */
  peerResetOffset = -1;
  notedAfterPeerReset = false;
  afterOwnFinCounted = 0;
  notedAfterOwnFin = false;
  /** True once the note on bytes before offset 0 was emitted. */
  notedBeforeStart = false;
}

/** Bits of {@link DirectionState}'s `marks`. */
const STARTED = 1;
const SYN_SEEN = 2;
const HALF_CLOSED = 4;

/** The rare part's starting values, read while a direction has none (never written). */
const NO_RARE: Readonly<RareState> = new RareState();

/** The one empty buffer every direction holds until it must buffer (never inserted into). */
const EMPTY_BUFFER = new SegmentBuffer({ bufferedBytes: 0 }, { bufferedBytes: 0 });

/**
 * State of one direction of a flow. The fields of {@link RareState} read as fields of the
 * direction (their initial value while it has none); writing one other than its initial value
 * makes the direction's rare state. The flags `started`, `synSeen` and `halfClosed` are bits
 * of one field.
 */
export class DirectionState {
  // Field initializers run in this order after `dir`: the fields read for every segment first,
  // so that they share the object's first cache lines.
  /** Next stream offset to deliver: everything before it was delivered or declared lost. */
  nextOffset = 0;
  /**
   * Sequence number of `nextOffset`, as a signed 32-bit integer (`seq | 0`): a small integer,
   * held in the object, where one above 2^31 would be a number boxed apart. The sequence
   * arithmetic (mod 2^32) gives the same results with either.
   */
  nextSeq = 0;
  /** The flags, as bits: {@link STARTED}, {@link SYN_SEEN}, {@link HALF_CLOSED}. */
  private marks = 0;
  /** Stream offset of the FIN, or -1. */
  finOffset = -1;
  /** Highest offset of this direction the peer acknowledged, or -1. */
  peerAckOffset = -1;
  /** Highest stream end accepted (delivered or buffered). */
  maxEnd = 0;
  /** Out-of-order pieces; the shared empty buffer until something must wait (see {@link bufferFor}). */
  buffer: SegmentBuffer = EMPTY_BUFFER;
  /** What only unusual traffic needs, made on first use (see {@link rareState}). */
  rare: RareState | null = null;

  constructor(readonly dir: Direction) {
    // Written twice on purpose (see Flow's touchedAt): V8 treats a field no object has rewritten
    // yet as a constant, and the first rare state made (seconds into a capture) then deoptimised
    // the per-segment fast path, which reads this field.
    this.rare = null;
  }

  /** This direction's rare state, made on first use. */
  rareState(): RareState {
    return (this.rare ??= new RareState());
  }

  /** True once offset 0 is fixed. */
  get started(): boolean {
    return (this.marks & STARTED) !== 0;
  }

  /** True once a SYN of this direction was seen. */
  get synSeen(): boolean {
    return (this.marks & SYN_SEEN) !== 0;
  }

  /** Notes that a SYN of this direction was seen. */
  sawSyn(): void {
    this.marks |= SYN_SEEN;
  }

  /** True once the half-close (every byte up to the FIN delivered) was emitted. */
  get halfClosed(): boolean {
    return (this.marks & HALF_CLOSED) !== 0;
  }

  /** Notes that the half-close was emitted. */
  closeHalf(): void {
    this.marks |= HALF_CLOSED;
  }

  /** Offset from which bytes count as sent after the peer closed, or -1 (unknown yet). */
  get peerCloseOffset(): number {
    return (this.rare ?? NO_RARE).peerCloseOffset;
  }

  set peerCloseOffset(offset: number) {
    if (this.rare !== null || offset !== NO_RARE.peerCloseOffset) this.rareState().peerCloseOffset = offset;
  }

  /** Flow segment count when an ack beyond the hole start was seen (R7 pending), or -1. */
  get ackLossArmedAt(): number {
    return (this.rare ?? NO_RARE).ackLossArmedAt;
  }

  set ackLossArmedAt(segments: number) {
    if (this.rare !== null || segments !== NO_RARE.ackLossArmedAt) this.rareState().ackLossArmedAt = segments;
  }

  /** End of the last gap emitted (0 before any). */
  get lastGapEnd(): number {
    return (this.rare ?? NO_RARE).lastGapEnd;
  }

  set lastGapEnd(offset: number) {
    if (this.rare !== null || offset !== NO_RARE.lastGapEnd) this.rareState().lastGapEnd = offset;
  }

  /**
   * While offset 0 is only the lowest sequence number seen so far (mid-stream start, R3): the
   * flow's segment count at which the reorder window ends; -1 once the start is known.
   * Nothing is delivered before that; an earlier segment moves offset 0 back.
   */
  get tentativeUntil(): number {
    return (this.rare ?? NO_RARE).tentativeUntil;
  }

  set tentativeUntil(segments: number) {
    if (this.rare !== null || segments !== NO_RARE.tentativeUntil) this.rareState().tentativeUntil = segments;
  }

  /** Overlap conflicts noted so far. */
  get conflictNotes(): number {
    return (this.rare ?? NO_RARE).conflictNotes;
  }

  set conflictNotes(count: number) {
    if (this.rare !== null || count !== NO_RARE.conflictNotes) this.rareState().conflictNotes = count;
  }

  /** The buffer to insert into: a private one (charged to `account` and `flow`) instead of the shared empty one. */
  bufferFor(account: BufferAccount, flow: BufferAccount): SegmentBuffer {
    if (this.buffer === EMPTY_BUFFER) this.buffer = new SegmentBuffer(account, flow);
    return this.buffer;
  }

  /** Drops an emptied private buffer (the direction holds the shared empty one again). */
  releaseEmptyBuffer(): void {
    this.buffer = EMPTY_BUFFER;
  }

  /**
   * The SYN's sequence number, when `synSeen`: offset 0 is always ISN+1 then (a SYN whose ISN+1
   * is not offset 0 of a started direction starts a new flow), so it is not stored.
   */
  get isn(): number {
    return seqAdd(this.nextSeq, -this.nextOffset - 1);
  }

  /** Stream offset of sequence number `seq` (valid within 2^31 of the next expected one). */
  offsetOf(seq: number): number {
    return this.nextOffset + seqDiff(seq, this.nextSeq);
  }

  /** Moves the next offset (and its sequence number) `length` bytes on; returns the offset it was. */
  advance(length: number): number {
    const offset = this.nextOffset;
    this.nextOffset = offset + length;
    this.nextSeq = (this.nextSeq + length) | 0;
    return offset;
  }

  /** Fixes offset 0 at sequence number `seq`. */
  start(seq: number): void {
    this.marks |= STARTED;
    this.nextOffset = 0;
    this.nextSeq = seq | 0;
  }
}

/**
 * One open flow. The fields read for every segment (the 4-tuple, the buffered total) are in the
 * flow itself: objects reached through it are cache misses on a big capture.
 */
export class Flow implements BufferAccount {
  // Fields are laid out in the order the constructor assigns them: those read for every segment
  // first, so that they share the object's first cache lines.
  readonly id: number;
  /** The flow's 4-tuple and VLAN (its FlowKey went out in flow-start), for matching segments. */
  readonly clientAddr: string;
  readonly clientPort: number;
  readonly serverAddr: string;
  readonly serverPort: number;
  readonly vlan: number | undefined;
  /** Bytes buffered by both directions (payload + per-piece overhead). */
  bufferedBytes: number;
  readonly c2s: DirectionState;
  readonly s2c: DirectionState;
  /**
   * Reassembler clock when the flow last moved to the newest end of the activity list:
   * `touchedAt <= lastActive < touchedAt + activityStep`, and non-decreasing along the list.
   */
  touchedAt: Micros;
  /** Capture time of the flow's last packet. */
  lastSeen: Micros;
  /** Reassembler clock at the last packet of the flow. */
  lastActive: Micros;
  /** Segments of this flow fed so far. */
  segments: number;
  ended: boolean;
  readonly hash: number;
  /**
   * Capture time of the flow's first packet when the flow began without a SYN (its roles
   * guessed, R2); null when it began with one (no time is kept then: a scan has many flows).
   */
  readonly guessedStart: Micros | null;
  /** The first RST of the flow, or null (no RST yet). */
  reset: ResetState | null;
  /** Both sides closed after the client sent bytes past the server's FIN: waiting for its RST or final ACK (R11), or null. */
  closing: LingerState | null;
  /** Neighbours in the activity list (oldest first), or null at its ends. */
  older: Flow | null;
  newer: Flow | null;
  /** Next flow with the same {@link flowHash} in the flow table, or null. */
  hashNext: Flow | null;

  constructor(
    id: number,
    key: FlowKey,
    hash: number,
    handshake: boolean,
    ts: Micros,
    clock: Micros,
  ) {
    this.id = id;
    this.clientAddr = key.client.addr;
    this.clientPort = key.client.port;
    this.serverAddr = key.server.addr;
    this.serverPort = key.server.port;
    this.vlan = key.vlan;
    this.bufferedBytes = 0;
    this.c2s = new DirectionState('c2s');
    this.s2c = new DirectionState('s2c');
    // Written twice on purpose: V8 treats a field that no object has rewritten yet as a constant,
    // and the first touch() (seconds into a capture) then deoptimised the functions that create
    // flows and the per-segment fast path. Rewriting it here makes it a variable from the first flow.
    this.touchedAt = DOUBLE_ZERO;
    this.touchedAt = clock;
    this.lastSeen = ts;
    this.lastActive = clock;
    this.segments = 0;
    this.ended = false;
    this.hash = hash;
    this.guessedStart = handshake ? null : ts;
    this.reset = null;
    this.closing = null;
    this.older = null;
    this.newer = null;
    this.hashNext = null;
  }

  /** True when the flow began with a SYN (its roles known). */
  get handshake(): boolean {
    return this.guessedStart === null;
  }
}

/** A flow waiting before it ends (R11, R12): the reassembler clock after which it ends, if still open. */
export interface LingerState {
  readonly lingerDeadline: Micros;
}

/** The first RST of a flow. */
export interface ResetState extends LingerState {
  /** The direction whose sender reset the flow. */
  readonly by: DirectionState;
  /** Capture time of the RST. */
  readonly ts: Micros;
}
