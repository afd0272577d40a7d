import { describe, expect, it } from 'vitest';
import { SearchSteps, type SearchScene } from '../../src/tui/searchSteps.js';
import type { FlowView } from '../../src/tui/flowList/flowView.js';
import { parseFilter } from '../../src/tui/flowList/filter.js';

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
    for (let turns = 0; !finished() && turns < 1000; turns++) await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual(['step 1', 'frame', 'step 2', 'frame', 'step 3', 'frame', 'step 4', 'frame']);
  });
});

describe('n in the conversation with no search typed: the list filter\'s ~text', () => {
  it('hands over the filter\'s bytes as they are (not UTF-8, or hex digits that hex mode would read as bytes)', () => {
    const parsed = parseFilter('~\\xff2024');
    if (!parsed.ok) throw new Error(parsed.error);
    const started: unknown[][] = [];
    const scene = {
      conversation: {
        searching: false,
        counting: false,
        startSearch: (...args: unknown[]) => {
          started.push(args);
          return args[0] !== undefined;
        },
        searchStep: () => ({ kind: 'not-found', query: 'x' }),
      },
      list: { filter: parsed.filter, searchProgress: undefined },
      scheduler: { soon: () => undefined, now: () => undefined },
      status: { say: () => undefined },
      quitting: () => false,
    } as unknown as SearchScene;
    new SearchSteps(scene).again(false, false);
    expect(started[0]).toEqual([undefined, false]);
    expect(started[1][2]).toMatchObject({ bytes: Uint8Array.from([0xff, 0x32, 0x30, 0x32, 0x34]) });
  });
});

describe('n in the conversation after the list filter it carried changed', () => {
  /** A conversation that remembers its query as ConversationPane does: `n` (no query given) goes on with it. */
  function scene() {
    const started: unknown[] = [];
    const said: string[] = [];
    let query = '';
    const list: { filter: unknown; searchProgress: undefined } = { filter: undefined, searchProgress: undefined };
    const conversation = {
      searching: false,
      counting: false,
      startSearch: (text: string | undefined) => {
        if (text !== undefined) query = text;
        started.push(text ?? 'n');
        conversation.searching = query !== '';
        return query !== '';
      },
      searchStep: () => ((conversation.searching = false), { kind: 'found', count: 'match 1 of 1' }),
      cancelSearch: () => undefined,
      clearSearch: () => ((query = ''), true),
    };
    const filter = (text: string): void => {
      const parsed = parseFilter(text);
      if (!parsed.ok) throw new Error(parsed.error);
      list.filter = parsed.filter;
    };
    const steps = new SearchSteps({ conversation, list, scheduler: { soon: () => undefined, now: () => undefined }, status: { say: (text: string) => said.push(text) }, quitting: () => false } as unknown as SearchScene);
    const n = async (): Promise<string | undefined> => {
      steps.again(false, false);
      await new Promise((resolve) => setImmediate(resolve));
      return said.at(-1);
    };
    return { started, filter, n };
  }

  it('searches the filter\'s ~text as it is now, and stops once the filter has none', async () => {
    const { started, filter, n } = scene();
    filter('~firefox');
    expect(await n()).toBe("filter's ~firefox: match 1 of 1");
    expect(await n()).toBe("filter's ~firefox: match 1 of 1");
    expect(started).toEqual(['n', 'firefox', 'n']);
    filter('~curl');
    expect(await n()).toBe("filter's ~curl: match 1 of 1");
    expect(started.at(-1)).toBe('curl');
    filter(':80');
    expect(await n()).toBe('no search yet: press /');
    expect(await n()).toBe('no search yet: press /');
    expect(started.slice(4)).toEqual(['n']);
  });
});
