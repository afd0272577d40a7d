import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/reassembly/flowState.js';
import { FlowTable } from '../../src/reassembly/flowTable.js';
import { mkSeg, TCP_SYN } from './helpers.js';

const server = { addr: '10.0.0.2', port: 80 };
const clientOf = (i: number) => ({ addr: `10.1.${i >> 8}.${i & 255}`, port: 1024 + (i % 5000) });
const synOf = (i: number) => mkSeg({ src: clientOf(i), dst: server, seq: i, flags: TCP_SYN });
const replyOf = (i: number) => mkSeg({ src: server, dst: clientOf(i), seq: i });

/** Adds flow `i` the way the reassembler does: a lookup that misses gives its hash. */
function addFlow(table: FlowTable, i: number): Flow {
  expect(table.lookup(synOf(i))).toBeNull();
  const flow = new Flow(i, { client: clientOf(i), server }, table.missedHash, true, 0, 0);
  table.add(flow);
  return flow;
}

describe('FlowTable', () => {
  // Thousands of flows open at once make the table double its slots several times; few hash
  // bits make long chains. Every flow is found from both directions until it is removed.
  for (const hashBits of [30, 8]) {
    it(`finds each open flow while it grows and flows leave (${hashBits} hash bits)`, () => {
      const table = new FlowTable(hashBits, 0);
      const flows: Flow[] = [];
      for (let i = 0; i < 3000; i++) flows.push(addFlow(table, i));
      for (let i = 0; i < 3000; i += 2) table.remove(flows[i]);
      for (let i = 3000; i < 5000; i++) flows.push(addFlow(table, i));
      for (let i = 0; i < 5000; i++) {
        const open = i >= 3000 || i % 2 === 1;
        expect(table.lookup(synOf(i))).toBe(open ? flows[i] : null);
        expect(table.lookup(replyOf(i))).toBe(open ? flows[i] : null);
      }
    });
  }
});
