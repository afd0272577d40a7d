/**
 * Messages of a capture file's flows, parsed after the file is loaded rather than while it
 * loads: the list shows every flow (with its first line) as soon as the bytes are in the store,
 * and the summaries and the messages mode follow, flow after flow, from the store. Each flow is
 * replayed as {@link startReplay} does it: the chunks of a body are counted together, not read, and
 * the event loop gets a turn once {@link SLICE_MS} ms have passed, looked at after each flow and
 * every 4 MiB read or 16,384 events, so keys are answered throughout. Owned by the TUI run;
 * `stop()` ends it (at quit).
 */
import type { FlowEvent } from '../core/types.js';
import type { FlowMessages } from '../messages/flowMessages.js';
import type { MessageTable } from '../messages/messageTable.js';
import type { FlowStore } from '../store/flowStore.js';
import { startReplay } from './actions/replayFlow.js';

/** Milliseconds of parsing between two turns of the event loop, at least (looked at between flows and batches). */
const SLICE_MS = 10;

/** Parses every flow held by `store` into `table`, in arrival order; `onProgress` after each flow, with its id. */
export class MessageBackfill {
  private stopped = false;
  /** Flows parsed so far. */
  done = 0;
  /** Flows to parse in all. */
  total = 0;
  /** When the event loop last had a turn. */
  private sliceStarted = performance.now();

  constructor(
    private readonly store: FlowStore,
    private readonly table: MessageTable,
    private readonly onProgress: (flowId: number) => void,
  ) {}

  /** True while flows are left to parse. */
  get busy(): boolean {
    return !this.stopped && this.done < this.total;
  }

  /** Parses the flows; resolves when all are done or `stop()` was called. A flow evicted meanwhile is skipped. */
  async run(): Promise<void> {
    const ids = [...this.store.flows()].map((flow) => flow.id);
    this.total = ids.length;
    this.sliceStarted = performance.now();
    for (const id of ids) {
      if (this.stopped) return;
      try {
        // Once the flow has its messages, its events go to them straight, not through the table.
        let messages: FlowMessages | undefined;
        const sink = (event: FlowEvent): void => {
          if (messages !== undefined) return messages.apply(event);
          this.table.apply(event);
          messages = this.table.get(id);
        };
        const replay = startReplay(this.store, id, sink, {
          pauseEveryBytes: 4 << 20,
          sliceBytes: 256 << 10,
          skippable: (dir) => (messages === undefined ? 0 : messages.skippable(dir)),
        });
        // Flows follow one another with no await between them until a slice is over.
        while (!replay.step()) {
          const turn = this.pause();
          if (turn) await turn;
          replay.checkHeld();
        }
      } catch {
        this.table.delete(id);
      }
      this.done++;
      this.onProgress(id);
      const turn = this.pause();
      if (turn) await turn;
    }
  }

  /** A turn of the event loop once {@link SLICE_MS} have passed since the last one, else nothing. */
  private pause(): Promise<void> | undefined {
    if (performance.now() - this.sliceStarted < SLICE_MS) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.sliceStarted = performance.now();
    });
  }

  /** Stops after the flow being parsed. */
  stop(): void {
    this.stopped = true;
  }
}
