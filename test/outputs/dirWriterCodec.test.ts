import { describe, expect, it } from 'vitest';
import { BatchEncoder, decodeBatch, type WriterCommands } from '../../src/outputs/dirWriterCodec.js';

describe('dir writer codec', () => {
  it('decodes the commands of a batch in the order they were encoded, and starts the next batch empty', () => {
    const encoder = new BatchEncoder();
    expect(encoder.empty).toBe(true);
    encoder.create(0, 'a');
    encoder.write(0, 2 ** 40, 7, 65536);
    encoder.create(1, 'b');
    encoder.finish(0, -1, 1.5);
    encoder.finish(1, 12, Number.NaN);
    const batch = encoder.take(true);
    expect(encoder.empty).toBe(true);
    expect(encoder.take(false)).toEqual({ ops: [], names: [], end: false });
    const calls: unknown[][] = [];
    const commands: WriterCommands = {
      create: (...args) => calls.push(['create', ...args]),
      write: (...args) => calls.push(['write', ...args]),
      finish: (...args) => calls.push(['finish', ...args]),
    };
    decodeBatch(structuredClone(batch), commands);
    expect(batch.end).toBe(true);
    expect(calls).toEqual([
      ['create', 0, 'a'],
      ['write', 0, 2 ** 40, 7, 65536],
      ['create', 1, 'b'],
      ['finish', 0, -1, 1.5],
      ['finish', 1, 12, Number.NaN],
    ]);
  });

  it('refuses a batch it cannot read', () => {
    const noop = () => undefined;
    expect(() => decodeBatch({ ops: [9, 0], names: [], end: false }, { create: noop, write: noop, finish: noop })).toThrow(/bad writer command 9/);
  });
});
