/**
 * Test helper: one flow fed, as the TUI has it, into a FlowStore and a MessageTable, written as
 * sends (each cut into pieces that the store keeps as separate chunks), gaps and an end. The
 * store is disposed when the test finishes.
 */
import { onTestFinished } from 'vitest';
import type { Direction, FlowEvent, FlowKey } from '../../src/core/types.js';
import type { FlowMessages } from '../../src/messages/flowMessages.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import type { HttpExchange } from '../../src/messages/types.js';
import { FlowStore } from '../../src/store/flowStore.js';
import type { BodyRole, BodyTarget } from '../../src/tui/conversation/bodyInView.js';
import type { FlowChunks } from '../../src/tui/conversation/rawLines.js';

export const FLOW = 1;
export const KEY: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };

/** {@link KEY} with the server on `port`. */
export function keyTo(port: number): FlowKey {
  return { ...KEY, server: { ...KEY.server, port } };
}

/**
 * A flow being written. Events are `step` µs apart: 2 ms by default, so the store keeps each
 * event's bytes in a chunk of their own; 1 ms or less joins a direction's consecutive bytes.
 */
export function liveFlow(key: FlowKey = KEY, step = 2000) {
  const store = new FlowStore();
  onTestFinished(() => store.dispose());
  const table = new MessageTable();
  const at = { c2s: 0, s2c: 0 };
  let ts = 1_000_000;
  let events = 0;
  const apply = (event: FlowEvent) => {
    store.apply(event);
    table.apply(event);
    events++;
  };
  apply({ type: 'flow-start', flowId: FLOW, key, ts, origin: 'proxy', sawHandshake: true });
  const flow = {
    store,
    /** The flow's messages; a view made before the first byte holds them from the start (as the table makes them at the first event, a note for it is given to the table alone). */
    get messages(): FlowMessages {
      if (table.get(FLOW) === undefined) table.apply({ type: 'note', flowId: FLOW, ts, text: 'test: messages held from the start' });
      return table.get(FLOW)!;
    },
    get exchanges(): readonly HttpExchange[] {
      return table.get(FLOW)!.http!.exchanges;
    },
    /** Exchange `index`'s `role` message as `b` targets it. */
    target(index: number, role: BodyRole): BodyTarget {
      return { exchange: index, role, message: table.get(FLOW)!.http!.exchanges[index][role]! };
    },
    /** Changes with every event (a view's stamp). */
    get stamp(): string {
      return `${events}`;
    },
    /** Bytes returned by {@link read} so far. */
    bytesRead: 0,
    /** The store's `read` for this flow, counted in {@link bytesRead}. */
    read(dir: Direction, offset: number, length: number): Uint8Array {
      const bytes = store.read(FLOW, dir, offset, length);
      flow.bytesRead += bytes.length;
      return bytes;
    },
    /** Chunks looked at through {@link chunks} so far. */
    chunksRead: 0,
    /** The flow's chunk index, its chunks counted in {@link chunksRead}. */
    chunks: {
      chunk: (index: number) => {
        flow.chunksRead++;
        return store.getChunk(FLOW, index);
      },
      chunkAt: (dir: Direction, offset: number) => store.chunkAt(FLOW, dir, offset),
    } satisfies FlowChunks,
    /** Sends `data` in `pieces` data events of about equal size. */
    send(dir: Direction, data: string | Uint8Array, pieces = 1) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      const size = Math.max(1, Math.ceil(bytes.length / pieces));
      for (let from = 0; from < bytes.length; from += size) {
        const piece = bytes.slice(from, from + size);
        ts += step;
        apply({ type: 'data', flowId: FLOW, dir, offset: at[dir], bytes: piece, length: piece.length, ts, fileOffset: -1 });
        at[dir] += piece.length;
      }
    },
    gap(dir: Direction, length: number) {
      ts += step;
      apply({ type: 'gap', flowId: FLOW, dir, offset: at[dir], length, ts });
      at[dir] += length;
    },
    /** `dir`'s FIN. */
    fin(dir: Direction) {
      ts += step;
      apply({ type: 'half-close', flowId: FLOW, dir, ts });
    },
    /** The capture's clock steps back `micros` (an NTP step): the next events are stamped earlier. */
    stepBack(micros: number) {
      ts -= micros;
    },
    end() {
      ts += step;
      apply({ type: 'flow-end', flowId: FLOW, ts, reason: 'fin', detail: undefined });
    },
  };
  return flow;
}
