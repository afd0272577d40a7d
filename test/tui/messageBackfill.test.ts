import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { FlowStore } from '../../src/store/flowStore.js';
import { MessageBackfill } from '../../src/tui/messageBackfill.js';

const DEMO = fileURLToPath(new URL('../../demo/demo.pcap', import.meta.url));

describe('message backfill', () => {
  it('parses a loaded capture\'s flows from the store: the same summaries as parsing while loading', async () => {
    const store = new FlowStore({ sourceFile: DEMO });
    const eager = new MessageTable();
    await runCapture({ source: DEMO, sinks: [(event) => store.apply(event), (event) => eager.apply(event)] });
    const table = new MessageTable();
    let progress = 0;
    const backfill = new MessageBackfill(store, table, () => progress++);
    const running = backfill.run();
    expect(backfill.total).toBe(5);
    await running;
    expect(backfill.busy).toBe(false);
    expect(progress).toBe(5);
    for (const id of [1, 2, 3, 4, 5]) expect(table.get(id)?.summary(), `flow ${id}`).toBe(eager.get(id)?.summary());
    expect(table.get(3)?.summary()).toMatch(/^! #2 GET \/api\/status\?again=1 → after-close/);
    store.dispose();
  });

  it('stops after the flow in progress', async () => {
    const store = new FlowStore({ sourceFile: DEMO });
    await runCapture({ source: DEMO, sinks: [(event) => store.apply(event)] });
    const table = new MessageTable();
    const backfill = new MessageBackfill(store, table, () => backfill.stop());
    await backfill.run();
    expect(backfill.done).toBe(1);
    expect(table.get(2)).toBeUndefined();
    store.dispose();
  });
});
