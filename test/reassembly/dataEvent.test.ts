import { describe, expect, it } from 'vitest';
import { CapturedDataEvent } from '../../src/reassembly/dataEvent.js';

describe('CapturedDataEvent', () => {
  const source = new TextEncoder().encode('..hello world..');
  const chunk = source.subarray(2, 13); // 'hello world', at byteOffset 2 of its buffer

  it('carries the fields of a data event, with bytes made from its source range', () => {
    const e = new CapturedDataEvent(7, 's2c', 100, 5, 1_000_000, 42, chunk, 6);
    expect(e).toMatchObject({ type: 'data', flowId: 7, dir: 's2c', offset: 100, length: 5, ts: 1_000_000, fileOffset: 42 });
    expect(new TextDecoder().decode(e.bytes)).toBe('world');
    expect(e.bytes.length).toBe(e.length);
  });

  it('hands over the source itself when the event covers all of it', () => {
    const e = new CapturedDataEvent(1, 'c2s', 0, chunk.length, 0, -1, chunk, 0);
    expect(e.bytes).toBe(chunk);
  });

  it('views the source (no copy) and keeps the source out of its own enumerable fields', () => {
    const e = new CapturedDataEvent(1, 'c2s', 0, 5, 0, -1, chunk, 0);
    expect(e.bytes.buffer).toBe(source.buffer);
    expect(e.bytes.byteOffset).toBe(2);
    expect(Object.keys(e).sort()).toEqual(['dir', 'fileOffset', 'flowId', 'length', 'offset', 'ts', 'type']);
  });

  it('refill makes the event the constructor makes of the same arguments, in the same object', () => {
    const e = new CapturedDataEvent(1, 'c2s', 0, 5, 0, -1, chunk, 0);
    const again = e.refill(9, 's2c', 300, 5, 2_000_000, 77, chunk, 6);
    expect(again).toBe(e);
    const fresh = new CapturedDataEvent(9, 's2c', 300, 5, 2_000_000, 77, chunk, 6);
    expect({ ...e }).toEqual({ ...fresh });
    expect(new TextDecoder().decode(e.bytes)).toBe('world');
  });
});
