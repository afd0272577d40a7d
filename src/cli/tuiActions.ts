/**
 * The TUI's `s` and `w` for one run: `s` saves the selected flow where its prompt says (both
 * sides' bytes plus a `.log` dialogue), `w` writes the flows shown to a new pcap file:
 * the original packets when the flows came from a capture file, else ones rebuilt from the streams; `y`
 * writes a curl command; `b` writes the HTTP body in view, decoded, or the mail (SMTP DATA) in view. All reject with one line for the status row; none overwrites a file.
 */
import { existsSync } from 'node:fs';
import { errorLine } from '../core/errors.js';
import { relative, resolve } from 'node:path';
import type { FlowStore } from '../store/flowStore.js';
import { createNewFiles, removeFiles } from '../tui/actions/newFiles.js';
import { saveBody } from '../tui/actions/saveBody.js';
import { saveFlow } from '../tui/actions/saveFlow.js';
import { saveMail } from '../tui/actions/saveMail.js';
import { writeFlowsPcap } from '../tui/actions/writePcap.js';
import type { TuiActions } from '../tui/app.js';

/**
 * Actions over `store`; `sourceFile` is the capture file the flows came from, if any; `stem`
 * starts the default file names (see TuiActions).
 */
export function tuiActions(store: FlowStore, sourceFile: string | undefined, stem: string): TuiActions {
  return {
    stem,
    saveFiles: async (names, contentsOf) => {
      // A taken name gets tcpflow's suffix before its extension: demo-1-2c1.curl.
      const files = await createNewFiles(process.cwd(), (n) => names.map((name) => (n === 0 ? name : name.replace(/(\.[^.]*)?$/, `c${n}$1`))));
      try {
        const contents = contentsOf(files.map((file) => file.path));
        for (let i = 0; i < files.length; i++) await files[i].handle.writeFile(contents[i]);
        await Promise.all(files.map((file) => file.handle.close()));
      } catch (error) {
        await removeFiles(files);
        throw new Error(`cannot write ${files[0].path}: ${errorLine(error)}`);
      }
      return files.map((file) => relative(process.cwd(), file.path));
    },
    saveFlow: async (flowId, place) => {
      const saved = await saveFlow(store, flowId, resolve(place.directory), place.name ?? `${stem}-${flowId}`, { timestamps: true, exact: place.name !== undefined });
      return saved.map((file) => ({ ...file, path: relative(process.cwd(), file.path) }));
    },
    saveBody: async (flowId, target, place) => {
      const saved = await saveBody(store, flowId, target, resolve(place.directory), { name: place.name });
      return { ...saved, path: relative(process.cwd(), saved.path) };
    },
    saveMail: async (flowId, target, place) => {
      const saved = await saveMail(store, flowId, target, resolve(place.directory), { name: place.name });
      return { ...saved, path: relative(process.cwd(), saved.path) };
    },
    writePcap: async (flowIds, path) => {
      const target = resolve(path);
      if (existsSync(target)) throw new Error(`${path} exists: give another name`);
      return writeFlowsPcap(store, flowIds, target, sourceFile ? { kind: 'file', path: sourceFile } : { kind: 'synthesized' });
    },
  };
}
