/**
 * `w`'s offered name counts the flows written: flows that came between the prompt and Enter (a
 * live source) are in the file, and in its name; a directory given gets that name too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionKeys, type ActionScene, type TuiActions } from '../../src/tui/actionKeys.js';
import { StatusMessage } from '../../src/tui/statusMessage.js';

const dir = mkdtempSync(join(tmpdir(), 'flowspy-w-name-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('w: the name offered counts the flows written', () => {
  it('flows shown at Enter, not at the prompt', () => {
    const shown = [1, 2, 3];
    const written: { ids: readonly number[]; path: string }[] = [];
    const actions = {
      stem: 'proxy-8933',
      writePcap: (ids: readonly number[], path: string) => {
        written.push({ ids: [...ids], path });
        return new Promise(() => undefined);
      },
    } as unknown as TuiActions;
    const scene = { actions, status: new StatusMessage(() => 80, () => undefined, '…'), ellipsis: '…', shownFlowIds: () => shown } as unknown as ActionScene;
    const keys = new ActionKeys(scene);
    const offered = keys.pcapName(shown.length);
    expect(offered).toBe('proxy-8933-3-flows.pcap');
    shown.push(4, 5);
    keys.writePcap(offered, offered);
    keys.writePcap(dir, offered);
    keys.writePcap('mine.pcap', offered);
    expect(written.map((w) => w.path)).toEqual(['proxy-8933-5-flows.pcap', join(dir, 'proxy-8933-5-flows.pcap'), 'mine.pcap']);
    expect(written[0].ids).toEqual([1, 2, 3, 4, 5]);
  });
});
