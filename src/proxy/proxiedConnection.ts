/**
 * The relay of one proxied flow ({@link ProxiedConnection}): an accepted client and its upstream
 * socket, the bytes between them and the `FlowEvent`s that record them.
 */
import net from 'node:net';
import { afterPeerCloseNote, formatSpan } from '../core/clock.js';
import { PROXY_CLOSED, type Direction, type Endpoint, type FlowEndReason, type FlowEventSink, type Micros } from '../core/types.js';
import { describeError, formatHostPort, normalizeAddress, upstreamFailure } from './connectFailure.js';
import type { ProxyTotals } from './proxy.js';
import { resetSocket } from './resetSocket.js';
import { TurnBudget } from './turnBudget.js';

const EMPTY = Buffer.alloc(0);
/** An upstream connect that took this long gets a note: the client's bytes meanwhile waited in flowspy. */
const SLOW_CONNECT_MICROS = 1_000_000;
/** How long after bytes sent to a peer that had closed its side the proxy looks whether it reset (about a round trip, on a LAN). */
const RESET_PROBE_MS = 100;

/**
 * One reading budget per process, shared by every proxy and connection: a loop turn relays for
 * about 4 ms, then readers park, 16 of them resumed per turn.
 */
const readTurns = new TurnBudget({ budgetMs: 4, releasePerTurn: 16 });

/**
 * One accepted client and its upstream socket: the relay of one flow, as described on
 * `RecordingProxy`. `start()` (once) emits `flow-start` and connects to the upstream; every event goes to `emit`, the
 * relayed bytes and failures are added to `counters`, and `onEnded` is called once, just after
 * `flow-end` was emitted.
 */
export class ProxiedConnection {
  private readonly upstream: net.Socket;
  private readonly acceptedAt: Micros;
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
  /** The reset probes due (see probeForReset), by socket. */
  private readonly probing = new Map<net.Socket, NodeJS.Timeout>();
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly whenEnded: Promise<void>;
  private resolveEnded!: () => void;

  constructor(
    private readonly flowId: number,
    private readonly client: net.Socket,
    private readonly clientEnd: Endpoint,
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

  /**
   * Emits `flow-start` (connecting), connects to the upstream and sets up the relay; call once.
   * The client is read at once: its bytes are recorded when they come and wait in the upstream
   * socket's queue (backpressure holds the rest) until the upstream accepts.
   */
  start(): void {
    const { client, upstream } = this;
    this.emit({
      type: 'flow-start',
      flowId: this.flowId,
      key: { client: this.clientEnd, server: { addr: this.targetHost, port: this.targetPort } },
      ts: this.acceptedAt,
      origin: 'proxy',
      sawHandshake: true,
      connecting: true,
    });
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
    this.relay(client, upstream, 'c2s');
    this.relay(upstream, client, 's2c');
    client.resume();
  }

  /** Bytes held in this connection's socket buffers. */
  bufferedBytes(): number {
    const { client, upstream } = this;
    return client.writableLength + client.readableLength + upstream.writableLength + upstream.readableLength;
  }

  /** Resets both sides at the proxy's close: the flow ends 'rst', {@link PROXY_CLOSED}; resolves once `flow-end` was emitted. */
  abort(): Promise<void> {
    if (!this.ended) {
      this.setEnd('rst', PROXY_CLOSED);
      // Reset rather than FIN: the peers must not mistake a cut conversation for a complete one.
      resetSocket(this.client);
      resetSocket(this.upstream);
    }
    return this.whenEnded;
  }

  private onConnected(): void {
    clearTimeout(this.connectTimer);
    this.connected = true;
    this.counters.bytesC2S += this.offsetC2S; // what was queued while connecting goes out now
    const { upstream } = this;
    upstream.setNoDelay(true);
    const now = this.clock();
    const server = upstream.remoteAddress !== undefined && upstream.remotePort !== undefined
      ? { addr: normalizeAddress(upstream.remoteAddress), port: upstream.remotePort }
      : { addr: this.targetHost, port: this.targetPort };
    this.emit({ type: 'connected', flowId: this.flowId, ts: now, server });
    if (now - this.acceptedAt >= SLOW_CONNECT_MICROS) {
      const took = formatSpan((now - this.acceptedAt) / 1000);
      this.emit({ type: 'note', flowId: this.flowId, ts: now, text: `the upstream took ${took} to accept the connection: the client's bytes waited in flowspy until then` });
    }
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
      if (dir === 'c2s' && this.serverFinAt !== undefined && !this.notedAfterServerFin) this.noteAfterServerFin(length);
      this.emitData(dir, chunk);
      if (dst.destroyed) return; // after a failed upstream connect, the client's bytes go nowhere
      // The client's bytes queued while the upstream connects are counted once it accepted.
      if (dir === 's2c') counters.bytesS2C += length;
      else if (this.connected) counters.bytesC2S += length;
      if (dst.readableEnded) this.probeForReset(dst);
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
   * After a failed upstream connect: the client's bytes still in its socket's receive queue (and
   * its FIN if one came) are recorded by the relay, then it is reset. One loop turn with a poll
   * phase reads that queue; bytes sent later than that are refused by the reset.
   */
  private readWhatWentNowhere(): void {
    const client = this.client;
    client.resume();
    setImmediate(() => setImmediate(() => resetSocket(client)));
  }

  /**
   * Bytes went to `socket`, whose peer had closed its side: a peer that closed for good answers
   * them with a reset, which no read sees. {@link RESET_PROBE_MS} later (once at a time) an empty
   * write asks the kernel; after a reset it fails, and the 'error' handler records the reset and
   * resets the other side, whose next bytes then fail as they would have without the proxy.
   */
  private probeForReset(socket: net.Socket): void {
    if (this.probing.has(socket)) return;
    const timer = setTimeout(() => {
      this.probing.delete(socket);
      if (!socket.destroyed && socket.writable) socket.write(EMPTY);
    }, RESET_PROBE_MS);
    this.probing.set(socket, timer.unref());
  }

  /** Records that `dir`'s sender finished and passes the FIN on to `dst`. */
  private forwardHalfClose(dst: net.Socket, dir: Direction): void {
    const ts = this.clock();
    if (dir === 's2c') this.serverFinAt = ts;
    this.emit({ type: 'half-close', flowId: this.flowId, dir, ts });
    if (dst.destroyed) return;
    // `dst`'s peer had closed its side: a reset it sent since meets no read. An empty write asks the
    // kernel, as at an end of stream; its error goes to the 'error' handler, which records the reset.
    if (dst.readableEnded) dst.write(EMPTY);
    dst.end();
  }

  /**
   * The client sent `length` bytes after the server's FIN: noted once, worded as the capture
   * engine words it (R13). The server's bytes after the client's FIN are TCP's half-close: none.
   */
  private noteAfterServerFin(length: number): void {
    this.notedAfterServerFin = true;
    const now = this.clock();
    this.emit({ type: 'note', flowId: this.flowId, ts: now, text: afterPeerCloseNote('c2s', length, 'FIN', this.serverFinAt!, now) });
  }

  private onSocketError(side: 'client' | 'server', err: NodeJS.ErrnoException): void {
    const other = side === 'client' ? this.upstream : this.client;
    if (!this.connected && side === 'server') {
      // The upstream connect failed: refused, unreachable, unresolvable or timed out.
      clearTimeout(this.connectTimer);
      this.counters.connectFailures++;
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
    for (const timer of this.probing.values()) clearTimeout(timer);
    this.probing.clear();
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
}
