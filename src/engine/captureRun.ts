/**
 * Wires a capture file (or stdin) through decode and reassembly to event sinks:
 * reader → optional BPF filter → PacketDecoder → Reassembler → sinks (store, outputs).
 * A damaged file keeps everything before the damage: the flows are finished and the error
 * is returned in the summary for the caller to report.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { countOf, formatCount } from '../core/count.js';
import { readCapture } from '../capture/read.js';
import { compileCaptureFilter, type PacketPredicate } from '../capture/filter.js';
import { CaptureFormatError } from '../capture/errors.js';
import type { CapturedPacket } from '../core/packet.js';
import type { FlowEvent, FlowEventSink } from '../core/types.js';
import { PacketDecoder } from '../decode/decoder.js';
import type { DecodeStats } from '../decode/types.js';
import { Reassembler } from '../reassembly/reassembler.js';
import { CaptureCounters, type SourceCounters } from './counters.js';

/** Open flows ended per turn of the event loop at the end of the file (about 25 ms of work). */
const FINISH_BATCH = 10_000;

/** What to read and where the events go. */
export interface CaptureRunOptions {
  /** A path, or `-` for stdin. */
  source: string;
  /** A capture filter in tcpdump syntax. */
  filter?: string;
  /** Every event goes to each sink, in order. */
  sinks: FlowEventSink[];
  /** Called between batches with the bytes read so far; a returned promise holds the next batch back until it settles. */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => Promise<void> | void;
  /** Aborting stops reading; flows seen so far are finished normally. */
  signal?: AbortSignal;
  /** Called once before reading with the run's live counters (e.g. for a status bar to poll). */
  onCounters?: (counters: SourceCounters) => void;
}

/** Counters of one run, for the summary line. */
export interface CaptureRunSummary {
  packets: number;
  filteredOut: number;
  bytesRead: number;
  flows: number;
  payloadBytes: number;
  gaps: number;
  gapBytes: number;
  notes: number;
  decode: DecodeStats;
  /** The damage that stopped reading early, if any (everything before it was processed). */
  error?: CaptureFormatError;
  /** True when `signal` stopped reading before the end (the flows seen were finished). */
  interrupted?: boolean;
}

/**
 * One sink that hands each event to every sink of `sinks`, in order (the sink itself when
 * there is only one, so the hot path has no extra call).
 */
export function fanOut(sinks: readonly FlowEventSink[]): FlowEventSink {
  if (sinks.length === 1) return sinks[0];
  return (event: FlowEvent): void => {
    for (let i = 0; i < sinks.length; i++) sinks[i](event);
  };
}

/** The summary's event counts, read off the reassembler's counters. */
export function eventCounts(reassembler: Reassembler): Pick<CaptureRunSummary, 'flows' | 'payloadBytes' | 'gaps' | 'gapBytes' | 'notes'> {
  const { flows, payloadBytes, gaps, gapBytes, notes } = reassembler.stats;
  return { flows, payloadBytes, gaps, gapBytes, notes };
}

/** The decode → reassembly pipeline of a capture source, feeding `sinks`, and its live counters. */
export interface CapturePipeline {
  readonly decoder: PacketDecoder;
  readonly reassembler: Reassembler;
  readonly counters: CaptureCounters;
}

/** Builds the pipeline shared by file and live runs and hands its counters to `onCounters` at once. */
export function startPipeline(sinks: readonly FlowEventSink[], onCounters?: (counters: SourceCounters) => void): CapturePipeline {
  const reassembler = new Reassembler({ emit: fanOut(sinks) });
  const decoder = new PacketDecoder((segment, ts) => reassembler.feed(segment, ts));
  const counters = new CaptureCounters(reassembler.stats, decoder.stats);
  onCounters?.(counters);
  return { decoder, reassembler, counters };
}

/** Reads the whole source and returns its counters. Throws only {@link UserError}s for unusable input. */
export async function runCapture(options: CaptureRunOptions): Promise<CaptureRunSummary> {
  const predicate: PacketPredicate | undefined = options.filter ? compileCaptureFilter(options.filter) : undefined;
  const { decoder, reassembler, counters } = startPipeline(options.sinks, options.onCounters);
  // The highest packet time, in a typed array: a captured `let` holding a number beyond the
  // small-integer range (microseconds since 1970 are) would allocate a new heap number at every
  // assignment, i.e. at almost every packet.
  const highestTs = new Float64Array(1);
  const onPacket = (packet: CapturedPacket): void => {
    counters.packets++;
    if (packet.ts > highestTs[0]) highestTs[0] = packet.ts;
    if (predicate && !predicate(packet)) {
      counters.filtered++;
      return;
    }
    decoder.decode(packet);
  };
  let error: CaptureFormatError | undefined;
  let interrupted = false;
  try {
    const result = await readCapture(options.source, {
      onPacket,
      onProgress: (read, total) => {
        counters.bytesRead = read;
        counters.totalBytes = total;
        // Idle flows are checked once per chunk read (about a thousand packets), off the per-packet path.
        reassembler.expireIdle(highestTs[0]);
        return options.onProgress?.(read, total);
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    counters.bytesRead = result.bytes;
  } catch (err) {
    if (options.signal?.aborted && !(err instanceof CaptureFormatError)) {
      interrupted = true;
    } else {
      if (!(err instanceof CaptureFormatError) || counters.packets === 0 && err.kind === 'not-a-capture') throw err;
      error = err;
    }
  }
  // A scan leaves many flows open: they are ended in batches, with a turn of the event loop
  // between two, so that a screen loading the file still answers keys.
  while (!reassembler.finish(highestTs[0], FINISH_BATCH)) await nextTurn();
  return {
    packets: counters.packets, filteredOut: counters.filtered, bytesRead: counters.bytesRead, ...eventCounts(reassembler), decode: decoder.stats,
    ...(error ? { error } : {}),
    ...(interrupted ? { interrupted } : {}),
  };
}

/** The one-line summary printed on stderr at the end of a capture run. */
export function formatCaptureSummary(s: CaptureRunSummary): string {
  const parts = [
    countOf(s.flows, 'flow'),
    countOf(s.packets, 'packet'),
    countOf(s.payloadBytes, 'payload byte'),
    `${countOf(s.gaps, 'gap')} (${countOf(s.gapBytes, 'byte')})`,
    `${formatCount(s.decode.truncated)} truncated`,
    `${formatCount(s.decode.malformed)} malformed`,
  ];
  if (s.filteredOut) parts.push(`${formatCount(s.filteredOut)} filtered out`);
  if (s.decode.nonTcp) parts.push(`${formatCount(s.decode.nonTcp)} not TCP`);
  if (s.decode.unsupportedLinkType) parts.push(`${formatCount(s.decode.unsupportedLinkType)} of unsupported link types`);
  if (s.decode.lengthBeyondFrame) parts.push(`${formatCount(s.decode.lengthBeyondFrame)} with an IP length beyond the frame`);
  if (s.notes) parts.push(countOf(s.notes, 'note'));
  if (s.interrupted) parts.push(`interrupted after ${countOf(s.bytesRead, 'byte')}`);
  return `flowspy: ${parts.join(', ')}`;
}
