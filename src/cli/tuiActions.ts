/**
 * The TUI's `s` and `w` for one run: `s` saves the selected flow in the current directory
 * (tcpflow's file names plus a `.log` dialogue), `w` writes the flows shown to a new pcap file:
 * the original packets when the flows came from a capture file, else ones rebuilt from the streams; `y`
 * writes a curl command; `b` writes the HTTP body in view, decoded. All reject with one line for the status row; none overwrites a file.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { errorLine } from '../core/errors.js';
import { relative, resolve } from 'node:path';
import type { FlowStore } from '../store/flowStore.js';
import { saveBody } from '../tui/actions/saveBody.js';
import { saveFlow } from '../tui/actions/saveFlow.js';
import { writeFlowsPcap } from '../tui/actions/writePcap.js';
import type { TuiActions } from '../tui/app.js';

/** Actions over `store`; `sourceFile` is the capture file the flows came from, if any. */
export function tuiActions(store: FlowStore, sourceFile: string | undefined): TuiActions {
  return {
    saveText: async (name, content) => {
      for (let n = 0; ; n++) {
        const path = n === 0 ? name : name.replace(/(\.[^.]*)?$/, `-${n}$1`);
        try {
          await writeFile(resolve(path), content, { flag: 'wx' });
          return path;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 999) throw new Error(`cannot write ${path}: ${errorLine(error)}`);
        }
      }
    },
    saveFlow: async (flowId) => {
      const paths = await saveFlow(store, flowId, process.cwd(), { timestamps: true });
      return paths.map((path) => relative(process.cwd(), path));
    },
    saveBody: async (flowId, target) => {
      const saved = await saveBody(store, flowId, target, process.cwd());
      return { ...saved, path: relative(process.cwd(), saved.path) };
    },
    writePcap: async (flowIds, path) => {
      const target = resolve(path);
      if (existsSync(target)) throw new Error(`${path} exists: give another name`);
      return writeFlowsPcap(store, flowIds, target, sourceFile ? { kind: 'file', path: sourceFile } : { kind: 'synthesized' });
    },
  };
}
