/**
 * The `s` key's stream files against what `-o` writes (DirectoryOutput, its writer thread needs
 * dist/): same names, same bytes, for every flow of the demo.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../../src/engine/captureRun.js';
import { DirectoryOutput } from '../../../src/outputs/dir.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { saveFlow } from '../../../src/tui/actions/saveFlow.js';
import { demoPcap } from './demoRun.js';

describe('saveFlow writes the files -o writes', () => {
  let tmp: string;
  let store: FlowStore;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flowspy-save-o-'));
    store = new FlowStore({ sourceFile: demoPcap });
    const output = new DirectoryOutput({ dir: join(tmp, 'o') });
    await runCapture({ source: demoPcap, sinks: [(e) => store.apply(e), (e) => output.handle(e)] });
    await output.close();
  });
  afterAll(() => {
    store.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('for each demo flow: the same two names with the same bytes', async () => {
    const written = readdirSync(join(tmp, 'o')).sort();
    const saved: string[] = [];
    for (const flow of store.flows()) {
      const paths = await saveFlow(store, flow.id, join(tmp, 's'));
      const streams = paths.filter((p) => !p.endsWith('.log'));
      expect(streams.length).toBe(2);
      for (const path of streams) {
        saved.push(basename(path));
        expect(readFileSync(path).equals(readFileSync(join(tmp, 'o', basename(path)))), basename(path)).toBe(true);
      }
    }
    expect(saved.sort()).toEqual(written);
    expect(written.length).toBe(10);
  });
});
