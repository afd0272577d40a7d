/**
 * The recording TCP proxy: listens on one local address, forwards each accepted connection to
 * the current upstream host:port, and reports everything that passes as `FlowEvent`s
 * (origin 'proxy'). The socket code is thin: bytes are relayed unchanged, with backpressure both
 * ways, half-close forwarded as half-close and reset forwarded as reset.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterPeerCloseNote } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { Direction, Endpoint, FlowEndReason, FlowEventSink, Micros } from '../core/types.js';
import { normalizeAddress, upstreamFailure } from './connectFailure.js';
import type { ForwardSpec } from './forwardSpec.js';
import { resetSocket } from './resetSocket.js';
import { TurnBudget } from './turnBudget.js';

/** Options of a {@link RecordingProxy}. */
export interface RecordingProxyOptions {
  /** Where to listen and the initial upstream target. */
  readonly spec: ForwardSpec;
  /**
   * Receives every event synchronously, in order per flow. It must be quick and must not throw:
   * it runs inside the socket handlers (an exception surfaces as an uncaught exception).
   * `DataEvent.bytes` is the very chunk being forwarded: copy what you keep, never modify it.
   */
  readonly emit: FlowEventSink;
  /** Allocates the id of a new flow (called once per accepted connection). */
  readonly nextFlowId: () => number;
  /** Microseconds since the epoch; default {@link defaultProxyClock}. */
  readonly clock?: () => Micros;
  /** Give up connecting to the upstream after this long (ms); default 10 000. */
  readonly connectTimeoutMs?: number;
}

/** Counters of a proxy, a snapshot taken when `stats` is read. */
export interface ProxyStats {
  /** Connections accepted so far (= flows started). */
  readonly accepted: number;
  /** Flows not yet ended. */
  readonly active: number;
  /** Upstream connects that failed (refused, unreachable, unresolvable, timed out). */
  readonly connectFailures: number;
  /** Flows that ended with a reset forwarded. */
  readonly resets: number;
  /** Bytes relayed client → upstream. */
  readonly bytesC2S: number;
  /** Bytes relayed upstream → client. */
  readonly bytesS2C: number;
  /**
   * Bytes currently held inside the proxy (sum over live connections of the sockets'
   * `writableLength + readableLength`). Bounded per connection by backpressure.
   */
  readonly bufferedBytes: number;
}

/** Default clock: whole microseconds since the epoch, monotonic within the process. */
function defaultProxyClock(): Micros {
  return Math.round(performance.timeOrigin * 1000 + performance.now() * 1000);
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const EMPTY = Buffer.alloc(0);

/**
 * One reading budget per process, shared by every proxy and connection: a loop turn relays for
 * about 4 ms, then readers park, 16 of them resumed per turn.
 */
const readTurns = new TurnBudget({ budgetMs: 4, releasePerTurn: 16 });

/** The proxy's running totals (see {@link ProxyStats} for each field). */
export interface ProxyTotals {
  accepted: number;
  connectFailures: number;
  resets: number;
  bytesC2S: number;
  bytesS2C: number;
}

/**
 * A recording TCP proxy (like `ssh -L`, or sockspy).
 *
 * Each accepted client is one flow:
 * - the client is held (not read) until the upstream connection is established, then
 *   `flow-start` is emitted with key client = the client's address:port and server = the
 *   upstream's actual remote address:port, `sawHandshake: true`, origin 'proxy', ts = the time
 *   the client was accepted. Both ends are taken when the client is accepted (a client that
 *   resets later keeps its address). When the connect failed (or the client left first), server =
 *   the address:port the client connected to: the proxy's own end, whose handshake with the
 *   client is the only one that happened;
 * - every chunk relayed emits `data` (stream offset per direction, counted from 0) before it is
 *   written on; nothing ever waits for recording;
 * - a shutdown (FIN) from either side emits `half-close` for that direction and is forwarded as
 *   `end()`; the other direction keeps flowing; when both sockets have closed cleanly the flow
 *   ends with reason 'fin'; the client's first bytes after the server's FIN get a `note` (as
 *   from a capture), the server's after the client's FIN (a half-close) none;
 * - a reset (ECONNRESET or EPIPE) on one side resets the other (`resetAndDestroy`) and the flow
 *   ends with 'rst'; any other socket error also resets the other side and ends with 'error';
 * - when the upstream connect fails (refused, unreachable, name not resolving, connect timeout),
 *   the bytes the client sent meanwhile are read and emitted as `data` (they went nowhere; they
 *   are not counted as relayed), then the client is reset and the flow ends 'rst' with the
 *   failure as detail (see {@link upstreamFailure}: `upstream 127.0.0.1:9 refused: ECONNREFUSED`);
 *   the proxy keeps serving.
 * There is no idle timeout. Name resolution happens per connect (by `net.connect`).
 */
export class RecordingProxy {
  private readonly emit: FlowEventSink;
  private readonly nextFlowId: () => number;
  private readonly clock: () => Micros;
  private readonly connectTimeoutMs: number;
  private readonly spec: ForwardSpec;
  private upstreamHost: string;
  private upstreamPort: number;
  private server: net.Server | undefined;
  private readonly live = new Set<ProxiedConnection>();
  private readonly counters: ProxyTotals = { accepted: 0, connectFailures: 0, resets: 0, bytesC2S: 0, bytesS2C: 0 };

  constructor(options: RecordingProxyOptions) {
    this.spec = options.spec;
    this.emit = options.emit;
    this.nextFlowId = options.nextFlowId;
    this.clock = options.clock ?? defaultProxyClock;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.upstreamHost = options.spec.targetHost;
    this.upstreamPort = options.spec.targetPort;
  }

  /**
   * Starts listening on the spec's bind address and port. Resolves with the actual address and
   * port (useful with bind port 0).
   * @throws UserError `cannot listen on 127.0.0.1:8080: address already in use` (or another
   *   one-line reason) when the socket cannot be bound; Error when called twice.
   */
  listen(): Promise<{ address: string; port: number }> {
    if (this.server !== undefined) return Promise.reject(new Error('RecordingProxy.listen called twice'));
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = server;
    server.on('connection', (client) => this.accept(client));
    const { bindAddress, bindPort } = this.spec;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.server = undefined;
        reject(new UserError(`cannot listen on ${formatHostPort(bindAddress, bindPort)}: ${describeListenError(err)}`));
      };
      server.once('error', onError);
      server.listen({ host: bindAddress, port: bindPort, exclusive: true }, () => {
        server.off('error', onError);
        // Errors after listening (e.g. EMFILE on accept) are not fatal: keep serving.
        server.on('error', () => undefined);
        const bound = server.address() as net.AddressInfo;
        resolve({ address: bound.address, port: bound.port });
      });
    });
  }

  /** The upstream new connections go to. */
  get upstream(): { host: string; port: number } {
    return { host: this.upstreamHost, port: this.upstreamPort };
  }

  /**
   * Changes the upstream for connections accepted from now on; existing connections keep theirs.
   * @throws UserError when host is empty or port is not in 1..65535.
   */
  setUpstream(host: string, port: number): void {
    if (host.length === 0) throw new UserError('upstream host must not be empty');
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UserError(`upstream port ${port} is not in 1..65535`);
    }
    this.upstreamHost = host;
    this.upstreamPort = port;
  }

  /**
   * Stops accepting. Connections still open are given `graceMs` (default 0) to finish on their
   * own; the ones left after that are reset (both sockets, RST) and their flows
   * end with reason 'error', detail 'proxy closed'. Resolves when the listening socket is closed
   * and every flow has emitted its `flow-end`. Safe to call more than once.
   */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    const server = this.server;
    const closed = server === undefined || !server.listening
      ? Promise.resolve()
      : new Promise<void>((resolve) => server.close(() => resolve()));
    const graceMs = options.graceMs ?? 0;
    if (graceMs > 0 && this.live.size > 0) {
      const deadline = Date.now() + graceMs;
      while (this.live.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(20, graceMs)));
      }
    }
    const ending = [...this.live].map((conn) => conn.abort('proxy closed'));
    await Promise.all(ending);
    await closed;
  }

  /** The running totals themselves (not a copy; they keep changing), cheap enough for a status bar. */
  get totals(): Readonly<ProxyTotals> {
    return this.counters;
  }

  /** Connections open now. */
  get activeConnections(): number {
    return this.live.size;
  }

  /** Counters and the bytes currently buffered in the proxy (walks every live connection). */
  get stats(): ProxyStats {
    let bufferedBytes = 0;
    for (const conn of this.live) bufferedBytes += conn.bufferedBytes();
    return { ...this.counters, active: this.live.size, bufferedBytes };
  }

  private accept(client: net.Socket): void {
    // Read both ends now: after a reset the socket no longer knows its peer.
    const clientEnd = endpointOf(client.remoteAddress, client.remotePort);
    const proxyEnd = endpointOf(client.localAddress, client.localPort);
    this.counters.accepted++;
    const conn = new ProxiedConnection(
      this.nextFlowId(), client, clientEnd, proxyEnd, this.upstreamHost, this.upstreamPort,
      this.emit, this.clock, this.connectTimeoutMs, this.counters,
      () => this.live.delete(conn),
    );
    this.live.add(conn);
    conn.start();
  }
}

/** One accepted client and its upstream socket: the relay of one flow. */
class ProxiedConnection {
  private readonly upstream: net.Socket;
  private readonly acceptedAt: Micros;
  private started = false;
  private connected = false;
  private ended = false;
  private endReason: FlowEndReason | undefined;
  private endDetail: string | undefined;
  private openSockets = 2;
  private offsetC2S = 0;
  private offsetS2C = 0;
  /** When the server's FIN was forwarded; the client's bytes after it get a note (once). */
  private serverFinAt: Micros | undefined;
  private notedAfterServerFin = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly whenEnded: Promise<void>;
  private resolveEnded!: () => void;

  constructor(
    private readonly flowId: number,
    private readonly client: net.Socket,
    private readonly clientEnd: Endpoint,
    private readonly proxyEnd: Endpoint,
    private readonly targetHost: string,
    private readonly targetPort: number,
    private readonly emit: FlowEventSink,
    private readonly clock: () => Micros,
    private readonly connectTimeoutMs: number,
    private readonly counters: ProxyTotals,
    private readonly onEnded: () => void,
  ) {
    this.acceptedAt = clock();
    this.whenEnded = new Promise((resolve) => { this.resolveEnded = resolve; });
    this.upstream = new net.Socket({ allowHalfOpen: true });
  }

  start(): void {
    const { client, upstream } = this;
    client.setNoDelay(true);
    client.on('error', (err) => this.onSocketError('client', err));
    upstream.on('error', (err) => this.onSocketError('server', err));
    client.on('close', () => this.onSocketClose());
    upstream.on('close', () => this.onSocketClose());
    upstream.once('connect', () => this.onConnected());
    this.connectTimer = setTimeout(() => {
      upstream.destroy(Object.assign(
        new Error(`connect timed out after ${this.connectTimeoutMs} ms to ${formatHostPort(this.targetHost, this.targetPort)}`),
        { code: 'ETIMEDOUT' },
      ));
    }, this.connectTimeoutMs);
    upstream.connect({ host: this.targetHost, port: this.targetPort });
  }

  /** Bytes held in this connection's socket buffers. */
  bufferedBytes(): number {
    const { client, upstream } = this;
    return client.writableLength + client.readableLength + upstream.writableLength + upstream.readableLength;
  }

  /** Ends the flow abruptly (proxy shutdown); resolves once `flow-end` was emitted. */
  abort(detail: string): Promise<void> {
    if (!this.ended) {
      this.setEnd('error', detail);
      // Reset rather than FIN: the peers must not mistake a cut conversation for a complete one.
      resetSocket(this.client);
      resetSocket(this.upstream);
    }
    return this.whenEnded;
  }

  private onConnected(): void {
    clearTimeout(this.connectTimer);
    this.connected = true;
    const { client, upstream } = this;
    upstream.setNoDelay(true);
    const remoteAddr = upstream.remoteAddress;
    const remotePort = upstream.remotePort;
    this.emitStart(remoteAddr !== undefined && remotePort !== undefined
      ? { addr: normalizeAddress(remoteAddr), port: remotePort }
      : { addr: this.targetHost, port: this.targetPort });
    if (client.destroyed) { // the client went away while we were connecting
      upstream.destroy();
      return;
    }
    this.relay(client, upstream, 'c2s');
    this.relay(upstream, client, 's2c');
    client.resume();
  }

  /**
   * Forwards src → dst with backpressure, recording each chunk and the half-close. src reads
   * only while dst has room and the loop turn has time left ({@link readTurns}).
   */
  private relay(src: net.Socket, dst: net.Socket, dir: Direction): void {
    const counters = this.counters;
    let waitingForDrain = false;
    let parked = false;
    const unpark = (): void => {
      parked = false;
      if (!waitingForDrain) src.resume();
    };
    src.on('data', (chunk: Buffer) => {
      const length = chunk.length;
      if (dir === 'c2s') {
        counters.bytesC2S += length;
        if (this.serverFinAt !== undefined && !this.notedAfterServerFin) this.noteAfterServerFin(length);
      } else {
        counters.bytesS2C += length;
      }
      this.emitData(dir, chunk);
      if (dst.destroyed) return;
      if (!dst.write(chunk)) {
        waitingForDrain = true;
        src.pause();
      }
      if (!parked && readTurns.spend()) {
        parked = true;
        src.pause();
        readTurns.park(unpark);
      }
    });
    dst.on('drain', () => {
      waitingForDrain = false;
      if (parked) return;
      if (readTurns.exhausted) {
        parked = true;
        readTurns.park(unpark);
      } else {
        src.resume();
      }
    });
    src.on('end', () => {
      // libuv reports a reset that arrives with the last data as a plain end of stream (a hang-up
      // after a partial read). An empty write asks the kernel which it was: it fails with
      // ECONNRESET or EPIPE after a reset (the 'error' handler then forwards the reset) and
      // succeeds after a FIN. It completes only after the writes queued before it, so with
      // bytes still queued for `src` the FIN goes on at once (a reset then shows as their error)
      // rather than waiting for a slow reader to take the other direction's backlog.
      if (src.writable && src.writableLength === 0) src.write(EMPTY, (err) => { if (!err) this.forwardHalfClose(dst, dir); });
      else this.forwardHalfClose(dst, dir);
    });
  }

  /** Emits `chunk` as direction `dir`'s next bytes (its stream offset moves on). */
  private emitData(dir: Direction, chunk: Buffer): void {
    const offset = dir === 'c2s' ? this.offsetC2S : this.offsetS2C;
    if (dir === 'c2s') this.offsetC2S += chunk.length;
    else this.offsetS2C += chunk.length;
    this.emit({ type: 'data', flowId: this.flowId, dir, offset, bytes: chunk, length: chunk.length, ts: this.clock(), fileOffset: -1 });
  }

  /**
   * After a failed upstream connect: emits what the client sent while it was held (its socket's
   * receive queue, and its FIN if one came), then resets it. One loop turn with a poll phase
   * reads that queue; bytes sent later than that are refused by the reset.
   */
  private readWhatWentNowhere(): void {
    const client = this.client;
    client.on('data', (chunk: Buffer) => this.emitData('c2s', chunk));
    client.on('end', () => this.emit({ type: 'half-close', flowId: this.flowId, dir: 'c2s', ts: this.clock() }));
    client.resume();
    setImmediate(() => setImmediate(() => resetSocket(client)));
  }

  /** Records that `dir`'s sender finished and passes the FIN on to `dst`. */
  private forwardHalfClose(dst: net.Socket, dir: Direction): void {
    const ts = this.clock();
    if (dir === 's2c') this.serverFinAt = ts;
    this.emit({ type: 'half-close', flowId: this.flowId, dir, ts });
    if (!dst.destroyed) dst.end();
  }

  /**
   * The client sent `length` bytes after the server's FIN: noted once, worded as the capture
   * engine words it (R13). The server's bytes after the client's FIN are TCP's half-close: none.
   */
  private noteAfterServerFin(length: number): void {
    this.notedAfterServerFin = true;
    this.emit({ type: 'note', flowId: this.flowId, ts: this.clock(), text: afterPeerCloseNote('c2s', length, 'FIN', this.serverFinAt!) });
  }

  private onSocketError(side: 'client' | 'server', err: NodeJS.ErrnoException): void {
    const other = side === 'client' ? this.upstream : this.client;
    if (!this.connected && side === 'server') {
      // The upstream connect failed: refused, unreachable, unresolvable or timed out.
      clearTimeout(this.connectTimer);
      this.counters.connectFailures++;
      this.emitStart(this.proxyEnd);
      this.setEnd('rst', upstreamFailure(err, formatHostPort(this.targetHost, this.targetPort)));
      this.readWhatWentNowhere();
      return;
    }
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      if (this.setEnd('rst', `${side} reset the connection`)) this.counters.resets++;
    } else {
      this.setEnd('error', `${side}: ${describeError(err)}`);
    }
    resetSocket(other);
  }

  private onSocketClose(): void {
    this.openSockets--;
    if (this.openSockets > 0) {
      // A socket can close without an error while the other still waits for its peer, e.g. the
      // client vanished while we were connecting: nothing can reach it any more, so stop too.
      // After a failed connect the client is being read, then reset (readWhatWentNowhere).
      if (!this.connected && this.endReason === undefined) {
        clearTimeout(this.connectTimer);
        this.setEnd('error', 'closed before the upstream connected');
        this.upstream.destroy();
        this.client.destroy();
      }
      return;
    }
    clearTimeout(this.connectTimer);
    if (!this.started) this.emitStart(this.proxyEnd);
    this.ended = true;
    const reason = this.endReason ?? 'fin';
    this.emit({ type: 'flow-end', flowId: this.flowId, ts: this.clock(), reason, detail: this.endDetail });
    this.onEnded();
    this.resolveEnded();
  }

  /** Records the first abnormal end; returns whether this call set it. */
  private setEnd(reason: FlowEndReason, detail: string): boolean {
    if (this.endReason !== undefined) return false;
    this.endReason = reason;
    this.endDetail = detail;
    return true;
  }

  private emitStart(server: Endpoint): void {
    if (this.started) return;
    this.started = true;
    this.emit({
      type: 'flow-start',
      flowId: this.flowId,
      key: { client: this.clientEnd, server },
      ts: this.acceptedAt,
      origin: 'proxy',
      sawHandshake: true,
    });
  }
}

/** A socket's address and port as an Endpoint; '' and 0 when the socket cannot tell (reset before accept). */
function endpointOf(addr: string | undefined, port: number | undefined): Endpoint {
  return { addr: addr === undefined ? '' : normalizeAddress(addr), port: port ?? 0 };
}

/** `host:port`, with brackets around an IPv6 literal. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One line for a socket error, also for Node's AggregateError (happy eyeballs) whose message is empty. */
function describeError(err: Error & { code?: string; errors?: unknown[] }): string {
  if (err.message) return err.message;
  if (Array.isArray(err.errors) && err.errors.length > 0) {
    return err.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return err.code ?? err.name;
}

function describeListenError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE': return 'address already in use';
    case 'EACCES': return 'permission denied';
    case 'EADDRNOTAVAIL': return 'address not available on this host';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'bind address does not resolve';
    default: return describeError(err);
  }
}
