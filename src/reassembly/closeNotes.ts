/**
 * Close notes (R3, R11, R13): bytes a side sent beyond its own FIN, after its peer's RST, the
 * client's after the server's FIN, or before its stream's offset 0 are counted, and noted once
 * per direction. Keeps its state in
 * each direction's `RareState` (made on first use); emits notes through the callback given.
 */
import { countOf, formatCount } from '../core/count.js';
import { afterPeerCloseNote } from '../core/clock.js';
import { seqLt } from '../core/seq.js';
import { roleName, type Micros } from '../core/types.js';
import { TCP_ACK, type TcpSegment } from '../decode/types.js';
import { type DirectionState, type Flow, type PeerClose } from './flowState.js';

/**
 * True when `segment` was sent before its sender had `close`: the two crossed in flight. For a
 * FIN its acknowledgement tells; bytes after a RST always crossed it (a stack that had the RST
 * sends nothing more, and a RST is never acknowledged).
 */
function crossed(segment: TcpSegment, close: PeerClose | null): boolean {
  if (close === null) return false;
  return close.kind === 'RST' || ((segment.flags & TCP_ACK) !== 0 && seqLt(segment.ack, close.seenFrom));
}

/** Counters the close notes add to (the reassembler's stats). */
export interface CloseNoteCounters {
  bytesAfterPeerClose: number;
  bytesAfterOwnFin: number;
}

/**
 * Bytes of d seen at or after `offset`: buffered ones, plus delivered ones after the last gap
 * (an undercount when a gap lies beyond `offset`, never an overcount).
 */
export function bytesSeenFrom(d: DirectionState, offset: number): number {
  return d.buffer.bytesFrom(offset) + Math.max(0, d.nextOffset - Math.max(offset, d.lastGapEnd));
}

/** TCP's half-close: the server's bytes after the client's FIN (a reply to a request the FIN ended) are neither counted nor noted. */
function isHalfCloseReply(d: DirectionState, peerClose: { readonly kind: string } | null | undefined): boolean {
  return d.dir === 's2c' && peerClose?.kind === 'FIN';
}

/**
 * Whether bytes of d ending at stream offset `end` meet a rule of
 * {@link CloseNoteRules.clipAtCloses}: they go past d's own FIN, or came after its peer closed
 * and are counted (R13) or meet the peer's RST. The server's bytes after the client's FIN alone
 * meet none (TCP's half-close): they need no close-note work.
 */
export function clipsAtCloses(d: DirectionState, end: number): boolean {
  if (d.finOffset >= 0 && end > d.finOffset) return true;
  if (d.peerCloseOffset < 0 || end <= d.peerCloseOffset) return false;
  const notes = d.rareState();
  if (!isHalfCloseReply(d, notes.peerClose)) return true;
  return notes.peerResetOffset >= 0 && end > notes.peerResetOffset && !notes.notedAfterPeerReset;
}

/** The rules on bytes sent after a close, for one reassembler. */
export class CloseNoteRules {
  constructor(
    private readonly counters: CloseNoteCounters,
    /** Emits a note event of `flow` (and counts it). */
    private readonly note: (flow: Flow, ts: Micros, text: string) => void,
  ) {}

  /** Fixes the close offsets of d when it starts after its peer closed (R13). */
  onDirectionStart(d: DirectionState): void {
    const notes = d.rare;
    if (notes === null) return;
    const close = notes.peerClose;
    if (close !== null && d.peerCloseOffset < 0) {
      d.peerCloseOffset = close.hasAck ? Math.max(0, d.offsetOf(close.ackSeq)) : 0;
      notes.afterPeerCloseCounted = d.peerCloseOffset;
    }
    const reset = notes.peerReset;
    if (reset !== null && notes.peerResetOffset < 0) {
      notes.peerResetOffset = reset.hasAck ? Math.max(0, d.offsetOf(reset.ackSeq)) : 0;
    }
  }

  /**
   * Bytes `[start, end)` of d arrived in `segment`: counts and notes those beyond its own FIN
   * (R11) or after the peer closed (R13: sent after it, or in flight when it closed, as the
   * segment's acknowledgement tells); returns the end of what may still be placed (the FIN).
   */
  clipAtCloses(flow: Flow, d: DirectionState, start: number, end: number, ts: Micros, segment: TcpSegment): number {
    if (d.finOffset >= 0 && end > d.finOffset) {
      const from = Math.max(start, d.finOffset, d.rare?.afterOwnFinCounted ?? 0);
      if (end > from) this.reportAfterOwnFin(flow, d, end - from, end, ts);
      end = d.finOffset;
    }
    if (d.peerCloseOffset >= 0 && end > d.peerCloseOffset) {
      const notes = d.rareState();
      const from = Math.max(start, d.peerCloseOffset, notes.afterPeerCloseCounted);
      if (end > from) this.reportAfterPeerClose(flow, d, end - from, end, crossed(segment, notes.peerClose));
      if (notes.peerResetOffset >= 0 && end > notes.peerResetOffset && !notes.notedAfterPeerReset) {
        this.noteAfterPeerReset(flow, d, end - Math.max(start, notes.peerResetOffset), crossed(segment, notes.peerReset));
      }
    }
    return end;
  }

  /** Records that the peer of direction d closed (FIN or RST) and reports bytes of d beyond it. */
  setPeerClose(flow: Flow, d: DirectionState, close: PeerClose): void {
    const notes = d.rareState();
    if (notes.peerClose !== null) {
      if (close.kind === 'RST' && notes.peerClose.kind === 'FIN') this.setPeerReset(flow, d, close);
      return;
    }
    notes.peerClose = close;
    if (!d.started) return; // computed when d starts
    const acked = close.hasAck ? d.offsetOf(close.ackSeq) : -1;
    // An ack before offset 0 is implausible here: count only what comes from now on.
    d.peerCloseOffset = acked >= 0 ? acked : d.maxEnd;
    notes.afterPeerCloseCounted = d.peerCloseOffset;
    // Bytes seen before the close that it did not acknowledge were in flight when it was sent.
    if (d.maxEnd > d.peerCloseOffset) {
      this.reportAfterPeerClose(flow, d, bytesSeenFrom(d, d.peerCloseOffset), d.maxEnd, true);
    }
  }

  /**
   * Records the peer's RST after its FIN: bytes of d beyond the RST's ack crossed the reset (they
   * are already counted as sent after the FIN, but the user should see they met a reset).
   */
  setPeerReset(flow: Flow, d: DirectionState, close: PeerClose): void {
    const notes = d.rareState();
    notes.peerReset = close;
    if (!d.started) return; // computed when d starts
    const acked = close.hasAck ? d.offsetOf(close.ackSeq) : -1;
    notes.peerResetOffset = acked >= 0 ? acked : d.maxEnd;
    if (d.maxEnd > notes.peerResetOffset) this.noteAfterPeerReset(flow, d, bytesSeenFrom(d, notes.peerResetOffset), true);
  }

  /** Notes (once per direction) `count` bytes of d after the peer's RST that followed its FIN (`inFlight`: they crossed it). */
  noteAfterPeerReset(flow: Flow, d: DirectionState, count: number, inFlight: boolean): void {
    const notes = d.rareState();
    if (count <= 0 || notes.notedAfterPeerReset) return;
    notes.notedAfterPeerReset = true;
    this.note(flow, flow.lastSeen, afterPeerCloseNote(d.dir, count, 'RST', notes.peerReset!.ts, flow.lastSeen, inFlight));
  }

  /**
   * Counts `count` bytes of d after the peer closed (up to stream offset `countedEnd`; `inFlight`:
   * they crossed the close); notes the first. The server's bytes after the client's FIN are TCP's
   * half-close (a reply to a request the client ended with its FIN): neither counted nor noted.
   */
  reportAfterPeerClose(flow: Flow, d: DirectionState, count: number, countedEnd: number, inFlight: boolean): void {
    const notes = d.rareState();
    notes.afterPeerCloseCounted = Math.max(notes.afterPeerCloseCounted, countedEnd);
    const close = notes.peerClose!;
    if (count <= 0 || isHalfCloseReply(d, close)) return;
    this.counters.bytesAfterPeerClose += count;
    if (inFlight ? notes.notedInFlight : notes.notedAfterPeerClose) return;
    if (inFlight) notes.notedInFlight = true;
    else notes.notedAfterPeerClose = true;
    this.note(flow, flow.lastSeen, afterPeerCloseNote(d.dir, count, close.kind, close.ts, flow.lastSeen, inFlight));
  }

  /** R3: notes (once per direction) that `count` bytes of d came before its offset 0 and are dropped. */
  noteBeforeStart(flow: Flow, d: DirectionState, count: number, ts: Micros): void {
    const notes = d.rareState();
    if (notes.notedBeforeStart) return;
    notes.notedBeforeStart = true;
    const why = d.synSeen ? 'before its SYN' : 'after its start was settled';
    this.note(flow, ts, `the ${roleName(d.dir)} sent ${countOf(count, 'byte')} before its stream offset 0 (${why}): dropped`);
  }

  /** Counts `count` bytes of d beyond its own FIN (up to stream offset `countedEnd`); notes the first. */
  reportAfterOwnFin(flow: Flow, d: DirectionState, count: number, countedEnd: number, ts: Micros): void {
    const notes = d.rareState();
    notes.afterOwnFinCounted = Math.max(notes.afterOwnFinCounted, countedEnd);
    if (count <= 0) return;
    this.counters.bytesAfterOwnFin += count;
    if (notes.notedAfterOwnFin) return;
    notes.notedAfterOwnFin = true;
    this.note(flow, ts, `the ${roleName(d.dir)} sent ${countOf(count, 'byte')} after its own FIN (FIN at offset ${formatCount(d.finOffset)})`);
  }
}
