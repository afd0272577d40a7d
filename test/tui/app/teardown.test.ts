/**
 * The app after `dispose()` (the CLI's teardown at `q` or a signal): the source may still report
 * its end and the store may still change while the recordings are finished; nothing is drawn.
 */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../../src/core/types.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

const key = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
const start = (flowId: number): FlowEvent => ({ type: 'flow-start', flowId, key, ts: flowId, origin: 'capture', sawHandshake: true });
const LIVE: TuiSource = { kind: 'live', label: () => 'lo', counters: () => undefined, running: () => true, problem: () => undefined };

describe('app teardown', () => {
  it('a source that ends after dispose() (flows still arriving) draws nothing and does not throw', async () => {
    const { terminal, screen } = openInProcessScreen({ cols: 100, rows: 24 });
    const store = new FlowStore({});
    try {
      const app = new TuiApp({ terminal, store, source: LIVE, actions: {} as TuiActions, follow: true });
      store.apply(start(1));
      await screen.waitFor(' #1 ');
      // Flows arrive between two frames (traffic in flight), then the CLI tears the app down;
      // the capture flushes what it held when it is stopped: more changes after the reader left.
      store.apply(start(2));
      app.dispose();
      store.apply(start(3));
      expect(() => app.sourceEnded()).not.toThrow();
      app.sourceChanged();
      await new Promise((resolve) => setTimeout(resolve, 150));
      await screen.flush();
      expect(screen.text().join('\n')).not.toContain(' #2 ');
    } finally {
      store.dispose();
    }
  });
});
