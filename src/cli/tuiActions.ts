/**
 * The TUI's `s` and `w`: which code saves a flow and writes a pcap for this run.
 */
import type { FlowStore } from '../store/flowStore.js';
import type { TuiActions } from '../tui/app.js';

/** Actions over `store`; `sourceFile` is the capture file the flows came from, if any. */
export function tuiActions(_store: FlowStore, _sourceFile: string | undefined): TuiActions {
  return {
    saveFlow: () => Promise.reject(new Error('saving is not built yet')),
    writePcap: () => Promise.reject(new Error('writing a pcap is not built yet')),
  };
}
