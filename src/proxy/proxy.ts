/**
 * The recording TCP proxy: listens on one local address, forwards each accepted connection to
 * the current upstream host:port, and reports everything that passes as `FlowEvent`s
 * (origin 'proxy'). The socket code is thin: bytes are relayed unchanged, with backpressure both
 * ways, half-close forwarded as half-close and reset forwarded as reset.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { UserError } from '../core/errors.js';
import type { Endpoint, FlowEventSink, Micros } from '../core/types.js';
import { describeError, formatHostPort, normalizeAddress } from './connectFailure.js';
import type { ForwardSpec } from './forwardSpec.js';
import { ProxiedConnection } from './proxiedConnection.js';

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
  /** Told after each connection accepted, once it counts in {@link RecordingProxy.activeConnections}. */
  readonly onAccepted?: () => void;
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
 * - when the client is accepted, `flow-start` is emitted with key client = the client's
 *   address:port (a client that resets later keeps it) and server = the upstream host:port as
 *   configured (what the user asked for, also when it could not be reached), `sawHandshake: true`,
 *   `connecting: true`, origin 'proxy', and the upstream connect begins; `connected` follows
 *   once the upstream accepted, with the address connected to (the name resolved). The client
 *   is read from the start: its bytes are `data` stamped when they came, and wait in flowspy
 *   until the upstream accepts (counted as relayed then);
 * - every chunk relayed emits `data` (stream offset per direction, counted from 0) before it is
 *   written on; nothing ever waits for recording;
 * - a shutdown (FIN) from either side emits `half-close` for that direction and is forwarded as
 *   `end()`; the other direction keeps flowing; when both sockets have closed cleanly the flow
 *   ends with reason 'fin'; the client's first bytes after the server's FIN get a `note` (as
 *   from a capture), the server's after the client's FIN (a half-close) none;
 * - a reset (ECONNRESET or EPIPE) on one side resets the other (`resetAndDestroy`) and the flow
 *   ends with 'rst'; any other socket error also resets the other side and ends with 'error';
 * - when the upstream connect fails (refused, unreachable, name not resolving, connect timeout),
 *   the client's bytes still queued are read and emitted as `data` too (none of them went
 *   anywhere or is counted as relayed), then the client is reset and the flow ends 'rst' with the
 *   failure as detail (see `upstreamFailure`: `upstream 127.0.0.1:9 refused: ECONNREFUSED`);
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
  private readonly onAccepted: (() => void) | undefined;
  private readonly counters: ProxyTotals = { accepted: 0, connectFailures: 0, resets: 0, bytesC2S: 0, bytesS2C: 0 };

  constructor(options: RecordingProxyOptions) {
    this.spec = options.spec;
    this.emit = options.emit;
    this.nextFlowId = options.nextFlowId;
    this.clock = options.clock ?? defaultProxyClock;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.onAccepted = options.onAccepted;
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
   * end with reason 'rst', detail `PROXY_CLOSED` ('proxy closed'). Resolves when the listening socket is closed
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
    const ending = [...this.live].map((conn) => conn.abort());
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
    // Read the client's end now: after a reset the socket no longer knows its peer.
    const clientEnd = endpointOf(client.remoteAddress, client.remotePort);
    this.counters.accepted++;
    const conn = new ProxiedConnection(
      this.nextFlowId(), client, clientEnd, this.upstreamHost, this.upstreamPort,
      this.emit, this.clock, this.connectTimeoutMs, this.counters,
      () => this.live.delete(conn),
    );
    this.live.add(conn);
    conn.start();
    this.onAccepted?.();
  }
}

/** A socket's address and port as an Endpoint; '' and 0 when the socket cannot tell (reset before accept). */
function endpointOf(addr: string | undefined, port: number | undefined): Endpoint {
  return { addr: addr === undefined ? '' : normalizeAddress(addr), port: port ?? 0 };
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
