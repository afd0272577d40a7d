import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { FlowEvent, FlowKey } from '../../src/core/types.js';
import { FailSafeOutputs } from '../../src/outputs/failSafe.js';
import type { FlowOutput } from '../../src/outputs/types.js';

const KEY: FlowKey = { client: { addr: '10.0.0.1', port: 1000 }, server: { addr: '10.0.0.2', port: 80 } };
const start = (flowId: number): FlowEvent => ({ type: 'flow-start', flowId, key: KEY, ts: flowId, origin: 'proxy', sawHandshake: true });
const end = (flowId: number): FlowEvent => ({ type: 'flow-end', flowId, ts: flowId, reason: 'fin', detail: undefined });

/** Records what it is given; throws `failWith` from the `failAt`-th handle() on. */
class Probe implements FlowOutput {
  readonly seen: FlowEvent[] = [];
  listener: ((error: UserError) => void) | undefined;
  closed = 0;
  constructor(private readonly failAt = Infinity, private readonly closeError?: Error) {}
  handle(event: FlowEvent): void {
    if (this.seen.length + 1 >= this.failAt) throw new UserError('cannot write x: no space left on device');
    this.seen.push(event);
  }
  close(): void {
    this.closed++;
    if (this.closeError) throw this.closeError;
  }
  onFailure(listener: (error: UserError) => void): void {
    this.listener = listener;
  }
}

describe('FailSafeOutputs', () => {
  it('drops an output that throws, with one line and a note on each open flow to the others', () => {
    const lines: string[] = [];
    const failing = new Probe(4);
    const other = new Probe();
    const safe = new FailSafeOutputs([failing, other], (line) => lines.push(line));
    for (const event of [start(1), start(2), end(1), start(3), end(2), start(4)]) expect(() => safe.sink(event)).not.toThrow();
    expect(failing.seen.map((e) => e.type)).toEqual(['flow-start', 'flow-start', 'flow-end']);
    expect(lines).toEqual(['cannot write x: no space left on device; that output stopped, 2 open flows are incomplete in it; relaying goes on']);
    const notes = other.seen.filter((e) => e.type === 'note');
    expect(notes.map((e) => e.flowId)).toEqual([2, 3]);
    expect(notes[0]).toMatchObject({ text: 'an output stopped, this flow is incomplete in it: cannot write x: no space left on device' });
    expect(other.seen.filter((e) => e.type !== 'note').length).toBe(6);
    expect(safe.failed).toBe(true);
  });

  it('drops an output on a failure it reports itself, once; close() reports a later failure and throws nothing', async () => {
    const lines: string[] = [];
    const reporting = new Probe();
    const closing = new Probe(Infinity, new UserError('cannot write y: input/output error'));
    const safe = new FailSafeOutputs([reporting, closing], (line) => lines.push(line));
    safe.sink(start(1));
    expect(safe.failed).toBe(false);
    reporting.listener!(new UserError('cannot create d/f: no such directory (was it removed?)'));
    reporting.listener!(new UserError('again'));
    safe.sink(end(1));
    expect(reporting.seen.length).toBe(1);
    await expect(safe.close()).resolves.toBeUndefined();
    expect(reporting.closed).toBe(1);
    expect(closing.closed).toBe(1);
    expect(lines).toEqual([
      'cannot create d/f: no such directory (was it removed?); that output stopped, 1 open flow is incomplete in it; relaying goes on',
      'cannot write y: input/output error',
    ]);
  });
});
