/**
 * `--har FILE`: every HTTP exchange as a HAR 1.2 log, written when the run ends. The output runs
 * its own message layer over the events; the body bytes it needs are kept as they stream by
 * (harBodies.ts: at most {@link HarOptions.maxBodyBytes} wire bytes a body, all bodies within
 * {@link HarOptions.maxKeptBytes}), decoded when their message is over, and each exchange
 * becomes a serialised entry once both its messages are over (one a capture gap cut: once the
 * next message of its direction is, as what came of it after the gap is known then; or its flow
 * ended), appended to a
 * spill file (harSpill.ts) so that memory does not grow with the bodies written. At close the
 * entries are copied into the HAR file in the order their requests started. Exchanges without a request (a response whose
 * request was not seen, or was lost in a capture gap) are left out and counted. The exchange
 * that switched to WebSocket waits for its flow's end: its messages (harWebSocket.ts) are read
 * from the same windows as they go by, within the same caps, into `_webSocketMessages`.
 */
import { countOf } from '../core/count.js';
import { closeSync, openSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileErrorReason, UserError } from '../core/errors.js';
import { writeFully } from '../io/files.js';
import { PROXY_CLOSED, receiverOf, type Direction, type FlowEvent, type FlowKey, type Micros } from '../core/types.js';
import { messageBody, type DecodedBody } from '../messages/httpBody.js';
import { MAX_HEAD_BYTES } from '../messages/httpHeadReader.js';
import { messageEnd } from '../messages/httpMessage.js';
import { MessageTable } from '../messages/messageTable.js';
import type { HttpExchange, HttpMessage } from '../messages/types.js';
import type { WebSocketFrame } from '../messages/websocket.js';
import { ByteBudget, StreamWindow } from './harBodies.js';
import { harEntry, type HarBodies } from './harEntry.js';
import { EntrySpill } from './harSpill.js';
import { WebSocketMessages } from './harWebSocket.js';
import type { FlowOutput } from './types.js';

/** Default cap on the wire bytes kept of one body (a longer body is cut there). */
export const HAR_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Default budget of body wire bytes held at once, all flows together (bodies in flight). */
export const HAR_MAX_KEPT_BYTES = 256 * 1024 * 1024;

/** What `--har` needs. */
export interface HarOptions {
  readonly path: string;
  /** flowspy's version, for `log.creator`. */
  readonly creatorVersion: string;
  /** Told one line at close when exchanges were left out. */
  readonly report?: (line: string) => void;
  readonly maxBodyBytes?: number;
  readonly maxKeptBytes?: number;
}

/** An exchange whose messages are not all over yet. */
interface Pending {
  readonly bodies: HarBodies;
  requestOver: boolean;
  responseOver: boolean;
  /**
   * Both over, one cut by a capture gap (or the end) in this direction: what came of it after
   * the cut (its stray bytes) is known once the direction's next message starts, so the entry
   * waits for that message's end, or the flow's.
   */
  waitsFor?: Direction;
}

interface FlowState {
  /** The flow's key: its server is the client when the message layer found the requests going s2c; a proxied flow's server is the address connected to, once known. */
  key: FlowKey;
  /** Time of the flow's last event. */
  lastTs: Micros;
  readonly windows: Record<Direction, StreamWindow>;
  readonly open: Map<HttpExchange, Pending>;
  /** Exchanges over but for what came after a gap cut one of their messages (see {@link Pending.waitsFor}); few. */
  readonly waiting: Map<HttpExchange, Pending>;
  /** What ended the flow, when it was flowspy's closing the proxy ({@link PROXY_CLOSED}): the `_error` of the exchanges it cut. */
  cutBy?: string;
  /** The exchange that switched to WebSocket, and the messages since. */
  websocket?: { readonly exchange: HttpExchange; readonly messages: WebSocketMessages };
}

/** Writes the HAR file at close. The file is created at construction (a `UserError` when it cannot be). */
export class HarOutput implements FlowOutput {
  private readonly table: MessageTable;
  private readonly flows = new Map<number, FlowState>();
  private readonly spill: EntrySpill;
  private readonly budget: ByteBudget;
  private readonly maxBodyBytes: number;
  private fd: number | undefined;
  /** Exchanges left out for want of a request. */
  omitted = 0;

  constructor(private readonly options: HarOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? HAR_MAX_BODY_BYTES;
    this.budget = new ByteBudget(options.maxKeptBytes ?? HAR_MAX_KEPT_BYTES);
    this.table = new MessageTable({
      onHttpMessage: (flowId, message, exchange) => this.messageOver(flowId, message, exchange),
      onWebSocketFrame: (flowId, frame) => this.frameOver(flowId, frame),
    });
    try {
      this.fd = openSync(options.path, 'w');
    } catch (err) {
      throw new UserError(`cannot write ${options.path}: ${fileErrorReason(err, { ENOENT: 'no such directory' })}`);
    }
    try {
      this.spill = new EntrySpill(options.path);
    } catch (err) {
      closeSync(this.fd);
      throw new UserError(`cannot write ${options.path}: no room for its entries (${fileErrorReason(err)})`);
    }
  }

  handle(event: FlowEvent): void {
    const flow = this.flows.get(event.flowId);
    if (flow) flow.lastTs = event.ts;
    switch (event.type) {
      case 'flow-start': {
        const window = () => new StreamWindow(this.budget, this.maxBodyBytes + MAX_HEAD_BYTES);
        this.flows.set(event.flowId, { key: event.key, lastTs: event.ts, windows: { c2s: window(), s2c: window() }, open: new Map(), waiting: new Map() });
        this.table.apply(event);
        break;
      }
      case 'data': {
        const state = this.flows.get(event.flowId);
        const window = state?.windows[event.dir];
        if (!state || !window || window.stopped) {
          this.table.apply(event);
          break;
        }
        window.showing(event.offset, event.bytes);
        this.table.apply(event);
        window.keep();
        this.stopWhereNotHttp(event.flowId, state, event.dir);
        break;
      }
      case 'connected':
        // The upstream by its address (the key may name it by host name): serverIPAddress.
        if (flow) flow.key = { ...flow.key, server: event.server };
        this.table.apply(event);
        break;
      case 'flow-end':
        this.table.apply(event);
        if (flow && event.detail === PROXY_CLOSED) flow.cutBy = PROXY_CLOSED;
        this.finishFlow(event.flowId);
        break;
      default:
        this.table.apply(event);
    }
  }

  /** Finishes the flows still open, writes the file and closes it. @throws UserError when the file cannot be written. */
  close(): void {
    if (this.fd === undefined) return;
    for (const [flowId, state] of [...this.flows]) {
      // A flow the source did not end (it should): its messages in progress end here.
      this.table.apply({ type: 'flow-end', flowId, ts: state.lastTs, reason: 'error', detail: 'the run ended' });
      this.finishFlow(flowId);
    }
    const fd = this.fd;
    this.fd = undefined;
    try {
      this.write(fd);
    } catch (err) {
      throw new UserError(`cannot write ${this.options.path}: ${fileErrorReason(err)}`);
    } finally {
      closeSync(fd);
      this.spill.close();
    }
    if (this.omitted > 0) this.options.report?.(`--har: ${countOf(this.omitted, 'response')} without a request left out of ${this.options.path}`);
  }

  /**
   * Stops keeping bytes of a direction that is not HTTP (any more); a flow that is not HTTP at
   * all leaves the message table too (its later events are not parsed: they make no entry).
   */
  private stopWhereNotHttp(flowId: number, state: FlowState, dir: Direction): void {
    const messages = this.table.get(flowId);
    if (!messages || messages.protocol === 'undecided') return;
    if (!messages.http) {
      state.windows.c2s.stop();
      state.windows.s2c.stop();
      this.table.delete(flowId);
    } else if (messages.http.rawFrom(dir) !== undefined && !messages.http.websocket) {
      state.windows[dir].stop();
    }
  }

  /** The listener: a message is over; its body is decoded now, while its bytes are held. */
  private messageOver(flowId: number, message: HttpMessage, exchange: HttpExchange): void {
    const state = this.flows.get(flowId);
    if (!state) return;
    this.emitWaiting(flowId, state, message.dir, exchange);
    if (message.kind === 'response' && message !== exchange.response) return; // an interim 1xx: no body
    const read = (dir: Direction, offset: number, length: number): Uint8Array => state.windows[dir].read(offset, length);
    const decoded = message.body.length > 0 ? messageBody(read, message, this.maxBodyBytes) : undefined;
    state.windows[message.dir].release(messageEnd(message));
    const body = decoded && this.hold(decoded);
    let pending = state.open.get(exchange);
    if (!pending) state.open.set(exchange, (pending = { bodies: {}, requestOver: false, responseOver: false }));
    if (message.kind === 'request') {
      pending.requestOver = true;
      if (body) pending.bodies.request = body;
    } else {
      pending.responseOver = true;
      if (body) pending.bodies.response = body;
      const http = this.table.get(flowId)?.http;
      if (http?.websocket && message.status === 101) state.websocket = { exchange, messages: new WebSocketMessages(http.requestDir, this.budget, this.maxBodyBytes) };
    }
    if (pending.responseOver && (pending.requestOver || !exchange.request) && state.websocket?.exchange !== exchange) {
      state.open.delete(exchange);
      pending.waitsFor = [exchange.response, exchange.request].find((m) => m?.incomplete)?.dir;
      if (pending.waitsFor === undefined) this.emit(flowId, state, exchange, pending.bodies);
      else state.waiting.set(exchange, pending);
    }
  }

  /** A message of `dir` is over: the exchanges that waited for it (see {@link Pending.waitsFor}), but `exchange`, become entries. */
  private emitWaiting(flowId: number, state: FlowState, dir: Direction, exchange: HttpExchange): void {
    for (const [waiting, pending] of state.waiting) {
      if (pending.waitsFor !== dir || waiting === exchange) continue;
      state.waiting.delete(waiting);
      this.emit(flowId, state, waiting, pending.bodies);
    }
  }

  /** The listener: a WebSocket frame is over; its payload is read now, while its bytes are held. */
  private frameOver(flowId: number, frame: WebSocketFrame): void {
    const state = this.flows.get(flowId);
    if (!state?.websocket) return;
    const window = state.windows[frame.dir];
    const payloadAt = frame.offset + frame.headerLength;
    state.websocket.messages.add(frame, () => window.read(payloadAt, frame.payloadLength));
    window.release(payloadAt + frame.payloadLength);
    if (state.websocket.messages.full) {
      state.windows.c2s.stop();
      state.windows.s2c.stop();
    }
  }

  /** A decoded body waiting for its entry, charged to the budget; without its bytes when the budget is spent. */
  private hold(body: DecodedBody): DecodedBody {
    if (this.budget.take(body.bytes.length)) return body;
    return { ...body, bytes: new Uint8Array(0), cut: true, notes: [...body.notes, 'not kept: the budget for bodies in flight was spent'] };
  }

  /** The flow is over: its exchanges still open become entries, and its state goes. */
  private finishFlow(flowId: number): void {
    const state = this.flows.get(flowId);
    if (!state) return;
    const websocket = state.websocket;
    if (websocket) {
      websocket.messages.end();
      const pending = state.open.get(websocket.exchange);
      if (pending) pending.bodies.webSocket = websocket.messages;
    }
    for (const [exchange, pending] of state.open) this.emit(flowId, state, exchange, pending.bodies, state.cutBy);
    for (const [exchange, pending] of state.waiting) this.emit(flowId, state, exchange, pending.bodies);
    state.windows.c2s.stop();
    state.windows.s2c.stop();
    this.flows.delete(flowId);
    const http = this.table.get(flowId)?.http;
    if (http) this.omitted += http.exchanges.filter((e) => !e.request && (e.response || e.interim.length > 0)).length;
    this.table.delete(flowId);
  }

  /** Makes the entry of `exchange` (none without a request) and gives its bodies' budget back. */
  private emit(flowId: number, state: FlowState, exchange: HttpExchange, bodies: HarBodies, cutBy?: string): void {
    this.budget.give((bodies.request?.bytes.length ?? 0) + (bodies.response?.bytes.length ?? 0) + (bodies.webSocket?.charged ?? 0));
    const server = receiverOf(state.key, this.table.get(flowId)?.http?.requestDir ?? 'c2s');
    const entry = harEntry({ flowId, server, cutBy }, exchange, bodies, (addr) => isIP(addr) !== 0);
    if (!entry) return;
    try {
      this.spill.add(exchange.request!.firstTs, flowId, exchange.index, JSON.stringify(entry));
    } catch (err) {
      throw new UserError(`cannot write ${this.options.path}: ${fileErrorReason(err)}`);
    }
  }

  private write(fd: number): void {
    const log = {
      version: '1.2',
      creator: { name: 'flowspy', version: this.options.creatorVersion },
      pages: [],
      ...(this.omitted > 0 ? { comment: `${countOf(this.omitted, 'response')} without a request left out` } : {}),
    };
    let position = 0;
    const put = (bytes: Uint8Array): void => {
      writeFully(fd, bytes, 0, bytes.length, position);
      position += bytes.length;
    };
    put(Buffer.from(`${JSON.stringify({ log }).slice(0, -2)},"entries":[${this.spill.count > 0 ? '\n' : ''}`));
    this.spill.each(put);
    put(Buffer.from('\n]}}\n'));
  }
}
