/**
 * Telnet commands against tshark's Telnet dissector on the corpus's Telnet capture: the
 * negotiations and subnegotiations each side sent, in order, are the ones tshark finds.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../src/core/types.js';
import { runCapture } from '../../src/engine/captureRun.js';
import { MessageTable } from '../../src/messages/messageTable.js';
import { optionName } from '../../src/messages/telnet.js';
import { corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun, missingTool } from '../support/requirements.js';

const FILE = 'termshark__telnet-cooked.pcap';
const VERBS: Record<string, string> = { Do: 'DO', Will: 'WILL', "Won't": 'WONT', "Don't": 'DONT', Suboption: 'SB' };
/** tshark's names of the options in the capture, and their numbers (RFC 855 and the option RFCs). */
const TSHARK_OPTIONS: Record<string, number> = {
  Echo: 1, 'Suppress Go Ahead': 3, Status: 5, 'Timing Mark': 6, 'Terminal Type': 24, 'Negotiate About Window Size': 31, 'Terminal Speed': 32,
  'Remote Flow Control': 33, Linemode: 34, 'X Display Location': 35, 'Environment Option': 36, 'Authentication Option': 37,
  'Encryption Option': 38, 'New Environment Option': 39,
};

/** tshark's negotiations and subnegotiations per direction (by the server port 23), as `VERB OPTION`. */
function tsharkNegotiations(): Record<Direction, string[]> {
  const out = spawnSync('tshark', ['-r', corpusPath(FILE), '-Y', 'telnet', '-O', 'telnet'], { encoding: 'utf8' });
  const found: Record<Direction, string[]> = { c2s: [], s2c: [] };
  let dir: Direction = 'c2s';
  for (const line of out.stdout.split('\n')) {
    const port = /Src Port: (\d+)/.exec(line);
    if (port) dir = port[1] === '23' ? 's2c' : 'c2s';
    const command = /^ {4}(Do|Will|Won't|Don't|Suboption) (.+)$/.exec(line);
    if (!command || command[2] === 'End') continue;
    const option = TSHARK_OPTIONS[command[2]];
    if (option === undefined) throw new Error(`an option tshark names ${command[2]}: add it to TSHARK_OPTIONS`);
    found[dir].push(`${VERBS[command[1]]} ${optionName(option)}`);
  }
  return found;
}

describe.skipIf(cannotRun(corpusMissingReason ?? missingTool('tshark'), 'Telnet corpus comparison'))('Telnet commands against tshark', () => {
  it(`finds in ${FILE} the negotiations tshark finds, and sums the session up`, async () => {
    const table = new MessageTable();
    await runCapture({ source: corpusPath(FILE), sinks: [(e) => table.apply(e)] });
    const flow = [...table.values()][0];
    const ours: Record<Direction, string[]> = { c2s: [], s2c: [] };
    for (const item of flow.lines?.items ?? []) {
      if (item.kind !== 'telnet') continue;
      for (const name of item.text.split(', ')) if (/^(WILL|WONT|DO|DONT|SB) /.test(name)) ours[item.dir].push(name.startsWith('SB') ? name.split(' ').slice(0, 2).join(' ') : name);
    }
    const theirs = tsharkNegotiations();
    expect(theirs.c2s.length).toBeGreaterThan(20);
    expect(ours).toEqual(theirs);
    expect(flow.summary()).toBe('TELNET OpenBSD/i386 (oof) (ttyp2) (6 cmds)');
    expect(flow.lines?.rawFrom('c2s')).toBeUndefined();
    expect(flow.lines?.rawFrom('s2c')).toBeUndefined();
  });
});
