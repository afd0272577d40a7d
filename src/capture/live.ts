/**
 * Live capture from a network interface through libpcap, by way of the `pcap` npm binding
 * (node_pcap). This is the only module that loads the binding, and it loads it lazily: when
 * the binding was not built (no libpcap headers at install time), everything else in flowspy
 * still works and only {@link openLiveCapture} / {@link listInterfaces} throw a one-line
 * {@link UserError} saying how to fix it.
 *
 * The capture filter is compiled by libpcap and applied in the kernel. Reading the kernel's
 * capture ring never waits for processing: each read copies every frame the ring holds into a
 * bounded {@link PacketQueue}, and frames are delivered from the queue in time slices between
 * reads, so a burst (or a slow output) is absorbed by the queue instead of overflowing the
 * ring. Frames that find the queue full are dropped and counted; {@link LiveCapture.counters}
 * tells both the kernel's drops and the queue's.
 *
 * The ring is read by timers (see `pollIntervalMs`), not by the binding's own poll handle:
 * node_pcap frees a closed session only when one more packet arrives, and its poll handle
 * would keep the process alive until then. With a timer, {@link LiveCapture.stop} releases the
 * event loop at once (the libpcap handle itself is freed at the next matching packet, or at exit).
 */
import { errorLine, UserError } from '../core/errors.js';
import type { PacketSink } from '../core/packet.js';
import { loadPcapBinding, type PcapBinding } from './libpcap.js';
import { PacketQueue } from './packetQueue.js';

/** What {@link openLiveCapture} needs. */
export interface LiveCaptureOptions {
  /** Interface name, e.g. `eth0`, `lo`, `any`. */
  device: string;
  /** A capture filter in tcpdump syntax, compiled by libpcap and run in the kernel. */
  filter?: string;
  /** Bytes kept of each frame. Default 262144 (tcpdump's default). */
  snaplen?: number;
  /** Put the interface in promiscuous mode. Default true (as tcpdump does). */
  promiscuous?: boolean;
  /** Size of the kernel capture ring in bytes (pcap_set_buffer_size, tcpdump's -B). Default {@link DEFAULT_RING_BYTES}. */
  bufferBytes?: number;
  /** Bytes of frames the queue between the ring and `onPacket` holds at most. Default {@link DEFAULT_QUEUE_BYTES}. */
  queueBytes?: number;
  /**
   * How often an idle ring is read, and how long the kernel may hold a partly filled block:
   * packets show up at most about twice this late. Default 20 ms. While packets flow the ring
   * is read again after each slice of processing, and every {@link BUSY_POLL_MS} in between.
   */
  pollIntervalMs?: number;
  /**
   * Receives every captured frame, synchronously, in capture order. The packet object and its
   * `buffer` (the queue's) are reused for the next frame: copy what you keep. `fileOffset` is -1
   * and `interfaceId` 0. If it throws, the capture stops and `onError` gets the error.
   */
  onPacket: PacketSink;
  /** Called after each slice of frames delivered (e.g. to flush output). */
  onBatchEnd?: () => void;
  /**
   * Called at most once, when the capture stopped by itself: `onPacket` or `onBatchEnd` threw
   * (that error is passed on as is), or libpcap reported a read error (a {@link UserError}).
   * No packet is delivered after it.
   */
  onError: (err: unknown) => void;
}

/**
 * Counters of a live capture, in one object that a status bar may read at any time: the
 * queue's figures are always current, the kernel's are read every {@link KERNEL_STATS_MS}
 * (and afresh by {@link LiveCapture.counters}, and at the stop). Every frame the kernel filter passed is delivered, or counted in
 * exactly one of the drop counters (or, until the stop, still waits in the kernel ring or the queue).
 */
export interface LiveCaptureCounters {
  /** Frames delivered to `onPacket`. */
  packets: number;
  /** Frames that passed the kernel filter (libpcap's ps_recv; on Linux it includes the dropped ones, and on `lo` counts each frame twice). */
  received: number;
  /** Frames the kernel dropped because its capture ring was full (ps_drop). */
  kernelDrops: number;
  /** Frames dropped by the interface or its driver (ps_ifdrop; 0 may mean "not known"). */
  ifDrops: number;
  /** Frames read from the ring and dropped because the queue was full. */
  queueDrops: number;
  /** Frames waiting in the queue now. */
  queuedPackets: number;
  /** Bytes of frames waiting in the queue now. */
  queuedBytes: number;
}

/** A running capture. */
export interface LiveCapture {
  readonly device: string;
  /** LINKTYPE_* value of the interface (1 Ethernet, 113 Linux SLL, ...). */
  readonly linkType: number;
  /**
   * Stops reading the interface, for good. Frames already in the queue are delivered first,
   * synchronously (then `onBatchEnd`), unless the capture failed or `stop` is called from inside
   * `onPacket`; frames still in the kernel ring are not read. Nothing is delivered after it
   * returns. Idempotent.
   */
  stop(): void;
  /**
   * The counters, with libpcap's read afresh (one cheap system call) until the stop; the same
   * object every time, final after `stop`.
   */
  readonly counters: Readonly<LiveCaptureCounters>;
}

/** One interface as libpcap lists it. */
export interface InterfaceInfo {
  name: string;
  description?: string;
  /** IPv4/IPv6 addresses, as text. */
  addresses: string[];
  loopback: boolean;
}

/** Read interval while packets flow (within {@link BUSY_WINDOW_MS} of the last one), in ms. */
export const BUSY_POLL_MS = 2;
/** How long after the last packet the ring counts as busy, in ms. */
export const BUSY_WINDOW_MS = 250;
/** Default size of the kernel capture ring. */
export const DEFAULT_RING_BYTES = 64 << 20;
/** Default bound of the queue between the ring and the processing. */
export const DEFAULT_QUEUE_BYTES = 128 << 20;
/** Longest stretch of processing between two reads of the ring, in ms. */
const SLICE_MS = 4;
/** How often the kernel's counters are read into {@link LiveCaptureCounters}, in ms. */
const KERNEL_STATS_MS = 250;

/** How to fix a missing binding: one line. */
const BINDING_MISSING_HINT =
  'live capture needs the pcap module built against libpcap: apt-get install libpcap-dev, then npm rebuild pcap';

/**
 * Why live capture cannot work in this installation (the binding did not load), or undefined
 * when it can (privileges are not checked here).
 */
export function liveCaptureUnavailableReason(): string | undefined {
  const { error } = loadPcapBinding();
  return error === undefined ? undefined : `pcap binding not loadable: ${error}`;
}

function requireBinding(): PcapBinding {
  const { binding } = loadPcapBinding();
  if (!binding) throw new UserError(BINDING_MISSING_HINT);
  return binding;
}

/** The interfaces libpcap can capture on. Throws {@link UserError} when the binding is missing. */
export function listInterfaces(): InterfaceInfo[] {
  let devices: ReturnType<PcapBinding['findalldevs']>;
  try {
    devices = requireBinding().findalldevs();
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot list interfaces: ${errorLine(err)}`);
  }
  return devices.map((d) => ({
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    addresses: (d.addresses ?? []).flatMap((a) => (a && a.addr ? [a.addr] : [])),
    loopback: d.flags === 'PCAP_IF_LOOPBACK',
  }));
}

/** node_pcap names the link types it knows; other ones come as "Unknown linktype N" (a DLT_ value). */
const LINK_TYPES: Record<string, number> = {
  LINKTYPE_NULL: 0,
  LINKTYPE_ETHERNET: 1,
  LINKTYPE_RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  LINKTYPE_IEEE802_11_RADIO: 127,
};

/**
 * The LINKTYPE_* number of node_pcap's link type name. Unknown names carry libpcap's DLT_
 * value, which equals the LINKTYPE_ value except for the few remapped ones (raw IP is
 * DLT 12/14 but LINKTYPE 101; the decoder accepts all three). Returns -1 when unreadable.
 */
export function linkTypeNumber(name: string): number {
  const known = LINK_TYPES[name];
  if (known !== undefined) return known;
  const m = /^Unknown linktype (\d+)$/.exec(name);
  return m ? Number(m[1]) : -1;
}

/**
 * A one-line message for an error libpcap raised while opening `device`. `badFilter` is the
 * filter when it is known to be at fault (the device opened without it), else undefined: the
 * message then speaks of the device, whatever libpcap said.
 */
export function describeOpenError(device: string, badFilter: string | undefined, libpcapMessage: string): string {
  const m = libpcapMessage.trim();
  if (badFilter !== undefined) return `bad capture filter "${badFilter}": ${m}`;
  if (/no such device|doesn't exist|no such interface/i.test(m)) {
    return `no such interface: ${device} (flowspy -D lists them)`;
  }
  if (/permission|not permitted|EPERM|EACCES|access denied/i.test(m)) {
    return `live capture on ${device} needs root or CAP_NET_RAW`;
  }
  if (/not up|is down/i.test(m)) return `interface ${device} is down`;
  return `cannot capture on ${device}: ${m}`;
}

/**
 * Whether `device` opens without a filter (then a failure with the filter was the filter's).
 * The probe's handle is left to the process's end: the caller is about to fail anyway.
 */
function opensWithoutFilter(pcap: PcapBinding, device: string, snaplen: number): boolean {
  try {
    new pcap.PcapSession().open_live(device, '', 1 << 20, snaplen, '', () => undefined, false, 1000, () => undefined, false);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens `options.device` and starts delivering its frames to `options.onPacket` (from timers:
 * the call returns first). Throws a one-line {@link UserError} (exit 2) when the binding is
 * missing, the interface does not exist, privileges are missing, or the filter is bad.
 */
export function openLiveCapture(options: LiveCaptureOptions): LiveCapture {
  const pcap = requireBinding();
  const device = options.device;
  const snaplen = Math.max(64, Math.min(262144, Math.floor(options.snaplen ?? 262144)));
  const pollMs = Math.max(1, Math.floor(options.pollIntervalMs ?? 20));
  const session = new pcap.PcapSession();
  const buffer = Buffer.alloc(snaplen);
  // The binding copies the pcap header's four 32-bit fields here, in host byte order.
  const header = new Uint32Array(4);
  const headerBytes = Buffer.from(header.buffer);
  const queue = new PacketQueue({ capacityBytes: Math.max(snaplen, options.queueBytes ?? DEFAULT_QUEUE_BYTES) });
  const counters: LiveCaptureCounters = {
    packets: 0, received: 0, kernelDrops: 0, ifDrops: 0, queueDrops: 0, queuedPackets: 0, queuedBytes: 0,
  };
  let stopped = false;
  /** The native handle was freed (dispatch returned -2); it must never be dispatched again. */
  let freed = false;
  let delivering = false;
  let failure: { err: unknown } | undefined;

  const packetReady = (): void => {
    // Runs inside the native dispatch, once per frame: only a copy into the queue, nothing that throws.
    if (stopped) return;
    const caplen = header[2];
    queue.push(header[0] * 1_000_000 + header[1], buffer, caplen < snaplen ? caplen : snaplen, header[3]);
  };

  let linkName: string;
  try {
    linkName = session.open_live(device, options.filter ?? '', options.bufferBytes ?? DEFAULT_RING_BYTES, snaplen, '',
      packetReady, false, pollMs, () => undefined, options.promiscuous ?? true);
  } catch (err) {
    const filterAtFault = options.filter ? opensWithoutFilter(pcap, device, snaplen) : false;
    throw new UserError(describeOpenError(device, filterAtFault ? options.filter : undefined, errorLine(err)));
  }
  const linkType = linkTypeNumber(linkName);
  queue.template.linkType = linkType;

  let kernelReadAt = 0;
  const readKernelCounters = (): void => {
    if (freed) return;
    kernelReadAt = Date.now();
    try {
      const s = session.stats();
      counters.received = s.ps_recv;
      counters.kernelDrops = s.ps_drop;
      counters.ifDrops = s.ps_ifdrop;
    } catch {
      // pcap_stats is not supported on every platform/handle: keep what we had
    }
  };
  const updateQueueCounters = (): void => {
    counters.queueDrops = queue.dropped;
    counters.queuedPackets = queue.size;
    counters.queuedBytes = queue.byteSize;
  };

  /** Copies every frame the kernel ring holds into the queue; returns how many it read. */
  const readRing = (): number => {
    const before = queue.queued + queue.dropped;
    let n: number;
    try {
      n = session.dispatch(buffer, headerBytes);
      if (n === -2) freed = true;
    } catch (err) {
      failure ??= { err: new UserError(`live capture on ${device} failed: ${errorLine(err)}`) };
      return 0;
    }
    if (n === -1) {
      failure ??= { err: new UserError(`live capture on ${device} stopped: libpcap reported a read error (did the interface go down?)`) };
    }
    updateQueueCounters();
    return queue.queued + queue.dropped - before;
  };

  /**
   * Delivers queued frames until the queue is empty or `until` (a performance.now() time)
   * passed, then calls `onBatchEnd` (unless `onPacket` stopped the capture).
   */
  const deliver = (until: number): number => {
    const onPacket = options.onPacket;
    const stoppedBefore = stopped;
    let count = 0;
    delivering = true;
    try {
      for (let packet = queue.shift(); packet !== undefined; packet = queue.shift()) {
        count++;
        onPacket(packet);
        if ((count & 31) === 0 && performance.now() > until) break;
      }
    } catch (err) {
      failure ??= { err };
    } finally {
      delivering = false;
      counters.packets += count;
      updateQueueCounters();
    }
    if (count > 0 && failure === undefined && stopped === stoppedBefore && options.onBatchEnd) {
      try {
        options.onBatchEnd();
      } catch (err) {
        failure = { err };
      }
    }
    return count;
  };

  /** Stops reading: snapshot the counters, ask libpcap to break out, cancel the next read. */
  function halt(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    clearImmediate(immediate);
    readKernelCounters();
    session.close(); // pcap_breakloop: the next dispatch that sees a packet frees the handle
  }

  /** After a stop, frees the native handle at the next packet, without keeping the process alive. */
  const reap = (): void => {
    if (freed) return;
    const reaper = setInterval(() => {
      if (freed) return clearInterval(reaper);
      const n = session.dispatch(buffer, headerBytes);
      if (n === -2) freed = true;
      if (n !== 0) clearInterval(reaper);
    }, 1000);
    reaper.unref();
  };

  const fail = (): void => {
    const { err } = failure!;
    queue.clear();
    updateQueueCounters();
    halt();
    if (!freed) reap();
    options.onError(err);
  };

  /**
   * One step: read the ring, deliver for at most {@link SLICE_MS}, then run again at once
   * (after the event loop's other work) while frames wait or flow, else after a timer:
   * {@link BUSY_POLL_MS} within {@link BUSY_WINDOW_MS} of the last frame, `pollMs` when idle.
   */
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let lastFrameAt = 0;
  const step = (): void => {
    timer = undefined;
    immediate = undefined;
    if (stopped) return;
    const read = readRing();
    if (failure === undefined) deliver(performance.now() + SLICE_MS);
    if (failure !== undefined) return fail();
    if (stopped) return;
    const now = Date.now();
    if (read > 0) lastFrameAt = now;
    if (now - kernelReadAt >= KERNEL_STATS_MS) readKernelCounters();
    if (queue.size > 0 || read > 0) immediate = setImmediate(step);
    else timer = setTimeout(step, now - lastFrameAt < BUSY_WINDOW_MS ? BUSY_POLL_MS : pollMs);
  };
  timer = setTimeout(step, 0);

  return {
    device,
    linkType,
    get counters(): Readonly<LiveCaptureCounters> {
      if (!stopped) readKernelCounters();
      return counters;
    },
    stop(): void {
      if (stopped) return;
      const flush = !delivering && failure === undefined;
      if (!flush) queue.clear();
      halt();
      if (flush) deliver(Infinity);
      const failed = failure as { err: unknown } | undefined;
      queue.clear();
      updateQueueCounters();
      if (!freed) reap();
      if (flush && failed !== undefined) options.onError(failed.err);
    },
  };
}

