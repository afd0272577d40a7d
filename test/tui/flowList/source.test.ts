import { describe, expect, it } from 'vitest';
import { Reassembler } from '../../../src/reassembly/reassembler.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { flowDuration } from '../../../src/tui/flowList/source.js';
import { humanDuration } from '../../../src/tui/flowList/units.js';
import { Conv, TCP_ACK, TCP_FIN, TCP_RST } from '../../reassembly/helpers.js';

const T = 1_437_831_776_764_391;

/** Reassembles `feed`'s segments into a store, ends the capture at `end`; the store's flow 1. */
function reassembled(feed: (r: Reassembler, c: Conv) => void, end: number) {
  const store = new FlowStore();
  const r = new Reassembler({ emit: (event) => store.apply(event) });
  feed(r, new Conv());
  r.finish(end);
  const flow = store.getFlow(1)!;
  store.dispose();
  return flow;
}

describe('flowDuration', () => {
  it('of a flow that ends with the capture runs to its last packet, a pure ACK too (zeek smtp.pcap, port 5050)', () => {
    const flow = reassembled((r, c) => {
      r.feed(c.c('YMSG'.padEnd(41, '.')), T);
      r.feed(c.s(''), T + 343_008);
    }, T + 22_000_000);
    expect(flow.end?.reason).toBe('timeout');
    expect(humanDuration(flowDuration(flow, T + 22_000_000))).toBe('343ms');
  });

  it('of a closed flow runs to its FIN or RST, not to a later ACK of another flow', () => {
    const fin = reassembled((r, c) => {
      for (const [i, segment] of c.handshake().entries()) r.feed(segment, T + i * 1000);
      r.feed(c.c('', { flags: TCP_FIN | TCP_ACK }), T + 5_000);
      r.feed(c.s('', { flags: TCP_FIN | TCP_ACK }), T + 6_000);
      r.feed(c.c(''), T + 7_000);
    }, T + 9_000_000);
    expect(flowDuration(fin, T + 9_000_000)).toBe(6_000);
    const reset = reassembled((r, c) => {
      r.feed(c.c('x'), T);
      r.feed(c.s('', { flags: TCP_RST }), T + 147_503);
    }, T + 9_000_000);
    expect(humanDuration(flowDuration(reset, T + 9_000_000))).toBe('148ms');
  });
});
