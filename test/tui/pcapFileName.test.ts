import { describe, expect, it } from 'vitest';
import { pcapFileName } from '../../src/tui/actionKeys.js';

describe('the name w offers', () => {
  it('carries the local time to the second, so a second w is offered a new name', () => {
    expect(pcapFileName(5, new Date(2026, 11, 2, 9, 4, 7))).toBe('flowspy-20261202-090407-5-flows.pcap');
    expect(pcapFileName(1, new Date(2026, 0, 31, 23, 59, 59))).toBe('flowspy-20260131-235959-1-flow.pcap');
  });
});
