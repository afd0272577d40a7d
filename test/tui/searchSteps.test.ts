import { describe, expect, it } from 'vitest';
import { SearchSteps, type SearchScene } from '../../src/tui/searchSteps.js';
import type { FlowView } from '../../src/tui/flowList/flowView.js';

/** A `~text` filter whose search takes `steps` steps and finds nothing; what the scheduler was asked. */
function contentSearch(steps: number) {
  let done = 0;
  const asked: string[] = [];
  const list = {
    get searchProgress() {
      return { busy: done < steps, flowsDone: done * 100, flowsQueued: steps * 100, bytesSearched: 0 };
    },
    searchStep: () => {
      done++;
      asked.push(`step ${done}`);
      return false;
    },
  } as unknown as FlowView;
  const scene = {
    conversation: { searching: false, counting: false },
    list,
    exchanges: { recheck: () => undefined },
    scheduler: { soon: () => asked.push('frame'), now: () => asked.push('frame now') },
    quitting: () => false,
  } as unknown as SearchScene;
  return { steps: new SearchSteps(scene), asked, finished: () => done === steps };
}

describe('a ~text filter searching the bytes between frames', () => {
  it('asks for a frame after each step, rows found or not, so the progress in the status row moves', async () => {
    const { steps, asked, finished } = contentSearch(4);
    steps.scheduleSteps();
    while (!finished()) await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual(['step 1', 'frame', 'step 2', 'frame', 'step 3', 'frame', 'step 4', 'frame']);
  });
});
