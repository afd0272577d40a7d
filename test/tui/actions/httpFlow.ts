/**
 * Test helper: one flow fed, as the TUI has it, into a FlowStore and a MessageTable, written as
 * sends (each cut into pieces that the store keeps as separate chunks), gaps and an end.
 */
import type { Direction, FlowEvent, FlowKey } from '../../../src/core/types.js';
import type { FlowMessages } from '../../../src/messages/flowMessages.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import type { HttpExchange } from '../../../src/messages/types.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import type { BodyRole, BodyTarget } from '../../../src/tui/conversation/bodyInView.js';

export const FLOW = 1;
export const KEY: FlowKey = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };

/** A flow being written; `dispose()` the store when done. */
export function httpFlow(key: FlowKey = KEY) {
  const store = new FlowStore();
  const table = new MessageTable();
  const at = { c2s: 0, s2c: 0 };
  // 2 ms apart: the store joins only bytes that arrive within a millisecond.
  let ts = 1_000_000;
  const apply = (event: FlowEvent) => {
    store.apply(event);
    table.apply(event);
  };
  apply({ type: 'flow-start', flowId: FLOW, key, ts, origin: 'proxy', sawHandshake: true });
  return {
    store,
    get messages(): FlowMessages {
      return table.get(FLOW)!;
    },
    get exchanges(): readonly HttpExchange[] {
      return table.get(FLOW)!.http!.exchanges;
    },
    /** Exchange `index`'s `role` message as `b` targets it. */
    target(index: number, role: BodyRole): BodyTarget {
      return { exchange: index, role, message: table.get(FLOW)!.http!.exchanges[index][role]! };
    },
    /** Sends `data` in `pieces` data events of about equal size. */
    send(dir: Direction, data: string | Uint8Array, pieces = 1) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      const step = Math.max(1, Math.ceil(bytes.length / pieces));
      for (let from = 0; from < bytes.length; from += step) {
        const piece = bytes.slice(from, from + step);
        ts += 2000;
        apply({ type: 'data', flowId: FLOW, dir, offset: at[dir], bytes: piece, length: piece.length, ts, fileOffset: -1 });
        at[dir] += piece.length;
      }
    },
    gap(dir: Direction, length: number) {
      ts += 2000;
      apply({ type: 'gap', flowId: FLOW, dir, offset: at[dir], length, ts });
      at[dir] += length;
    },
    end() {
      ts += 2000;
      apply({ type: 'flow-end', flowId: FLOW, ts, reason: 'fin', detail: undefined });
    },
  };
}
