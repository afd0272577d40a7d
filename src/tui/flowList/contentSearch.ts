/**
 * The byte search behind `~text` filter words: which flows' bytes contain every needle and
 * none of the negated ones (`!~text`), in either direction; a needle may straddle two
 * contiguous chunks but not a gap. A needle without an upper-case letter matches ASCII letters
 * of either case (smart case, see `byteMatcher.ts`). It runs in slices (`step(budget)` reads
 * about `budget` bytes and returns), so the TUI answers keys while it works; it can be stopped
 * at any step (just stop calling it) and reports its progress.
 *
 * A flow matches a negated needle only once all its bytes were searched without finding it
 * (never when some could not be read); if its new bytes hold it later, it stops matching.
 * Per flow it remembers where it stopped (chunk, offset in chunk, the last needle-length bytes
 * of each direction), so a flow that gets more bytes is searched only in its new bytes
 * (`enqueue` it again). Memory: O(flows queued + flows found), plus one read slice.
 */
import type { Direction } from '../../core/types.js';
import { ByteMatcher, type BytePattern } from '../byteMatcher.js';
import type { ByteSource, ListedChunk } from './source.js';

/** One `~text` word: its bytes, and whether a flow must not contain them (`!~text`). */
export interface Needle {
  readonly pattern: BytePattern;
  readonly negated: boolean;
}

/** Bytes read from the store at once. */
const SLICE_BYTES = 64 * 1024;

/** Where the search of one flow stands. */
interface FlowScan {
  /** Next chunk to look at, and the offset reached inside it. */
  chunk: number;
  within: number;
  /** Needles found so far (a bit per needle). */
  found: number;
  /** Last bytes of each direction (needle length - 1), when contiguous with what comes next. */
  tailC2s: Uint8Array;
  tailS2c: Uint8Array;
  /** Stream offset just past each tail (-1: no tail). */
  endC2s: number;
  endS2c: number;
  /** Some bytes could not be read: nothing can say they lack a negated needle. */
  unread: boolean;
}

/** Progress figures for the status bar. */
export interface SearchProgress {
  /** Flows whose bytes seen so far were all searched. */
  readonly flowsDone: number;
  /** Flows queued, searched or not (since the search started). */
  readonly flowsQueued: number;
  /** Bytes searched so far. */
  readonly bytesSearched: number;
}

/** Most needles in one search (it keeps one bit per needle). */
export const MAX_NEEDLES = 31;

/** An incremental search of flows' bytes for a set of needles (at most {@link MAX_NEEDLES}). */
export class ContentSearch {
  private readonly scans = new Map<number, FlowScan>();
  private readonly matched = new Set<number>();
  /** Flows that hold a negated needle: they never match again. */
  private readonly rejected = new Set<number>();
  /** Flows with bytes left to search, in the order queued (a Set keeps it and drops repeats). */
  private readonly queue = new Set<number>();
  private readonly matchers: readonly ByteMatcher[];
  /** Bits of the needles a flow must contain, and of those it must not. */
  private readonly wanted: number;
  private readonly unwanted: number;
  private readonly longest: number;
  private flowsQueued = 0;
  private flowsDone = 0;
  private bytesSearched = 0;

  /** `needles`: non-empty patterns; a flow must contain each one not negated, and no negated one. */
  constructor(
    private readonly bytes: ByteSource,
    needles: readonly Needle[],
  ) {
    if (needles.length === 0 || needles.length > MAX_NEEDLES || needles.some((n) => n.pattern.bytes.length === 0)) {
      throw new RangeError(`a content search needs 1 to ${MAX_NEEDLES} non-empty needles`);
    }
    this.matchers = needles.map((n) => new ByteMatcher(n.pattern));
    this.wanted = needles.reduce((bits, n, i) => (n.negated ? bits : bits | (1 << i)), 0);
    this.unwanted = needles.reduce((bits, n, i) => (n.negated ? bits | (1 << i) : bits), 0);
    this.longest = Math.max(...this.matchers.map((m) => m.length));
  }

  /**
   * True when no new bytes can change the flow's answer: it holds a negated needle, or (no
   * needle negated) it was found. Such a flow need not be queued.
   */
  settled(id: number): boolean {
    return this.rejected.has(id) || (this.unwanted === 0 && this.matched.has(id));
  }

  /** Queues a flow to search (a new flow, or one with new bytes). Cheap; a settled flow stays as it is. */
  enqueue(id: number): void {
    if (this.settled(id) || this.queue.has(id)) return;
    if (!this.scans.has(id)) this.flowsQueued++;
    else this.flowsDone--;
    this.queue.add(id);
  }

  /** Forgets a flow the store removed. */
  forget(id: number): void {
    if (this.queue.delete(id)) this.flowsDone++;
    this.scans.delete(id);
    this.matched.delete(id);
    this.rejected.delete(id);
  }

  /**
   * True when the flow's bytes searched so far contain every needle not negated, and (with a
   * negated needle) they were all searched, up to the end seen, without finding any negated one.
   */
  matches(id: number): boolean {
    return this.matched.has(id);
  }

  /** True while some queued flow has bytes left to search. */
  get busy(): boolean {
    return this.queue.size > 0;
  }

  /** Figures so far (a fresh object). */
  get progress(): SearchProgress {
    return { flowsDone: this.flowsDone, flowsQueued: this.flowsQueued, bytesSearched: this.bytesSearched };
  }

  /**
   * Searches about `budget` bytes (at least one slice); returns the ids whose {@link matches}
   * changed in this step (found to match, or, with a negated needle, to match no more). A flow
   * gone from the store is dropped quietly.
   */
  step(budget: number): number[] {
    const changed: number[] = [];
    let spent = 0;
    for (const id of this.queue) {
      if (spent >= budget) break;
      let scan = this.scans.get(id);
      if (scan === undefined) {
        scan = { chunk: 0, within: 0, found: 0, tailC2s: EMPTY, tailS2c: EMPTY, endC2s: -1, endS2c: -1, unread: false };
        this.scans.set(id, scan);
      }
      spent += this.advance(id, scan, budget - spent);
      const verdict = this.verdict(scan);
      if (verdict !== undefined) {
        this.scans.delete(id);
        if (verdict === 'matched') {
          this.matched.add(id);
          changed.push(id);
        } else {
          this.rejected.add(id);
          if (this.matched.delete(id)) changed.push(id);
        }
        this.finish(id);
      } else if (this.atEnd(id, scan)) {
        if (scan.found === this.wanted && !(this.unwanted !== 0 && scan.unread) && !this.matched.has(id)) {
          this.matched.add(id);
          changed.push(id);
        }
        this.finish(id);
      }
    }
    this.bytesSearched += spent;
    return changed;
  }

  /**
   * The flow's answer once searching on cannot change it before its end: `rejected` when it holds
   * a negated needle, `matched` when (no needle negated) it holds every needle; else undefined.
   */
  private verdict(scan: FlowScan): 'matched' | 'rejected' | undefined {
    if ((scan.found & this.unwanted) !== 0) return 'rejected';
    return this.unwanted === 0 && scan.found === this.wanted ? 'matched' : undefined;
  }

  private finish(id: number): void {
    this.queue.delete(id);
    this.flowsDone++;
  }

  private atEnd(id: number, scan: FlowScan): boolean {
    return this.chunkOf(id, scan.chunk) === undefined;
  }

  private chunkOf(id: number, index: number): ListedChunk | undefined {
    try {
      return this.bytes.getChunk(id, index);
    } catch {
      return undefined;
    }
  }

  /** Searches one flow from where it stopped, up to `budget` bytes or until its answer is decided. */
  private advance(id: number, scan: FlowScan, budget: number): number {
    let spent = 0;
    while (this.verdict(scan) === undefined && spent < budget) {
      const chunk = this.chunkOf(id, scan.chunk);
      if (chunk === undefined) break;
      if (chunk.kind === 'gap' || scan.within >= chunk.length) {
        if (chunk.kind === 'gap') this.setTail(scan, chunk.dir, EMPTY, -1);
        scan.chunk++;
        scan.within = 0;
        continue;
      }
      const offset = chunk.offset + scan.within;
      let slice: Uint8Array;
      try {
        slice = this.bytes.read(id, chunk.dir, offset, Math.min(SLICE_BYTES, chunk.length - scan.within));
      } catch {
        // Unreadable bytes (spill or source file gone) cannot match: skip the chunk like a gap.
        scan.unread = true;
        this.setTail(scan, chunk.dir, EMPTY, -1);
        scan.chunk++;
        scan.within = 0;
        continue;
      }
      if (slice.length === 0) {
        scan.within = chunk.length;
        continue;
      }
      this.searchSlice(scan, chunk.dir, offset, slice);
      scan.within += slice.length;
      spent += slice.length;
    }
    return spent;
  }

  private searchSlice(scan: FlowScan, dir: Direction, offset: number, slice: Uint8Array): void {
    const tail = dir === 'c2s' ? scan.tailC2s : scan.tailS2c;
    const tailEnd = dir === 'c2s' ? scan.endC2s : scan.endS2c;
    const joined = tail.length > 0 && tailEnd === offset ? concat(tail, slice) : slice;
    for (let n = 0; n < this.matchers.length; n++) {
      if ((scan.found & (1 << n)) === 0 && this.matchers[n].indexOf(joined) >= 0) scan.found |= 1 << n;
    }
    const keep = Math.min(this.longest - 1, joined.length);
    this.setTail(scan, dir, joined.slice(joined.length - keep), offset + slice.length);
  }

  private setTail(scan: FlowScan, dir: Direction, tail: Uint8Array, end: number): void {
    if (dir === 'c2s') {
      scan.tailC2s = tail;
      scan.endC2s = end;
    } else {
      scan.tailS2c = tail;
      scan.endS2c = end;
    }
  }
}

const EMPTY = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
