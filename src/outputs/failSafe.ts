/**
 * Outputs that must not stop a long-running source (the proxy): a failing output is dropped,
 * the others go on.
 */
import { errorLine, UserError } from '../core/errors.js';
import type { FlowEvent, FlowEventSink } from '../core/types.js';
import type { FlowOutput } from './types.js';

/**
 * Feeds events to every output and isolates their failures. The first failure of an output (a
 * throw from `handle`, or one it reports through `onFailure`, e.g. a writer thread's EMFILE,
 * ENOSPC or removed directory) stops that output only: `report` gets one line saying why and
 * how many open flows it leaves incomplete, the other outputs get a `note` on each of those
 * flows, and no more events go to it. `close` closes every output (a failure then is reported
 * the same way); {@link failed} tells whether any output failed, for the exit status.
 * The caller owns the outputs; this class never throws from `sink` or `close`.
 */
export class FailSafeOutputs {
  /** The one sink the source emits into. */
  readonly sink: FlowEventSink;
  private live: readonly FlowOutput[];
  private readonly failedOutputs = new Set<FlowOutput>();
  private readonly openFlows = new Set<number>();
  private lastTs = 0;
  private closing = false;

  constructor(private readonly outputs: readonly FlowOutput[], private readonly report: (line: string) => void) {
    this.live = [...outputs];
    for (const output of outputs) output.onFailure?.((error) => this.fail(output, error));
    this.sink = (event) => this.handle(event);
  }

  /** True once any output failed. */
  get failed(): boolean {
    return this.failedOutputs.size > 0;
  }

  /** Closes every output, in order; failures are reported, never thrown. */
  async close(): Promise<void> {
    this.closing = true;
    for (const output of this.outputs) {
      try {
        await output.close();
      } catch (err) {
        this.fail(output, err);
      }
    }
  }

  private handle(event: FlowEvent): void {
    if (event.type === 'flow-start') this.openFlows.add(event.flowId);
    else if (event.type === 'flow-end') this.openFlows.delete(event.flowId);
    this.lastTs = event.ts;
    this.deliver(event);
  }

  /** Hands `event` to every live output (one failing on the way is dropped, also for this event). */
  private deliver(event: FlowEvent): void {
    const live = this.live;
    for (let i = 0; i < live.length; i++) {
      const output = live[i];
      if (live !== this.live && this.failedOutputs.has(output)) continue;
      try {
        output.handle(event);
      } catch (err) {
        this.fail(output, err);
      }
    }
  }

  private fail(output: FlowOutput, err: unknown): void {
    if (this.failedOutputs.has(output)) return;
    this.failedOutputs.add(output);
    this.live = this.live.filter((o) => o !== output);
    const reason = err instanceof UserError ? err.message : `internal error in an output: ${errorLine(err)}`;
    if (this.closing) {
      this.report(reason);
      return;
    }
    const open = this.openFlows.size;
    const incomplete = open === 0 ? '' : `, ${open} open flow${open === 1 ? ' is' : 's are'} incomplete in it`;
    this.report(`${reason}; that output stopped${incomplete}; relaying goes on`);
    for (const flowId of this.openFlows) {
      this.deliver({ type: 'note', flowId, ts: this.lastTs, text: `an output stopped, this flow is incomplete in it: ${reason}` });
    }
  }
}
