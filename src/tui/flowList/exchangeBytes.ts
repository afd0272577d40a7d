/**
 * The `~text` words of the filter on one HTTP exchange of the exchange list: whether the
 * exchange's own bytes (its request, interim and final responses: head and body on the wire)
 * hold every needle not negated. A needle may straddle two chunks but not a gap. Only the flows
 * the flow list's byte search found are asked about (it gates), so an exchange is read once at
 * most, and a growing one only in its new bytes: per message it remembers how far it was read.
 * `!~text` stays the flow's answer: a flow found lacks it in all its bytes.
 */
import type { Direction } from '../../core/types.js';
import type { HttpExchange, HttpMessage } from '../../messages/types.js';
import { ByteMatcher } from '../byteMatcher.js';
import type { Needle } from './contentSearch.js';
import type { ByteSource } from './source.js';

/** Reads bytes by position, and finds the chunk at a position (to step over a gap). */
export interface ExchangeByteSource extends ByteSource {
  /** The index of direction `dir`'s chunk holding `offset`, -1 past the end. May throw (flow gone). */
  chunkAt(flowId: number, dir: Direction, offset: number): number;
}

/** Bytes read from the store at once. */
const SLICE_BYTES = 64 * 1024;

/** The needles of one filter, searched for in exchanges; holds what it found per exchange (weakly). */
export class ExchangeByteSearch {
  private readonly matchers: ByteMatcher[];
  private readonly all: number;
  /** Bytes a slice repeats from the previous one, so a match across the two is found. */
  private readonly overlap: number;
  private readonly found = new WeakMap<HttpExchange, number>();
  /** Stream offset up to which a message was searched. */
  private readonly searched = new WeakMap<HttpMessage, number>();

  /** `needles`: the filter's; only those not negated are searched for. */
  constructor(
    private readonly bytes: ExchangeByteSource,
    needles: readonly Needle[],
  ) {
    this.matchers = needles.filter((n) => !n.negated).map((n) => new ByteMatcher(n.pattern));
    this.all = 2 ** this.matchers.length - 1; // as an int32, like the bits found: MAX_NEEDLES is 31
    this.overlap = Math.max(0, ...this.matchers.map((m) => m.length - 1));
  }

  /** True when the bytes of `exchange` (of flow `flowId`) seen so far hold every needle not negated. */
  holdsAll(flowId: number, exchange: HttpExchange): boolean {
    let found = this.found.get(exchange) ?? 0;
    for (const message of [exchange.request, ...exchange.interim, exchange.response]) {
      if (found === this.all) break;
      if (message !== undefined) found = this.searchMessage(flowId, message, found);
    }
    this.found.set(exchange, found);
    return found === this.all;
  }

  private searchMessage(flowId: number, message: HttpMessage, found: number): number {
    const end = message.offset + message.headLength + message.body.length;
    let at = Math.max(message.offset, (this.searched.get(message) ?? message.offset) - this.overlap);
    while (at < end && found !== this.all) {
      let slice: Uint8Array;
      try {
        slice = this.bytes.read(flowId, message.dir, at, Math.min(SLICE_BYTES, end - at));
      } catch {
        break;
      }
      if (slice.length === 0) {
        const next = this.pastGap(flowId, message.dir, at);
        if (next === undefined) break;
        at = next;
        continue;
      }
      for (let n = 0; n < this.matchers.length; n++) {
        if ((found & (1 << n)) === 0 && this.matchers[n].indexOf(slice) >= 0) found |= 1 << n;
      }
      const past = at + slice.length;
      at = past >= end || slice.length <= this.overlap ? past : past - this.overlap;
    }
    this.searched.set(message, Math.max(this.searched.get(message) ?? 0, at));
    return found;
  }

  /** The end of the gap at `offset`, undefined when no gap is there (nothing seen yet, or the flow is gone). */
  private pastGap(flowId: number, dir: Direction, offset: number): number | undefined {
    try {
      const index = this.bytes.chunkAt(flowId, dir, offset);
      const chunk = index < 0 ? undefined : this.bytes.getChunk(flowId, index);
      return chunk?.kind === 'gap' && chunk.offset + chunk.length > offset ? chunk.offset + chunk.length : undefined;
    } catch {
      return undefined;
    }
  }
}
