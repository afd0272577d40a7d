/**
 * Test helper: the demo capture run once into a FlowStore and, per flow, into the outputs the
 * save actions must reproduce (`--log` text with and without timestamps).
 */
import { fileURLToPath } from 'node:url';
import type { FlowEvent } from '../../../src/core/types.js';
import { runCapture } from '../../../src/engine/captureRun.js';
import { LogOutput, type LogOutputOptions } from '../../../src/outputs/log.js';
import { FlowStore } from '../../../src/store/flowStore.js';
import { replayFlow, type ReplayOptions } from '../../../src/tui/actions/replayFlow.js';
import { textOf } from '../../support/textSink.js';

/** The bundled demo capture. */
export const demoPcap = fileURLToPath(new URL('../../../demo/demo.pcap', import.meta.url));

/** A capture run's store and, per flow id, its events and `--log` texts as the engine gave them. */
export interface DemoRun {
  readonly store: FlowStore;
  readonly events: Map<number, FlowEvent[]>;
  /** `--log` text of each flow alone (no tags), without timestamps. */
  readonly log: Map<number, string>;
  /** The same with `--log --timestamps`. */
  readonly timedLog: Map<number, string>;
}

/** Runs `source` into a store (bytes referenced in the file when `referenceFile`) and per-flow logs. */
export async function runIntoStore(source: string, referenceFile: boolean): Promise<DemoRun> {
  const store = new FlowStore(referenceFile ? { sourceFile: source } : {});
  const events = new Map<number, FlowEvent[]>();
  const record = (event: FlowEvent): void => {
    const copy = event.type === 'data' ? { ...event, bytes: event.bytes.slice() } : event;
    const list = events.get(event.flowId) ?? [];
    list.push(copy);
    events.set(event.flowId, list);
  };
  await runCapture({ source, sinks: [(e) => store.apply(e), record] });
  const log = new Map<number, string>();
  const timedLog = new Map<number, string>();
  for (const [id, list] of events) {
    log.set(id, logOf(list));
    timedLog.set(id, logOf(list, { timestamps: true }));
  }
  return { store, events, log, timedLog };
}

/** The `--log` text of `events` (one flow, so untagged). */
export function logOf(events: Iterable<FlowEvent>, options: LogOutputOptions = {}): string {
  let text = '';
  const out = new LogOutput((t) => { text += textOf(t); }, options);
  for (const event of events) out.handle(event);
  out.close();
  return text;
}

/** The `--log` text of a replay of flow `flowId`. */
export async function replayedLog(store: FlowStore, flowId: number, options: LogOutputOptions = {}, replay: ReplayOptions = {}): Promise<string> {
  let text = '';
  const out = new LogOutput((t) => { text += textOf(t); }, options);
  await replayFlow(store, flowId, (e) => out.handle(e), replay);
  out.close();
  return text;
}
