/** An in-memory flow for conversation tests: chunks appended by hand, read like the store. */
import type { Direction, FlowEndReason, FlowKey, FlowOrigin, HandshakeSeen } from '../../../src/core/types.js';
import type { ConversationChunk, ConversationFlow, ConversationSource } from '../../../src/tui/conversation/source.js';

interface MutableFlow {
  key?: FlowKey;
  sawHandshake: boolean;
  origin?: FlowOrigin;
  connecting?: boolean;
  startTs: number;
  extentC2s: number;
  extentS2c: number;
  closedC2s: boolean;
  closedS2c: boolean;
  finTsC2s?: number;
  finTsS2c?: number;
  finChunkC2s: number;
  finChunkS2c: number;
  firstFin?: Direction;
  end: { ts: number; reason: FlowEndReason; detail?: string; handshake?: HandshakeSeen } | undefined;
  notes: { ts: number; text: string; chunk: number }[];
  chunkCount: number;
}

class Stream {
  bytes = new Uint8Array(1024);
  /** `bytes` as a Buffer (same memory), to write text into. */
  private asBuffer = Buffer.from(this.bytes.buffer);
  /** Bytes held (gaps hold none). */
  length = 0;
  /** Where held bytes resume after each gap: [stream offset, index in `bytes`]. */
  private readonly resumes: [number, number][] = [[0, 0]];
  /** A gap of `length` bytes: nothing held, so a gap past 4 GiB costs nothing. */
  skip(length: number): void {
    const [offset, index] = this.resumes[this.resumes.length - 1];
    this.resumes.push([offset + this.length - index + length, this.length]);
  }
  /** The held bytes at stream offsets [start, end) (never across a gap). */
  slice(start: number, end: number): Uint8Array {
    let k = this.resumes.length - 1;
    while (this.resumes[k][0] > start) k--;
    const index = this.resumes[k][1] + start - this.resumes[k][0];
    return this.bytes.slice(index, index + end - start);
  }
  append(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }
  /** Appends the low byte of each character (latin1, as Buffer.from(text, 'latin1') encodes). */
  appendLatin1(text: string): void {
    this.reserve(text.length);
    this.length += this.asBuffer.write(text, this.length, 'latin1');
  }
  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.asBuffer = Buffer.from(grown.buffer);
  }
}

export const FLOW_ID = 7;

export class FakeSource implements ConversationSource {
  readonly flow: MutableFlow = {
    sawHandshake: true,
    startTs: 1_700_000_000_000_000,
    extentC2s: 0,
    extentS2c: 0,
    closedC2s: false,
    closedS2c: false,
    finChunkC2s: 0,
    finChunkS2c: 0,
    end: undefined,
    notes: [],
    chunkCount: 0,
  };
  readonly chunks: ConversationChunk[] = [];
  /** Per direction: chunk indexes in stream order. */
  private readonly byDir: Record<Direction, number[]> = { c2s: [], s2c: [] };
  /** Per direction: data bytes at their stream offsets (gaps hold nothing, never read). */
  private readonly streams: Record<Direction, Stream> = { c2s: new Stream(), s2c: new Stream() };
  private clock = 0;
  bytesRead = 0;
  /** getChunk and chunkAt calls, to check that nothing walks the whole flow. */
  lookups = 0;
  gone = false;

  constructor(key?: FlowKey) {
    if (key) this.flow.key = key;
  }

  private nextTs(ts?: number): number {
    this.clock = ts ?? this.clock + 1000;
    return this.flow.startTs + this.clock;
  }

  data(dir: Direction, payload: string | Uint8Array, ts?: number): this {
    this.push(dir, 'data', payload.length, this.nextTs(ts));
    if (typeof payload === 'string') this.streams[dir].appendLatin1(payload);
    else this.streams[dir].append(payload);
    return this;
  }

  /** Grows the last chunk (as the store merges contiguous data). */
  extendLast(payload: string): this {
    const bytes = new Uint8Array(Buffer.from(payload, 'latin1'));
    const last = this.chunks[this.chunks.length - 1];
    this.chunks[this.chunks.length - 1] = { ...last, length: last.length + bytes.length };
    this.streams[last.dir].append(bytes);
    this.setExtent(last.dir, last.offset + last.length + bytes.length);
    return this;
  }

  gap(dir: Direction, length: number, ts?: number): this {
    this.push(dir, 'gap', length, this.nextTs(ts));
    this.streams[dir].skip(length);
    return this;
  }

  /** A gap of bytes the capture's snap length cut off (see GapEvent.notCaptured). */
  notCaptured(dir: Direction, length: number): this {
    this.gap(dir, length);
    this.chunks[this.chunks.length - 1] = { ...this.chunks[this.chunks.length - 1], notCaptured: true };
    return this;
  }

  note(text: string, ts?: number): this {
    this.flow.notes.push({ ts: this.nextTs(ts), text, chunk: this.chunks.length });
    return this;
  }

  /** A FIN from `dir`; with `timed`, its time is known (as the store knows it) and it is placed where it came. */
  close(dir: Direction, timed = false): this {
    if (dir === 'c2s') this.flow.closedC2s = true;
    else this.flow.closedS2c = true;
    if (timed) {
      this.flow[dir === 'c2s' ? 'finTsC2s' : 'finTsS2c'] = this.nextTs();
      this.flow[dir === 'c2s' ? 'finChunkC2s' : 'finChunkS2c'] = this.chunks.length;
      this.flow.firstFin ??= dir;
    }
    return this;
  }

  finish(reason: FlowEndReason, detail?: string, handshake?: HandshakeSeen): this {
    this.flow.end = { ts: this.nextTs(), reason, detail, handshake };
    return this;
  }

  private push(dir: Direction, kind: 'data' | 'gap', length: number, ts: number): void {
    const offset = this.extent(dir);
    this.byDir[dir].push(this.chunks.length);
    this.chunks.push({ dir, kind, ts, offset, length });
    this.flow.chunkCount = this.chunks.length;
    this.setExtent(dir, offset + length);
  }

  private extent(dir: Direction): number {
    return dir === 'c2s' ? this.flow.extentC2s : this.flow.extentS2c;
  }

  private setExtent(dir: Direction, value: number): void {
    if (dir === 'c2s') this.flow.extentC2s = value;
    else this.flow.extentS2c = value;
  }

  getFlow(flowId: number): ConversationFlow | undefined {
    return flowId === FLOW_ID && !this.gone ? this.flow : undefined;
  }

  getChunk(flowId: number, index: number): ConversationChunk | undefined {
    this.lookups++;
    return flowId === FLOW_ID ? this.chunks[index] : undefined;
  }

  chunkAt(_flowId: number, dir: Direction, offset: number): number {
    if (this.gone) throw new RangeError('no flow');
    this.lookups++;
    const list = this.byDir[dir];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const c = this.chunks[list[mid]];
      if (c.offset + c.length <= offset) low = mid + 1;
      else high = mid;
    }
    return low < list.length ? list[low] : -1;
  }

  read(flowId: number, dir: Direction, offset: number, length: number): Uint8Array {
    let end = offset;
    const limit = offset + length;
    while (end < limit) {
      const index = this.chunkAt(flowId, dir, end);
      if (index < 0) break;
      const c = this.chunks[index];
      if (c.kind === 'gap' || c.offset > end) break;
      end = Math.min(limit, c.offset + c.length);
    }
    this.bytesRead += end - offset;
    return this.streams[dir].slice(offset, end);
  }
}
