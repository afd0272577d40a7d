/**
 * The flow model shared by both engines (capture and proxy) and every view.
 * See ../../../shared/DESIGN.md. Nothing here knows which engine produced a flow.
 */

/** Which way bytes travel: client to server, or server to client. */
export type Direction = 'c2s' | 's2c';

/**
 * One side of a TCP connection. `addr` is a dotted IPv4 or RFC 5952 IPv6 string; a proxied flow's
 * server is its upstream as configured, which may be a host name.
 */
export interface Endpoint {
  readonly addr: string;
  readonly port: number;
}

/**
 * Identifies a conversation. `client` is the side that sent the SYN; without a handshake
 * it is a guess (and the `flow-start` event says `sawHandshake: false`).
 * `vlan` is the outermost 802.1Q tag (as tcpflow keys and names flows) when the packets carried one.
 */
export interface FlowKey {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly vlan?: number;
}

/** Why a flow ended. */
export type FlowEndReason = 'fin' | 'rst' | 'timeout' | 'error' | 'evicted';

/** The detail of the 'timeout' end of a flow still open when its capture ended (a file's end, a stop). */
export const CAPTURE_ENDED = 'capture ended';

/** True for the end of a flow still open when its capture ended: no timeout of the flow's own (the TUI says `open`). */
export function endedWithCapture(end: { readonly reason: FlowEndReason; readonly detail?: string | undefined } | undefined): boolean {
  return end?.reason === 'timeout' && end.detail === CAPTURE_ENDED;
}

/** The detail of the 'rst' end of a connection refused: the server answered the client's SYN with a reset. */
export const REFUSED = 'refused: the server answered the SYN with a reset';

/** The detail of the 'rst' end of a proxied flow still open when its proxy closed: flowspy reset both sides. */
export const PROXY_CLOSED = 'proxy closed';

/**
 * How the detail of the 'rst' end of a proxied connection starts when flowspy reset the client
 * because the upstream could not be reached, e.g. `upstream 127.0.0.1:9 refused: ECONNREFUSED`.
 */
export const UPSTREAM_FAILED = 'upstream ';

/** Whether a flow's `end` is flowspy's reset of a proxied client whose upstream could not be reached ({@link UPSTREAM_FAILED}). */
export function upstreamFailed(end: { readonly reason: FlowEndReason; readonly detail?: string | undefined } | undefined): boolean {
  return end?.reason === 'rst' && end.detail?.startsWith(UPSTREAM_FAILED) === true;
}

/**
 * How far a capture flow begun with a SYN got through the three-way handshake: the SYN only, the
 * SYN and the SYN/ACK, or all of it (the final ACK, or data either way, seen).
 */
export type HandshakeSeen = 'syn' | 'syn-ack' | 'complete';

/** Which engine produced a flow. */
export type FlowOrigin = 'capture' | 'proxy';

/**
 * Time in microseconds since the Unix epoch (may carry a fraction for nanosecond captures).
 * Always passed in by the source: the capture's timestamps or the proxy's clock.
 */
export type Micros = number;

/** A new conversation. Emitted once per flow, before any other event of that flow. */
export interface FlowStartEvent {
  readonly type: 'flow-start';
  readonly flowId: number;
  readonly key: FlowKey;
  readonly ts: Micros;
  readonly origin: FlowOrigin;
  readonly sawHandshake: boolean;
  /**
   * The server has not accepted the connection yet (a proxied client, its upstream connect under
   * way): a `connected` event follows when it does, else the flow ends with the failure. The
   * client's bytes meanwhile are `data` stamped when they came. Absent otherwise.
   */
  readonly connecting?: true;
}

/** The server of a flow that started `connecting` accepted the connection: bytes go through from now on. */
export interface ConnectedEvent {
  readonly type: 'connected';
  readonly flowId: number;
  readonly ts: Micros;
  /** The address connected to: the flow's server as an IP address (its key may name it by host name). */
  readonly server: Endpoint;
}

/**
 * Bytes of one direction at stream offset `offset` (0 = first byte after the SYN, or the
 * first byte seen when the capture started mid-stream). Offsets of a direction only grow,
 * and data and gap events of one direction tile the stream without overlap.
 *
 * The event and its `bytes` are valid only during the call: a consumer copies what it keeps (an
 * engine may pass the same object again for its next data event).
 * `fileOffset` is the position of `bytes[0]` in the capture file the bytes were read from, so a
 * store may keep a reference instead of a copy; -1 when they are not in a file (a pipe, IP
 * fragments put back together, the proxy).
 */
export interface DataEvent {
  readonly type: 'data';
  readonly flowId: number;
  readonly dir: Direction;
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** `bytes.length`: readable without touching `bytes`, which an engine may make only when read. */
  readonly length: number;
  readonly ts: Micros;
  readonly fileOffset: number;
}

/** `length` bytes of one direction starting at `offset` were never seen (lost or not captured). */
export interface GapEvent {
  readonly type: 'gap';
  readonly flowId: number;
  readonly dir: Direction;
  readonly offset: number;
  readonly length: number;
  readonly ts: Micros;
  /**
   * True when the packets carrying these bytes were seen, cut by the capture's snap length
   * (captured length < wire length): sent, not lost. Absent otherwise.
   */
  readonly notCaptured?: true;
}

/** The sender of direction `dir` finished sending (FIN seen, or shutdown on the proxy). */
export interface HalfCloseEvent {
  readonly type: 'half-close';
  readonly flowId: number;
  readonly dir: Direction;
  readonly ts: Micros;
}

/** Something a user should see about the flow, e.g. data sent after the peer's FIN. */
export interface NoteEvent {
  readonly type: 'note';
  readonly flowId: number;
  readonly ts: Micros;
  readonly text: string;
}

/** The flow is over. Emitted exactly once per flow, last. */
export interface FlowEndEvent {
  readonly type: 'flow-end';
  readonly flowId: number;
  readonly ts: Micros;
  readonly reason: FlowEndReason;
  /**
   * What ended it, when there is more to say than `reason`; undefined when there is nothing to
   * say. Always present, so that every flow-end event has one shape and the code consuming events
   * stays monomorphic.
   */
  readonly detail: string | undefined;
  /**
   * Capture flows: the time of the flow's last packet, one without payload too (a flow that ends
   * by a timeout or eviction ends after it, at `ts`). Absent from proxy flows.
   */
  readonly lastSeen?: Micros;
  /** Capture flows begun with a SYN: how far the handshake got. Absent from proxy flows and mid-stream ones. */
  readonly handshake?: HandshakeSeen;
}

/** Everything an engine tells the model. */
export type FlowEvent =
  | FlowStartEvent
  | ConnectedEvent
  | DataEvent
  | GapEvent
  | HalfCloseEvent
  | NoteEvent
  | FlowEndEvent;

/**
 * Receives events synchronously, in order. Must not keep a data event or its `bytes` past the call:
 * an engine may pass the same DataEvent object again, with new contents, for its next data event.
 */
export type FlowEventSink = (event: FlowEvent) => void;

/** The opposite direction. */
export function otherDirection(dir: Direction): Direction {
  return dir === 'c2s' ? 's2c' : 'c2s';
}

/** 'client' or 'server': the sender of direction `dir`. */
export function roleName(dir: Direction): string {
  return dir === 'c2s' ? 'client' : 'server';
}

/** The end of flow `key` that direction `dir` goes to: the server for `c2s`, the client for `s2c`. */
export function receiverOf(key: FlowKey, dir: Direction): Endpoint {
  return dir === 'c2s' ? key.server : key.client;
}
