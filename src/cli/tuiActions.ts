/**
 * The TUI's `s` and `w` for one run: `s` saves the selected flow in the current directory
 * (tcpflow's file names plus a `.log` dialogue), `w` writes the flows shown to a new pcap file:
 * the original packets when the flows came from a capture file, else synthesized ones. Both
 * reject with one line for the status row; neither overwrites a file.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { FlowStore } from '../store/flowStore.js';
import { saveFlow } from '../tui/actions/saveFlow.js';
import { writeFlowsPcap } from '../tui/actions/writePcap.js';
import type { TuiActions } from '../tui/app.js';

/** Actions over `store`; `sourceFile` is the capture file the flows came from, if any. */
export function tuiActions(store: FlowStore, sourceFile: string | undefined): TuiActions {
  return {
    saveFlow: async (flowId) => {
      const paths = await saveFlow(store, flowId, process.cwd(), { timestamps: true });
      return paths.map((path) => relative(process.cwd(), path));
    },
    writePcap: async (flowIds, path) => {
      const target = resolve(path);
      if (existsSync(target)) throw new Error(`${path} exists: give another name`);
      const written = await writeFlowsPcap(store, flowIds, target, sourceFile ? { kind: 'file', path: sourceFile } : { kind: 'synthesized' });
      return written.packets;
    },
  };
}
