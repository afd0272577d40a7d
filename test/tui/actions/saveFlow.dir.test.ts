/**
 * The `s` key's stream files against what `-o` writes (DirectoryOutput, its writer thread needs
 * dist/): the same bytes as tcpflow's name for that side holds, for every flow of the demo.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../../src/engine/captureRun.js';
import { DirectoryOutput } from '../../../src/outputs/dir.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { saveFlow } from '../../../src/tui/actions/saveFlow.js';
import { tcpflowDirectionName } from '../../../src/outputs/tcpflowNames.js';
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

  it('for each demo flow: each side\'s file holds the bytes of -o\'s file for that side', async () => {
    const written = readdirSync(join(tmp, 'o')).sort();
    mkdirSync(join(tmp, 's'));
    const saved: string[] = [];
    for (const flow of store.flows()) {
      const files = await saveFlow(store, flow.id, join(tmp, 's'), `demo-${flow.id}`);
      const streams = files.filter((file) => file.side !== 'log');
      expect(streams.length).toBe(2);
      for (const { path, side } of streams) {
        if (side === 'log') continue;
        const name = tcpflowDirectionName(flow.key, side);
        saved.push(name);
        expect(readFileSync(path).equals(readFileSync(join(tmp, 'o', name))), basename(path)).toBe(true);
      }
    }
    expect(saved.sort()).toEqual(written);
    expect(written.length).toBe(10);
  });
});
