/**
 * `b`'s files against tcpflow 1.6.1's `-e http` (run here when installed; CI installs it) on
 * real captures of ../shared/corpus: every response body tcpflow writes, flowspy writes byte
 * for byte the same (gzip undone by both), under the same name plus `-response`, except where
 * a capture gap cuts the response's head (in jpegs.cap, 1460 bytes right after `HTTP/1.0 302
 * MOVED`): tcpflow parses the zeros it fills the gap with and writes a body; flowspy never
 * zero-fills: it shows the 302 cut in its head, whose body it cannot frame, and saves none.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../../../src/engine/captureRun.js';
import { MessageTable } from '../../../src/messages/messageTable.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { saveBody } from '../../../src/tui/actions/saveBody.js';
import { corpusMissingReason, corpusPath } from '../../support/corpus.js';
import { cannotRun, missingTool } from '../../support/requirements.js';
import { lazyTempDir } from '../../support/tempDir.js';

const work = lazyTempDir('flowspy-body-diff-');

const md5 = (path: string) => createHash('md5').update(readFileSync(path)).digest('hex');

/** Every response body of `capture` saved by flowspy: stem (name without `-response` and extension) → digest. */
async function flowspyBodies(capture: string, dir: string): Promise<Map<string, string>> {
  const store = new FlowStore({ sourceFile: capture });
  const table = new MessageTable();
  await runCapture({ source: capture, sinks: [(e) => store.apply(e), (e) => table.apply(e)] });
  const out = new Map<string, string>();
  for (const flow of store.flows()) {
    for (const exchange of table.get(flow.id)?.http?.exchanges ?? []) {
      const message = exchange.response;
      if (message === undefined || message.body.length === 0) continue;
      const saved = await saveBody(store, flow.id, { exchange: exchange.index, role: 'response', message }, dir);
      out.set(basename(saved.path).replace(/-response(\.[a-z]+)?$/, ''), md5(saved.path));
    }
  }
  store.dispose();
  return out;
}

/** tcpflow's HTTPBODY files: stem (name without extension) → digest. */
function tcpflowBodies(capture: string, dir: string): Map<string, string> {
  execFileSync('tcpflow', ['-e', 'http', '-r', capture, '-o', dir], { stdio: 'ignore' });
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) if (name.includes('-HTTPBODY-')) out.set(name.replace(/\.[a-z]+$/, ''), md5(join(dir, name)));
  return out;
}

/** Per capture: how many bodies both write, and the responses whose head a gap cuts (tcpflow only). */
const CASES: [string, number, string[]][] = [
  ['tcpflow__jpegs.cap', 10, [3183, 3184, 3185, 3187].map((port) => `209.225.000.006.00080-010.001.001.101.0${port}-HTTPBODY-001`)],
  ['tcpflow__test-gzip.pcap', 1, []],
];

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tcpflow'), 'body differential'))('b against tcpflow -e http', () => {
  it.each(CASES)('%s', async (name, same, headInGap) => {
    const ours = join(work(), `${name}.flowspy`);
    const theirs = join(work(), `${name}.tcpflow`);
    mkdirSync(ours);
    const flowspy = await flowspyBodies(corpusPath(name), ours);
    const tcpflow = tcpflowBodies(corpusPath(name), theirs);
    const both = [...tcpflow.keys()].filter((stem) => !headInGap.includes(stem));
    expect(both).toHaveLength(same);
    for (const stem of both) expect(flowspy.get(stem), stem).toBe(tcpflow.get(stem));
    for (const stem of headInGap) {
      expect(tcpflow.has(stem), stem).toBe(true);
      expect(flowspy.has(stem), stem).toBe(false);
    }
    expect([...flowspy.keys()].filter((stem) => !tcpflow.has(stem))).toEqual([]);
  });
});
