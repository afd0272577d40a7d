/**
 * The contract every headless output (console, log, json, directory, pcap) implements.
 * Outputs consume the flow model's events directly, synchronously and in order.
 */
import type { UserError } from '../core/errors.js';
import type { FlowEvent } from '../core/types.js';

/**
 * A consumer of flow events that renders them somewhere (stdout, files).
 * `handle` is called for every event in order and must not keep a data event or its `bytes`
 * past the call. `close` is called once at the end: it writes whatever is still buffered (partial
 * lines, file buffers) and releases resources; no `handle` call follows it.
 * Errors a user must act on (cannot write a file) are thrown as `UserError`.
 */
export interface FlowOutput {
  handle(event: FlowEvent): void;
  close(): Promise<void> | void;
  /**
   * Optional backpressure: undefined when the output keeps up, else a promise that resolves
   * when the producer may go on. Producers that can wait (file reading) await it between
   * batches; live sources do not, and the output then buffers.
   */
  backlog?(): Promise<void> | undefined;
  /**
   * Optional: registers the one listener told of a failure found outside a `handle` call (a
   * writer thread's file error, a file found unwritable when opened), at once when it already
   * happened. The output writes nothing more after a failure; `close` still releases it.
   */
  onFailure?(listener: (error: UserError) => void): void;
}

/**
 * Where text outputs write. Called with complete lines, each ending in `\n` (several lines
 * may come in one call), as a string or as UTF-8 bytes; bytes are valid only during the call
 * (the sink copies what it keeps). The CLI batches it to stdout.
 */
export type TextSink = (text: string | Uint8Array) => void;
