/**
 * Live counters of a running source, for a status bar that reads them at any moment (they are
 * updated where the engine already counts, never copied per event). Every count only grows.
 */
import type { LiveCaptureCounters } from '../capture/live.js';
import type { DecodeStats } from '../decode/types.js';
import type { ProxyTotals } from '../proxy/proxy.js';
import type { ReassemblyStats } from '../reassembly/reassembler.js';

/** What a status bar shows of a running source; read-only for everyone but the engine. */
export interface SourceCounters {
  /** Packets read, before the capture filter (0 for the proxy). */
  readonly packets: number;
  /** Payload bytes delivered to the model (relayed bytes for the proxy). */
  readonly payloadBytes: number;
  /** Flows started. */
  readonly flows: number;
  /** Flows started and not ended yet. */
  readonly openFlows: number;
  /** Gap events (bytes missing from a stream). */
  readonly gaps: number;
  /** Frames cut short by the snap length. */
  readonly truncated: number;
  /** Frames with invalid headers, skipped. */
  readonly malformed: number;
  /** Packets the capture filter left out (a kernel filter's are not seen: 0). */
  readonly filtered: number;
  /** Packets the kernel or the interface dropped (live capture), undefined where no one tells. */
  readonly kernelDrops: number | undefined;
  /** Packets dropped because the queue behind the kernel ring was full (live capture), else undefined. */
  readonly queueDrops: number | undefined;
  /** Bytes read of the source: file position for a file (progress), bytes captured when live. */
  readonly bytesRead: number;
  /** Size of the file being read, when known (not stdin, not live, not the proxy). */
  readonly totalBytes: number | undefined;
}

/**
 * The counters of a capture source (file, stdin or live). The engine increments `packets` and
 * `filtered`, sets the byte counts and, for a live source, `liveCapture`; the rest are read
 * through from the reassembler's, the decoder's and the live capture's own counters.
 */
export class CaptureCounters implements SourceCounters {
  packets: number;
  filtered: number;
  bytesRead: number;
  totalBytes: number | undefined;
  /** The live capture's counters (kernel and queue drops), once it is open. */
  liveCapture: Readonly<LiveCaptureCounters> | undefined;

  constructor(private readonly reassembly: ReassemblyStats, private readonly decode: DecodeStats) {
    this.packets = 0;
    this.filtered = 0;
    this.bytesRead = 0;
    this.totalBytes = undefined;
    this.liveCapture = undefined;
  }

  get payloadBytes(): number { return this.reassembly.payloadBytes; }
  get flows(): number { return this.reassembly.flows; }
  get openFlows(): number { return this.reassembly.openFlows; }
  get gaps(): number { return this.reassembly.gaps; }
  get truncated(): number { return this.decode.truncated; }
  get malformed(): number { return this.decode.malformed; }
  get kernelDrops(): number | undefined {
    return this.liveCapture && this.liveCapture.kernelDrops + this.liveCapture.ifDrops;
  }
  get queueDrops(): number | undefined { return this.liveCapture?.queueDrops; }
}

/** What {@link ProxyCounters} reads of each listener (a RecordingProxy). */
interface ProxyTotalsSource {
  readonly totals: Readonly<ProxyTotals>;
  readonly activeConnections: number;
}

/** The counters of a proxy run: sums over its listeners' running totals, taken when read (no copy, no walk over connections). */
export class ProxyCounters implements SourceCounters {
  readonly packets = 0;
  readonly gaps = 0;
  readonly truncated = 0;
  readonly malformed = 0;
  readonly filtered = 0;
  readonly kernelDrops = undefined;
  readonly queueDrops = undefined;
  readonly bytesRead = 0;
  readonly totalBytes = undefined;

  constructor(private readonly proxies: readonly ProxyTotalsSource[]) {}

  get payloadBytes(): number { return this.sum((p) => p.totals.bytesC2S + p.totals.bytesS2C); }
  get flows(): number { return this.sum((p) => p.totals.accepted); }
  get openFlows(): number { return this.sum((p) => p.activeConnections); }

  private sum(pick: (proxy: ProxyTotalsSource) => number): number {
    let total = 0;
    for (const proxy of this.proxies) total += pick(proxy);
    return total;
  }
}
