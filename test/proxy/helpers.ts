/** Shared loopback helpers for the proxy tests: a recording sink, servers, clients. */
import { createHash, type Hash } from 'node:crypto';
import net from 'node:net';
import { expect } from 'vitest';
import type { Direction, FlowEndEvent, FlowEvent, FlowStartEvent } from '../../src/core/types.js';
import { RecordingProxy } from '../../src/proxy/proxy.js';
import { mulberry32 } from '../support/prng.js';

/** What the recorder learned about one flow. */
export interface RecordedFlow {
  start?: FlowStartEvent;
  end?: FlowEndEvent;
  /** Event types in order (data events collapsed as 'data:c2s' / 'data:s2c'). */
  order: string[];
  notes: string[];
  bytes: Record<Direction, number>;
  /** Each direction's first data event's time. */
  firstTs: Partial<Record<Direction, number>>;
  chunks: Record<Direction, Buffer[]>;
  hash: Record<Direction, Hash>;
}

/**
 * A FlowEventSink that checks the event contract as it goes (flow-start first, `connected` once
 * and only after a `connecting` start, offsets tiling each direction, exactly one flow-end, nothing after it) and keeps copies (or only hashes).
 */
export class Recorder {
  readonly flows = new Map<number, RecordedFlow>();
  readonly violations: string[] = [];
  private waiters: Array<() => void> = [];

  constructor(private readonly keepBytes = true) {}

  readonly sink = (event: FlowEvent): void => {
    let flow = this.flows.get(event.flowId);
    if (event.type === 'flow-start') {
      if (flow !== undefined) this.violations.push(`second flow-start for ${event.flowId}`);
      flow = {
        start: event, order: [], notes: [], bytes: { c2s: 0, s2c: 0 }, firstTs: {}, chunks: { c2s: [], s2c: [] },
        hash: { c2s: createHash('sha256'), s2c: createHash('sha256') },
      };
      this.flows.set(event.flowId, flow);
    } else if (flow === undefined) {
      this.violations.push(`${event.type} before flow-start for ${event.flowId}`);
      return;
    }
    if (flow.end !== undefined) this.violations.push(`${event.type} after flow-end for ${event.flowId}`);
    switch (event.type) {
      case 'data': {
        if (event.offset !== flow.bytes[event.dir]) {
          this.violations.push(`flow ${event.flowId} ${event.dir}: offset ${event.offset}, expected ${flow.bytes[event.dir]}`);
        }
        flow.bytes[event.dir] += event.bytes.length;
        flow.firstTs[event.dir] ??= event.ts;
        if (this.keepBytes) flow.chunks[event.dir].push(Buffer.from(event.bytes));
        else flow.hash[event.dir].update(event.bytes);
        const tag = `data:${event.dir}`;
        if (flow.order[flow.order.length - 1] !== tag) flow.order.push(tag);
        break;
      }
      case 'half-close': flow.order.push(`half-close:${event.dir}`); break;
      case 'note': flow.notes.push(event.text); flow.order.push('note'); break;
      case 'flow-end': flow.end = event; flow.order.push(`end:${event.reason}`); break;
      case 'flow-start': flow.order.push('start'); break;
      case 'connected':
        if (flow.start?.connecting !== true || flow.order.includes('connected')) this.violations.push(`unexpected connected for ${event.flowId}`);
        flow.order.push('connected');
        break;
      default: this.violations.push(`unexpected event ${event.type}`);
    }
    if (event.type === 'flow-end') for (const w of this.waiters.splice(0)) w();
  };

  /** The concatenated recorded bytes of a direction (keepBytes mode). */
  bytesOf(flowId: number, dir: Direction): Buffer {
    return Buffer.concat(this.flows.get(flowId)?.chunks[dir] ?? []);
  }

  endedCount(): number {
    let n = 0;
    for (const f of this.flows.values()) if (f.end !== undefined) n++;
    return n;
  }

  /** Resolves when `count` flows have ended (rejects after `timeoutMs`). */
  async waitForEnded(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.endedCount() < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.endedCount()} of ${count} flows ended`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The single flow whose client port is `port`. */
  flowByClientPort(port: number): [number, RecordedFlow] {
    const found = [...this.flows].filter(([, f]) => f.start?.key.client.port === port);
    expect(found.length).toBe(1);
    return found[0];
  }
}

/** Starts a proxy on 127.0.0.1:0 towards 127.0.0.1:targetPort. */
export async function startProxy(
  targetPort: number,
  recorder: Recorder,
  extra: { connectTimeoutMs?: number; targetHost?: string; clock?: () => number } = {},
): Promise<{ proxy: RecordingProxy; port: number }> {
  let nextId = 1;
  const proxy = new RecordingProxy({
    spec: { bindAddress: '127.0.0.1', bindPort: 0, targetHost: extra.targetHost ?? '127.0.0.1', targetPort },
    emit: recorder.sink,
    nextFlowId: () => nextId++,
    connectTimeoutMs: extra.connectTimeoutMs,
    ...(extra.clock ? { clock: extra.clock } : {}),
  });
  const { port } = await proxy.listen();
  return { proxy, port };
}

const openSockets = new WeakMap<net.Server, Set<net.Socket>>();

/** Starts a TCP server on 127.0.0.1:0; resolves with the server and its port. */
export async function startServer(
  onConnection: (socket: net.Socket) => void,
  options: net.ServerOpts = { allowHalfOpen: true },
): Promise<{ server: net.Server; port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(options, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // tests that care attach their own listener
    onConnection(socket);
  });
  openSockets.set(server, sockets);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Closes a server, destroying its remaining connections. */
export async function stopServer(server: net.Server): Promise<void> {
  for (const socket of openSockets.get(server) ?? []) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Connects to 127.0.0.1:port (allowHalfOpen), resolving once connected. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    socket.once('connect', () => { socket.off('error', reject); resolve(socket); });
    socket.once('error', reject);
  });
}

/** Reads a socket to its end; resolves with everything, or rejects with the socket's error. */
export function readAll(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

/**
 * How a socket finished: 'end' (FIN), or the error code it failed with; then waits for close.
 * A reset that arrives together with the last data can reach Node as a plain end of stream (libuv
 * reports a hang-up after a partial read as EOF), so at 'end' an empty write asks the kernel:
 * it succeeds after a FIN and fails with ECONNRESET or EPIPE after a reset.
 */
export function outcome(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let result: string | undefined;
    socket.on('data', () => undefined);
    socket.once('end', () => {
      if (!socket.writable) { result ??= 'end'; return; }
      socket.write(Buffer.alloc(0), (err) => {
        result ??= err ? (err as NodeJS.ErrnoException).code ?? err.message : 'end';
        if (!err) socket.end();
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => { result ??= err.code ?? err.message; });
    socket.once('close', () => resolve(result ?? 'close'));
  });
}

/** A free loopback port with nothing listening on it (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const { server, port } = await startServer(() => undefined);
  await stopServer(server);
  return port;
}

/** Deterministic pseudo-random bytes (the tests' PRNG), for payloads that never repeat by accident. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  const random = mulberry32(seed);
  for (let i = 0; i < length; i += 4) {
    const v = random() * 4294967296; // the generator's 32-bit output
    for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
  }
  return out;
}

/**
 * Writes `total` generated bytes (a pseudo-random block, each chunk stamped with its index so
 * no two chunks are equal) with backpressure; resolves with the sha256 of what was written.
 */
export async function writeGenerated(socket: net.Socket, total: number, seed: number, end = true): Promise<string> {
  const chunkSize = 64 * 1024;
  const block = pseudoRandomBytes(chunkSize, seed);
  const hash = createHash('sha256');
  let index = 0;
  for (let sent = 0; sent < total; sent += chunkSize, index++) {
    const size = Math.min(chunkSize, total - sent);
    const chunk = Buffer.from(block.subarray(0, size));
    if (size >= 8) chunk.writeDoubleLE(index, 0);
    hash.update(chunk);
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => { socket.off('drain', onDrain); reject(err); };
        const onDrain = (): void => { socket.off('error', onError); resolve(); };
        socket.once('drain', onDrain);
        socket.once('error', onError);
      });
    }
  }
  if (end) socket.end();
  return hash.digest('hex');
}

/** Reads a socket to its end; resolves with the byte count and sha256. */
export function hashAll(socket: net.Socket): Promise<{ bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (c: Buffer) => { bytes += c.length; hash.update(c); });
    socket.once('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
    socket.once('error', reject);
  });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A loopback listener whose connects hang: it listens with a backlog of 1 from a worker thread
 * that then blocks, so nothing is ever accepted; once the accept queue is filled the kernel drops
 * further SYNs and a connect to `port` neither succeeds nor fails. `close()` releases it.
 */
export async function startHangingListener(): Promise<{ port: number; close: () => Promise<void> }> {
  const { Worker } = await import('node:worker_threads');
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const net = require('node:net');
    const server = net.createServer();
    server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      Atomics.wait(workerData, 0, 0); // blocks the worker's loop: no accept ever runs
    });
  `, { eval: true, workerData: gate });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const filler = net.connect(port, '127.0.0.1');
    filler.on('error', () => undefined);
    fillers.push(filler);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port,
    close: async () => {
      for (const filler of fillers) filler.destroy();
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await worker.terminate();
    },
  };
}
