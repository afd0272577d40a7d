/** The demo capture loaded into a FlowStore once per test file, for tests that run the app in-process. */
import { beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCapture } from '../../../src/engine/captureRun.js';
import { FlowStore } from '../../../src/store/flowStore.js';

const DEMO = fileURLToPath(new URL('../../../demo/demo.pcap', import.meta.url));

/** Loads the demo before the file's tests (disposed after them); returns a getter of the store. */
export function useDemoStore(): () => FlowStore {
  let store: FlowStore | undefined;
  beforeAll(async () => {
    store = new FlowStore({ sourceFile: DEMO });
    await runCapture({ source: DEMO, sinks: [(event) => store!.apply(event)] });
    return () => store!.dispose();
  });
  return () => store!;
}
