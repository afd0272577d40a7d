import { describe, expect, it } from 'vitest';
import { statusStyle } from '../../../src/tui/flowList/statusStyle.js';

describe('statusStyle', () => {
  it('colours HTTP codes by class, line protocol replies by what they say', () => {
    expect(['200', '301', '404', '503', '101'].map(statusStyle)).toEqual(['status.ok', 'status.redirect', 'status.error', 'status.error', undefined]);
    expect(['+OK', 'OK', '-ERR', 'NO', 'BAD'].map(statusStyle)).toEqual(['status.ok', 'status.ok', 'status.error', 'status.error', 'status.error']);
    // Redis errors: any `-` reply word; a lone `-` is an exchange still waiting.
    expect(['-NOAUTH', '-WRONGTYPE', '-'].map(statusStyle)).toEqual(['status.error', 'status.error', 'state.open']);
    expect(['"hello"', ':1', '(nil)'].map(statusStyle)).toEqual([undefined, undefined, undefined]);
  });
});
