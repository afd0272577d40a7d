/**
 * IP fragment reassembly (IPv4 and IPv6 alike): collects the fragment payloads of one
 * datagram, keyed by a string the caller builds (addresses, protocol, id), and hands back the
 * rebuilt payload once every byte from 0 to the end announced by the last fragment is present.
 *
 * Policies:
 * - Overlaps: the first bytes received win; a later fragment only fills holes.
 * - A fragment that brings no new byte (a duplicate) counts as dropped.
 * - A fragment that contradicts what is known (ends beyond the announced end, or announces a
 *   different end) counts as dropped; the datagram keeps waiting.
 * - A rebuilt payload may not exceed `MAX_DATAGRAM_PAYLOAD` bytes; fragments reaching past it are dropped.
 * - Memory: the bytes held (plus a fixed overhead per piece and per datagram) across all datagrams stay under
 *   `maxBytes`; to make room, the oldest datagrams are discarded (their fragments count as dropped).
 * - Time: a datagram whose first fragment is older than `timeoutMicros` (capture time) is
 *   discarded when `expire` runs.
 */

/** Largest rebuilt payload (the 16-bit IP length field bounds every datagram). */
export const MAX_DATAGRAM_PAYLOAD = 65535;

/** Bytes charged per stored piece on top of its payload, so tiny fragments cannot exhaust memory. */
const PIECE_OVERHEAD = 64;
/** Bytes charged per datagram waiting, so fragments that store nothing (empty, or dropped) cannot either. */
const DATAGRAM_OVERHEAD = 128;

/** Counters the reassembler updates (a subset of DecodeStats). */
export interface FragmentCounters {
  fragmentsDropped: number;
  reassembledDatagrams: number;
}

interface Piece {
  start: number;
  bytes: Uint8Array;
}

interface PendingDatagram {
  /** Capture time of the first fragment. */
  readonly created: number;
  /** Non-overlapping, sorted by start. */
  readonly pieces: Piece[];
  /** Payload bytes present. */
  covered: number;
  /** Payload length once the last fragment (no "more fragments") was seen, else -1. */
  total: number;
  /** Bytes charged against the memory budget. */
  charged: number;
  /** Fragments that contributed to this datagram. */
  fragments: number;
  /** Caller's value from the offset-0 fragment (IPv6: next header), or -1 until seen. */
  firstMeta: number;
}

/** Collects IP fragments into datagrams, with bounded memory and capture-time expiry. */
export class FragmentReassembler {
  private readonly pending = new Map<string, PendingDatagram>();
  private heldBytes = 0;
  /** After `add` returned a datagram: the `meta` value of its offset-0 fragment. */
  completedMeta = -1;

  constructor(
    private readonly maxBytes: number,
    private readonly timeoutMicros: number,
    private readonly counters: FragmentCounters,
  ) {}

  /** Number of datagrams waiting for fragments. */
  get pendingDatagrams(): number {
    return this.pending.size;
  }

  /** Bytes currently charged against the memory budget. */
  get pendingBytes(): number {
    return this.heldBytes;
  }

  /**
   * Adds the fragment whose payload is `data[start..end)` at byte `offset` of the datagram
   * payload; `more` is the "more fragments" flag; `meta` is remembered from the offset-0
   * fragment (see `completedMeta`). Returns the rebuilt payload (a new array the caller
   * owns) when this fragment completes its datagram, else null.
   */
  add(
    key: string,
    ts: number,
    offset: number,
    data: Uint8Array,
    start: number,
    end: number,
    more: boolean,
    meta: number,
  ): Uint8Array | null {
    const length = end - start;
    const fragEnd = offset + length;
    if (fragEnd > MAX_DATAGRAM_PAYLOAD || length < 0) {
      this.counters.fragmentsDropped++;
      return null;
    }
    let dgram = this.pending.get(key);
    if (dgram === undefined) {
      dgram = { created: ts, pieces: [], covered: 0, total: -1, charged: DATAGRAM_OVERHEAD, fragments: 0, firstMeta: -1 };
      this.pending.set(key, dgram);
      this.heldBytes += DATAGRAM_OVERHEAD;
    }

    // Consistency with the known end of the datagram.
    if (!more) {
      const lastPiece = dgram.pieces.length > 0 ? dgram.pieces[dgram.pieces.length - 1] : undefined;
      const furthest = lastPiece === undefined ? 0 : lastPiece.start + lastPiece.bytes.length;
      if ((dgram.total >= 0 && dgram.total !== fragEnd) || furthest > fragEnd) {
        this.counters.fragmentsDropped++;
        return null;
      }
    } else if (dgram.total >= 0 && fragEnd > dgram.total) {
      this.counters.fragmentsDropped++;
      return null;
    }

    const added = this.insertUncovered(dgram, offset, data, start, end);
    if (!more) dgram.total = fragEnd;
    if (offset === 0 && dgram.firstMeta < 0) dgram.firstMeta = meta;
    if (added === 0 && (more || length > 0)) {
      // Brought nothing new (a duplicate or fully overlapped fragment).
      this.counters.fragmentsDropped++;
    } else {
      dgram.fragments++;
    }

    if (this.heldBytes > this.maxBytes) this.makeRoom(dgram);
    if (!this.pending.has(key)) return null; // this datagram itself did not fit

    if (dgram.total >= 0 && dgram.covered === dgram.total) {
      this.pending.delete(key);
      this.heldBytes -= dgram.charged;
      this.counters.reassembledDatagrams++;
      this.completedMeta = dgram.firstMeta;
      const out = new Uint8Array(dgram.total);
      for (const piece of dgram.pieces) out.set(piece.bytes, piece.start);
      return out;
    }
    return null;
  }

  /** Discards datagrams whose first fragment arrived more than the timeout before `now`. */
  expire(now: number): void {
    for (const [key, dgram] of this.pending) {
      if (now - dgram.created <= this.timeoutMicros) break; // insertion order: oldest first
      this.discard(key, dgram);
    }
  }

  /** Discards every pending datagram (e.g. at the end of a capture); their fragments count as dropped. */
  flush(): void {
    for (const [key, dgram] of this.pending) this.discard(key, dgram);
  }

  /** Copies the parts of `data[start..end)` (at `offset`) that no piece covers yet; returns the count. */
  private insertUncovered(dgram: PendingDatagram, offset: number, data: Uint8Array, start: number, end: number): number {
    const pieces = dgram.pieces;
    let cursor = offset; // next datagram position still to place
    const stop = offset + (end - start);
    let added = 0;
    let piecesAdded = 0;
    let i = 0;
    while (cursor < stop) {
      // Skip pieces entirely before the cursor.
      while (i < pieces.length && pieces[i].start + pieces[i].bytes.length <= cursor) i++;
      const next = i < pieces.length ? pieces[i] : undefined;
      if (next !== undefined && next.start <= cursor) {
        cursor = next.start + next.bytes.length; // covered already: first wins
        continue;
      }
      const holeEnd = next === undefined ? stop : Math.min(stop, next.start);
      // A copy (Buffer#slice, on a live capture's reused queue, would only be a view).
      const bytes = new Uint8Array(data.subarray(start + (cursor - offset), start + (holeEnd - offset)));
      pieces.splice(i, 0, { start: cursor, bytes });
      i++;
      piecesAdded++;
      added += bytes.length;
      cursor = holeEnd;
    }
    dgram.covered += added;
    const charge = added + piecesAdded * PIECE_OVERHEAD;
    dgram.charged += charge;
    this.heldBytes += charge;
    return added;
  }

  /** Discards the oldest datagrams until the budget holds (the current one last). */
  private makeRoom(current: PendingDatagram): void {
    for (const [key, dgram] of this.pending) {
      if (this.heldBytes <= this.maxBytes) return;
      if (dgram !== current) this.discard(key, dgram);
    }
    if (this.heldBytes > this.maxBytes) {
      for (const [key, dgram] of this.pending) if (dgram === current) this.discard(key, dgram);
    }
  }

  private discard(key: string, dgram: PendingDatagram): void {
    this.pending.delete(key);
    this.heldBytes -= dgram.charged;
    this.counters.fragmentsDropped += dgram.fragments;
  }
}
