/**
 * The preview of a flow: the first line of the side that spoke first (the client's request, or
 * the server's banner when it spoke first), or its first bytes when they are binary (a NUL comes
 * before the first LF, which then ends nothing), as safe display text (`render/escape`). Computed
 * once per flow and cached; recomputed only while the line is still incomplete and the flow
 * got bytes since. Each computation reads at most {@link PREVIEW_BYTES} bytes and looks at most
 * {@link FIRST_CHUNKS} chunk index entries.
 */
import type { Direction } from '../../core/types.js';
import { escapeLine } from '../../render/escape.js';
import type { ByteSource, ListedFlow } from './source.js';

/** Most bytes read for a preview: a longer first line is cut there. */
export const PREVIEW_BYTES = 256;

/** Chunks looked at to find the first data chunk (a flow may start with gaps). */
const FIRST_CHUNKS = 8;

interface Cached {
  text: string;
  /** bytesC2s + bytesS2c when computed: a flow that got no bytes since has the same preview. */
  bytesSeen: number;
  complete: boolean;
}

/** Cache of previews, keyed by flow id. Owned by one flow view; `forget` ids the store removed. */
export class PreviewCache {
  private readonly cache = new Map<number, Cached>();
  /** Store reads done so far (for tests that bound the work). */
  reads = 0;

  constructor(private readonly bytes: ByteSource) {}

  /** The preview of `flow` (escaped, may be empty); never throws. */
  get(flow: ListedFlow): string {
    const seen = flow.bytesC2s + flow.bytesS2c;
    let cached = this.cache.get(flow.id);
    if (cached !== undefined && (cached.complete || cached.bytesSeen === seen)) return cached.text;
    cached = this.compute(flow, seen);
    this.cache.set(flow.id, cached);
    return cached.text;
  }

  /** Drops the preview of a flow no longer held. */
  forget(id: number): void {
    this.cache.delete(id);
  }

  private compute(flow: ListedFlow, seen: number): Cached {
    if (seen === 0) return { text: '', bytesSeen: 0, complete: flow.end !== undefined };
    const first = this.firstData(flow.id);
    if (first === undefined) return { text: '', bytesSeen: seen, complete: false };
    let bytes: Uint8Array;
    try {
      this.reads++;
      bytes = this.bytes.read(flow.id, first.dir, first.offset, PREVIEW_BYTES);
    } catch {
      return { text: '', bytesSeen: seen, complete: false };
    }
    let end = bytes.indexOf(0x0a);
    // In binary bytes (a NUL before the LF) an LF is a byte like another (MySQL's greeting holds 0x0a before its version): no line end.
    if (end >= 0 && bytes.subarray(0, end).includes(0)) end = -1;
    const sawLineEnd = end >= 0;
    if (!sawLineEnd) end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    const closed = first.dir === 'c2s' ? flow.closedC2s : flow.closedS2c;
    const complete = sawLineEnd || bytes.length >= PREVIEW_BYTES || closed || flow.end !== undefined;
    return { text: escapeLine(bytes, 0, end), bytesSeen: seen, complete };
  }

  private firstData(flowId: number): { dir: Direction; offset: number } | undefined {
    for (let i = 0; i < FIRST_CHUNKS; i++) {
      const chunk = this.bytes.getChunk(flowId, i);
      if (chunk === undefined) return undefined;
      if (chunk.kind === 'data' && chunk.length > 0) return { dir: chunk.dir, offset: chunk.offset };
    }
    return undefined;
  }
}
