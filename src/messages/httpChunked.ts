/**
 * The chunked transfer coding of one body (RFC 9112 7.1), read incrementally: chunk-size lines
 * (extensions allowed), chunk data (counted, not kept), the last chunk and the trailer section.
 * Bounded: a chunk-size line of at most {@link MAX_CHUNK_LINE_BYTES}, trailers of at most
 * {@link MAX_TRAILER_BYTES}. Never throws; what does not parse is reported in `why`.
 */
import { ByteBuffer } from './byteBuffer.js';
import { headText, parseHeaderLines } from './httpHead.js';
import type { HttpBody } from './types.js';

/** Cap on a chunk-size line (with its extensions). */
export const MAX_CHUNK_LINE_BYTES = 8 * 1024;
/** Cap on a trailer section. */
export const MAX_TRAILER_BYTES = 64 * 1024;

/** Where the reader stands after {@link ChunkedReader.read}: wants more bytes, done with the body, or failed. */
export const enum ChunkStep { More, Done, Bad }

const enum Part { Size, Data, DataEnd, Trailers }

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads one chunked body, counting its wire bytes, data bytes and chunks into `body`; `onData`,
 * when given, gets each run of chunk data read as `bytes[from, to)` (valid during the call).
 */
export class ChunkedReader {
  /** Set by {@link read}. */
  step = ChunkStep.More;
  /** When `step` is Bad: why, and the stream offset where. */
  why = '';
  badOffset = 0;
  private part = Part.Size;
  private remaining = 0;
  private crSeen = false;
  private readonly line = new ByteBuffer(MAX_TRAILER_BYTES);
  private lineStart = 0;

  constructor(
    private readonly body: HttpBody,
    private readonly onData?: (bytes: Uint8Array, from: number, to: number) => void,
  ) {}

  /** How many bytes {@link skip} would take: chunk data short of the chunk's end. */
  get skippable(): number {
    return this.part === Part.Data ? Math.max(0, this.remaining - 1) : 0;
  }

  /** Takes `length` bytes without reading them when they are all chunk data short of the chunk's end. */
  skip(length: number): boolean {
    if (this.part !== Part.Data || this.remaining <= length) return false;
    this.body.length += length;
    this.body.dataLength += length;
    this.remaining -= length;
    return true;
  }

  /** Reads from `bytes[i]` (`bytes[0]` at stream offset `offset`) until the body ends or the bytes do; returns the index reached. */
  read(bytes: Uint8Array, i: number, offset: number): number {
    const n = bytes.length;
    const body = this.body;
    while (i < n && this.step === ChunkStep.More) {
      if (this.part === Part.Data) {
        const take = Math.min(this.remaining, n - i);
        if (take > 0) this.onData?.(bytes, i, i + take);
        body.length += take;
        body.dataLength += take;
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) { this.part = Part.DataEnd; this.crSeen = false; }
      } else if (this.part === Part.DataEnd) {
        const b = bytes[i++];
        body.length++;
        if (b === CR && !this.crSeen) this.crSeen = true;
        else if (b === LF) this.part = Part.Size;
        else this.bad(offset + i - 1, 'no line end after chunk data');
      } else {
        i = this.lineBytes(bytes, i, offset);
      }
    }
    return i;
  }

  /** A chunk-size line or a trailer line from `bytes[i]`. */
  private lineBytes(bytes: Uint8Array, i: number, offset: number): number {
    const lf = bytes.indexOf(LF, i);
    const end = lf < 0 ? bytes.length : lf + 1;
    const size = this.part === Part.Size;
    if ((size && this.line.length + (end - i) > MAX_CHUNK_LINE_BYTES) || !this.line.append(bytes, i, end)) {
      this.bad(offset + i, size ? 'chunk-size line too long' : 'trailer section too long');
      return bytes.length;
    }
    this.body.length += end - i;
    if (lf < 0) return end;
    if (size) {
      const text = headText(this.line.bytes.subarray(0, this.line.length - 1));
      const lineOffset = offset + end - this.line.length;
      this.line.clear();
      const m = /^([0-9a-fA-F]{1,13})[ \t]*(;[^\r]*)?\r?$/.exec(text);
      if (!m) {
        this.bad(lineOffset, 'bad chunk-size line');
        return end;
      }
      const chunk = parseInt(m[1], 16);
      if (chunk === 0) { this.part = Part.Trailers; this.lineStart = 0; }
      else { this.part = Part.Data; this.remaining = chunk; this.body.chunks++; }
      return end;
    }
    const length = this.line.length - 1 - this.lineStart;
    const blank = length === 0 || (length === 1 && this.line.bytes[this.lineStart] === CR);
    this.lineStart = this.line.length;
    if (blank) {
      this.body.trailers = parseHeaderLines(headText(this.line.bytes.subarray(0, this.line.length)).split('\n')).headers;
      this.line.clear();
      this.step = ChunkStep.Done;
    }
    return end;
  }

  private bad(offset: number, why: string): void {
    this.step = ChunkStep.Bad;
    this.badOffset = offset;
    this.why = why;
  }
}
