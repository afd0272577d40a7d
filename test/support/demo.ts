/** The demo capture, loaded once per test file into a FlowStore and a MessageTable, as the TUI has them. */
import { beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { FlowStore } from '../../src/store/flowStore.js';

/** The demo capture's path. */
export const DEMO = fileURLToPath(new URL('../../demo/demo.pcap', import.meta.url));

/** Loads the demo before the file's tests (the store disposed after them); read its parts in the tests. */
export function useDemo(): { readonly store: FlowStore; readonly messages: MessageTable } {
  let store: FlowStore | undefined;
  let messages: MessageTable | undefined;
  beforeAll(async () => {
    const loading = new FlowStore({ sourceFile: DEMO });
    const table = new MessageTable();
    await runCapture({ source: DEMO, sinks: [(event) => loading.apply(event), (event) => table.apply(event)] });
    [store, messages] = [loading, table];
    return () => loading.dispose();
  });
  return {
    get store() {
      return store!;
    },
    get messages() {
      return messages!;
    },
  };
}
