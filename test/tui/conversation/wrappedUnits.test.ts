import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/tui/conversation/settings.js';
import { WrappedUnits } from '../../../src/tui/conversation/wrappedUnits.js';
import { FakeSource, FLOW_ID } from './fakeSource.js';

const KEY = { client: { addr: '10.0.0.1', port: 5000 }, server: { addr: '10.0.0.2', port: 80 } };
const CHUNK = { kind: 'chunk', chunk: 0, span: 0 } as const;

describe('WrappedUnits', () => {
  test('a unit is rendered once while the settings and width stay, again after they change', () => {
    const source = new FakeSource(KEY).data('c2s', 'GET /a-rather-long-path HTTP/1.1\r\n');
    const flow = source.getFlow(FLOW_ID)!;
    const units = new WrappedUnits(source, FLOW_ID);
    units.configure(DEFAULT_SETTINGS, 80);
    const wide = units.wrapped(flow, CHUNK);
    expect(units.wrapped(flow, CHUNK)).toBe(wide);
    units.configure(DEFAULT_SETTINGS, 80);
    expect(units.wrapped(flow, CHUNK)).toBe(wide);
    units.configure(DEFAULT_SETTINGS, 12);
    const narrow = units.wrapped(flow, CHUNK);
    expect(narrow).not.toBe(wide);
    expect(narrow.rows.length).toBeGreaterThan(wide.rows.length);
  });

  test('the order is kept while the flow has not grown and made anew for another direction filter', () => {
    const source = new FakeSource(KEY).data('c2s', 'ping\n').data('s2c', 'pong\n');
    const flow = source.getFlow(FLOW_ID)!;
    const units = new WrappedUnits(source, FLOW_ID);
    units.configure(DEFAULT_SETTINGS, 80);
    const order = units.orderOf(flow);
    expect(units.orderOf(flow)).toBe(order);
    units.configure({ ...DEFAULT_SETTINGS, filter: 'c2s' }, 80);
    expect(units.orderOf(flow)).not.toBe(order);
  });
});
