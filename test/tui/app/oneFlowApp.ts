/**
 * Test helper: the app in process (see `screenInProcess.ts`) over one flow of a file source,
 * 10.0.0.1:1000 to 10.0.0.2:`port`, fed into a FlowStore and a MessageTable from `sends` (each
 * a direction and its text, in order) and ended or not. The caller disposes the app.
 */
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { TuiApp, type TuiActions, type TuiSource } from '../../../src/tui/app.js';
import { openInProcessScreen } from '../../support/screenInProcess.js';

/** What {@link openOneFlowApp} builds the flow and the screen from. */
export interface OneFlow {
  readonly port: number;
  readonly sends: readonly (readonly ['c2s' | 's2c', string])[];
  readonly ended?: boolean;
  readonly cols: number;
  readonly rows: number;
}

/** Opens the app on the flow; resolves once its status row lists `1 flow`. */
export async function openOneFlowApp(flow: OneFlow): Promise<{ app: TuiApp; screen: ReturnType<typeof openInProcessScreen>['screen'] }> {
  const store = new FlowStore();
  const table = new MessageTable();
  const apply = (event: Parameters<FlowStore['apply']>[0]): void => {
    store.apply(event);
    table.apply(event);
  };
  const key = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: flow.port } };
  apply({ type: 'flow-start', flowId: 1, key, ts: 1, origin: 'proxy', sawHandshake: true });
  const offsets = { c2s: 0, s2c: 0 };
  let ts = 2;
  for (const [dir, text] of flow.sends) {
    const bytes = Buffer.from(text);
    apply({ type: 'data', flowId: 1, dir, offset: offsets[dir], bytes, length: bytes.length, ts: ts++, fileOffset: -1 });
    offsets[dir] += bytes.length;
  }
  if (flow.ended) apply({ type: 'flow-end', flowId: 1, ts: ts++, reason: 'fin', detail: '' });
  const source: TuiSource = { kind: 'file', label: () => 'one.pcap', counters: () => undefined, running: () => false, problem: () => undefined };
  const { terminal, screen } = openInProcessScreen({ cols: flow.cols, rows: flow.rows });
  const app = new TuiApp({ terminal, store, source, actions: {} as TuiActions, follow: false, messages: (id) => table.get(id) });
  await screen.waitFor(() => (screen.line(screen.rows - 2) + screen.line(screen.rows - 1)).includes('1 flow'));
  return { app, screen };
}
