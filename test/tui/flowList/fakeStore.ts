/**
 * A stand-in for FlowStore's read side (flows, getFlow, size, watchChanges, getChunk, chunkAt, read) for
 * the flow list tests and bench: flows and their bytes are set directly, each change recorded
 * once per take, and every record read is counted (`touched`).
 */
import type { Direction, FlowEndReason, HandshakeSeen } from '../../../src/core/types.js';
import type { ByteSource, FlowChanges, FlowSource, ListedChunk, ListedFlow } from '../../../src/tui/flowList/source.js';

export interface FakeFlow {
  id: number;
  key: { client: { addr: string; port: number }; server: { addr: string; port: number } };
  sawHandshake: boolean;
  connecting: boolean;
  startTs: number;
  lastTs: number;
  bytesC2s: number;
  bytesS2c: number;
  closedC2s: boolean;
  closedS2c: boolean;
  end: { ts: number; reason: FlowEndReason; detail?: string; handshake?: HandshakeSeen } | undefined;
  notes: { ts: number; text: string }[];
  gaps: number;
  chunkCount: number;
}

interface FakeChunk extends ListedChunk {
  bytes: Uint8Array;
}

export class FakeStore implements FlowSource, ByteSource {
  private readonly byId = new Map<number, FakeFlow>();
  private readonly chunks = new Map<number, FakeChunk[]>();
  private readonly readers = new Set<Set<number>>();
  private nextId = 1;
  /** Records handed out by getFlow and flows(). */
  touched = 0;
  /** Bytes handed out by read(). */
  bytesRead = 0;

  get size(): number {
    return this.byId.size;
  }

  *flows(): Iterable<ListedFlow> {
    for (const flow of this.byId.values()) {
      this.touched++;
      yield flow;
    }
  }

  getFlow(id: number): ListedFlow | undefined {
    this.touched++;
    return this.byId.get(id);
  }

  watchChanges(onPending?: () => void): FlowChanges {
    const changed = new Set<number>();
    this.readers.add(changed);
    const readers = this.readers;
    void onPending;
    return {
      get pending() {
        return changed.size > 0;
      },
      take() {
        const ids = [...changed];
        changed.clear();
        return ids;
      },
      close() {
        readers.delete(changed);
      },
    };
  }

  getChunk(flowId: number, index: number): ListedChunk | undefined {
    return this.chunks.get(flowId)?.[index];
  }

  chunkAt(flowId: number, dir: Direction, offset: number): number {
    const chunks = this.chunks.get(flowId);
    if (!chunks) throw new RangeError(`no flow ${flowId}`);
    return chunks.findIndex((c) => c.dir === dir && c.offset <= offset && offset < c.offset + c.length);
  }

  read(flowId: number, dir: Direction, offset: number, length: number): Uint8Array {
    const chunks = this.chunks.get(flowId);
    if (!chunks) throw new RangeError(`no flow ${flowId}`);
    const out: number[] = [];
    for (const c of chunks) {
      if (c.dir !== dir || c.offset + c.length <= offset + out.length || c.offset > offset + out.length) continue;
      if (c.kind === 'gap') break;
      const from = offset + out.length - c.offset;
      out.push(...c.bytes.subarray(from, from + length - out.length));
      if (out.length >= length) break;
    }
    this.bytesRead += out.length;
    return Uint8Array.from(out);
  }

  /** Adds a flow (ids 1, 2, 3... unless given) and returns it for further changes. */
  add(fields: Partial<FakeFlow> & { client?: string; server?: string } = {}): FakeFlow {
    const [ca, cp] = splitEndpoint(fields.client ?? '10.0.0.1:40000');
    const [sa, sp] = splitEndpoint(fields.server ?? '10.0.0.2:80');
    const id = fields.id ?? this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const flow: FakeFlow = {
      id,
      key: { client: { addr: ca, port: cp }, server: { addr: sa, port: sp } },
      sawHandshake: true,
      connecting: false,
      startTs: 1_000_000,
      lastTs: 1_000_000,
      bytesC2s: 0,
      bytesS2c: 0,
      closedC2s: false,
      closedS2c: false,
      end: undefined,
      notes: [],
      gaps: 0,
      chunkCount: 0,
      ...stripEndpoints(fields),
    };
    this.byId.set(id, flow);
    this.chunks.set(id, []);
    this.changed(id);
    return flow;
  }

  /** Appends data (or a gap, with `gap` set) to one direction of a flow. */
  data(id: number, dir: Direction, bytes: Uint8Array | string, gap = false): void {
    const flow = this.byId.get(id)!;
    const chunks = this.chunks.get(id)!;
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const offset = chunks.filter((c) => c.dir === dir).reduce((end, c) => Math.max(end, c.offset + c.length), 0);
    chunks.push({ dir, kind: gap ? 'gap' : 'data', offset, length: data.length, bytes: data });
    flow.chunkCount = chunks.length;
    if (gap) flow.gaps++;
    else {
      if (dir === 'c2s') flow.bytesC2s += data.length;
      else flow.bytesS2c += data.length;
    }
    this.changed(id);
  }

  /** Changes fields of a flow and records the change. */
  update(id: number, fields: Partial<FakeFlow>): void {
    Object.assign(this.byId.get(id)!, fields);
    this.changed(id);
  }

  remove(id: number): void {
    this.byId.delete(id);
    this.chunks.delete(id);
    this.changed(id);
  }

  private changed(id: number): void {
    for (const reader of this.readers) {
      reader.delete(id);
      reader.add(id);
    }
  }
}

function splitEndpoint(text: string): [string, number] {
  const v6 = /^\[(.*)\]:(\d+)$/.exec(text);
  if (v6) return [v6[1], Number(v6[2])];
  const at = text.lastIndexOf(':');
  return [text.slice(0, at), Number(text.slice(at + 1))];
}

function stripEndpoints(fields: Partial<FakeFlow> & { client?: string; server?: string }): Partial<FakeFlow> {
  const { client: _c, server: _s, ...rest } = fields;
  void _c;
  void _s;
  return rest;
}
