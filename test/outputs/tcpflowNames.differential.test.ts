/** The names flowspy gives tcpflow's output files, against tcpflow 1.6.1 run on corpus captures. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun, missingTool } from '../support/requirements.js';
import { CASES } from './tcpflowNames.cases.js';

/** File names tcpflow 1.6.1 writes for `pcap` (report.xml left out). */
function tcpflowNames(pcap: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'flowspy-tcpflow-'));
  try {
    const r = spawnSync('tcpflow', ['-r', corpusPath(pcap), '-o', dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return readdirSync(dir).filter((n) => n !== 'report.xml').sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tcpflow'), 'tcpflow names on the corpus'))('tcpflowFlowName against tcpflow run live', () => {
  for (const c of CASES) {
    it(`names tcpflow writes for ${c.pcap}`, () => {
      const live = tcpflowNames(c.pcap);
      if (c.exact) expect(live).toEqual([...c.names].sort());
      else for (const name of c.names) expect(live).toContain(name);
    });
  }
});
