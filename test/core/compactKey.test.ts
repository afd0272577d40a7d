import { describe, expect, it } from 'vitest';
import { CompactFlowKey } from '../../src/core/compactKey.js';

describe('CompactFlowKey', () => {
  it('gives back an equal FlowKey, with vlan only when it had one', () => {
    const plain = { client: { addr: '10.0.0.1', port: 40000 }, server: { addr: '10.0.0.2', port: 80 } };
    const tagged = { ...plain, vlan: 7 };
    expect(new CompactFlowKey(plain).flowKey()).toStrictEqual(plain);
    expect(new CompactFlowKey(tagged).flowKey()).toStrictEqual(tagged);
    expect('vlan' in new CompactFlowKey(plain).flowKey()).toBe(false);
  });
});
