/**
 * Wires a live capture (`-i IFACE`) through decode and reassembly to event sinks:
 * libpcap (kernel filter) → PacketDecoder → Reassembler → sinks, as {@link runCapture} does
 * for files. Idle flows are expired once a second on the wall clock. Runs until the signal
 * aborts (SIGINT/SIGTERM in the CLI): then the capture stops (the frames already queued are
 * processed), every open flow is finished and the counters are returned, with the drop counters
 * of the kernel and of the capture queue.
 */
import { openLiveCapture, type LiveCaptureCounters } from '../capture/live.js';
import type { CapturedPacket } from '../core/packet.js';
import type { FlowEventSink, Micros } from '../core/types.js';
import { formatCount } from '../core/count.js';
import type { SourceCounters } from './counters.js';
import { eventCounts, formatCaptureSummary, startPipeline, type CaptureRunSummary } from './captureRun.js';

/** What to capture and where the events go. */
export interface LiveRunOptions {
  /** Interface name. */
  device: string;
  /** A capture filter in tcpdump syntax (compiled by libpcap, run in the kernel). */
  filter?: string;
  /** Every event goes to each sink, in order. */
  sinks: FlowEventSink[];
  /** Aborting stops the capture; open flows are finished (reason 'timeout', 'capture ended'). */
  signal: AbortSignal;
  /**
   * Called once the interface is open (e.g. to say so on stderr), with the capture's live
   * counters (kernel and queue drops), which a status bar may read at any time until the end.
   */
  onStart?: (linkType: number, counters: Readonly<LiveCaptureCounters>) => void;
  /** Called after each batch of packets and each second (e.g. to flush stdout). May throw to stop. */
  onProgress?: () => void;
  /** Called once before capturing with the run's live counters (e.g. for a status bar to poll). */
  onCounters?: (counters: SourceCounters) => void;
}

/** Counters of a live run: those of a file run (bytesRead = captured bytes) plus the capture's. */
export interface LiveRunSummary extends CaptureRunSummary {
  /** The capture's counters at the stop: libpcap's (received, kernel and interface drops) and the queue's. */
  capture: LiveCaptureCounters;
}

/** How often idle flows are expired and output flushed, in milliseconds. */
const TICK_MS = 1000;

/**
 * Captures until `options.signal` aborts, then returns the counters. Throws a one-line
 * `UserError` when the interface cannot be opened; rejects with the error of a sink (or of
 * `onProgress`) that threw, after finishing the flows it could.
 */
export async function runLive(options: LiveRunOptions): Promise<LiveRunSummary> {
  const { decoder, reassembler, counters } = startPipeline(options.sinks, options.onCounters);
  let lastTs: Micros = 0;
  const onPacket = (packet: CapturedPacket): void => {
    counters.packets++;
    counters.bytesRead += packet.end - packet.start;
    if (packet.ts > lastTs) lastTs = packet.ts;
    decoder.decode(packet);
  };
  /** Wall clock in microseconds, never behind the newest packet (expiry and finish use it). */
  const now = (): Micros => Math.max(Date.now() * 1000, lastTs);

  let failed: { err: unknown } | undefined;
  let wake: () => void = () => undefined;
  const capture = openLiveCapture({
    device: options.device,
    ...(options.filter ? { filter: options.filter } : {}),
    onPacket,
    ...(options.onProgress ? { onBatchEnd: options.onProgress } : {}),
    onError: (err) => {
      failed = { err };
      wake();
    },
  });
  counters.liveCapture = capture.counters;
  options.onStart?.(capture.linkType, capture.counters);
  const tick = setInterval(() => {
    try {
      reassembler.expireIdle(now());
      options.onProgress?.();
    } catch (err) {
      failed ??= { err };
      wake();
    }
  }, TICK_MS);
  const onAbort = (): void => wake();
  try {
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (options.signal.aborted || failed) resolve();
      options.signal.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    clearInterval(tick);
    capture.stop();
  }
  if (failed) {
    try {
      reassembler.finish(now());
    } catch {
      // the sink that failed may fail again; its first error is the one to report
    }
    throw failed.err;
  }
  reassembler.finish(now());
  return {
    packets: counters.packets, filteredOut: 0, bytesRead: counters.bytesRead, ...eventCounts(reassembler), decode: decoder.stats,
    capture: { ...capture.counters },
  };
}

/** The one-line summary of a live run: the file run's, plus the capture's counters and drops. */
export function formatLiveSummary(s: LiveRunSummary): string {
  const c = s.capture;
  const ifDrops = c.ifDrops ? `, ${formatCount(c.ifDrops)} dropped by interface` : '';
  return `${formatCaptureSummary(s)}, ${formatCount(c.received)} received by filter, ${formatCount(c.kernelDrops)} dropped by kernel${ifDrops}, ${formatCount(c.queueDrops)} dropped by queue`;
}
