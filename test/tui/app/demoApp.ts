/**
 * Test helper: the app in process (see `screenInProcess.ts`) on the demo as `useDemo()` loads it,
 * a file source named `demo.pcap`, not following. The caller disposes the app.
 */
import type { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import type { MessagesOf } from '../../../src/tui/flowList/filter.js';
import { openInProcessScreen, type InProcessOptions } from '../../support/screenInProcess.js';

/** The demo as a file already read. */
export const DEMO_FILE: TuiSource = { kind: 'file', label: () => 'demo.pcap', counters: () => undefined, running: () => false, problem: () => undefined };

/** The screen's size and environment, the app's actions (default none), messages (default none) and source (default {@link DEMO_FILE}). */
export interface DemoAppOptions extends InProcessOptions {
  readonly actions?: TuiActions;
  readonly messages?: MessagesOf;
  readonly source?: TuiSource;
}

/**
 * Opens the app on the demo's `store`; resolves once its status row (the second last row, the
 * last under 20 rows, which have no hint row) lists the 5 flows.
 */
export async function openDemoApp(store: FlowStore, options: DemoAppOptions) {
  const { actions = {} as TuiActions, messages, source = DEMO_FILE, ...screenOptions } = options;
  const { terminal, screen } = openInProcessScreen(screenOptions);
  const app = new TuiApp({ terminal, store, source, actions, follow: false, ...(messages ? { messages } : {}) });
  const status = (): string => screen.line(screen.rows - (screen.rows >= 20 ? 2 : 1));
  await screen.waitFor(() => status().includes('5 flows'));
  return { app, screen, terminal, status };
}
