/**
 * Live capture from a network interface through libpcap, by way of the `pcap` npm binding
 * (node_pcap). This is the only module that loads the binding, and it loads it lazily: when
 * the binding was not built (no libpcap headers at install time), everything else in flowspy
 * still works and only {@link openLiveCapture} / {@link listInterfaces} throw a one-line
 * {@link UserError} saying how to fix it.
 *
 * The capture filter is compiled by libpcap and applied in the kernel. Packets are read from
 * the kernel ring by timers (see `pollIntervalMs`), not by the binding's own poll handle:
 * node_pcap frees a closed session only when one more packet arrives, and its poll handle
 * would keep the process alive until then. With a timer, {@link LiveCapture.stop} releases the
 * event loop at once (the libpcap handle itself is freed at the next matching packet, or at exit).
 */
import { endianness } from 'node:os';
import { UserError } from '../core/errors.js';
import { newCapturedPacket, type PacketSink } from '../core/packet.js';
import { loadPcapBinding, type PcapBinding } from './libpcap.js';

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
  /** Size of the kernel capture ring in bytes. Default 32 MiB (bursts of a fast link fit while JavaScript catches up). */
  bufferBytes?: number;
  /**
   * How often an idle ring is read, and how long the kernel may hold a partly filled block:
   * packets show up at most about twice this late. Default 20 ms. While packets flow the ring
   * is read again at once after each batch, and every {@link BUSY_POLL_MS} in between.
   */
  pollIntervalMs?: number;
  /**
   * Receives every captured frame, synchronously. The packet object and its `buffer` (the
   * binding's) are reused for the next frame: copy what you keep. `fileOffset` is -1 and
   * `interfaceId` 0. If it throws, the capture stops and `onError` gets the error.
   */
  onPacket: PacketSink;
  /** Called after each read of the ring that delivered packets (e.g. to flush output). */
  onBatchEnd?: () => void;
  /**
   * Called at most once, when the capture stopped by itself: `onPacket` or `onBatchEnd` threw
   * (that error is passed on as is), or libpcap reported a read error (a {@link UserError}).
   * No packet is delivered after it.
   */
  onError: (err: unknown) => void;
}

/** libpcap's counters of a live capture (see pcap_stats(3PCAP): platform-dependent meaning). */
export interface LiveCaptureStats {
  /** Packets that passed the kernel filter (on Linux, including the dropped ones). */
  received: number;
  /** Packets dropped because the capture ring was full (we did not read fast enough). */
  dropped: number;
  /** Packets dropped by the interface or its driver (0 may mean "not known"). */
  ifDropped: number;
}

/** A running capture. */
export interface LiveCapture {
  readonly device: string;
  /** LINKTYPE_* value of the interface (1 Ethernet, 113 Linux SLL, ...). */
  readonly linkType: number;
  /**
   * Stops delivering packets, at once and for good (also when called from inside `onPacket`).
   * Packets the kernel still holds are not delivered. Idempotent.
   */
  stop(): void;
  /** libpcap's counters; after `stop` the last snapshot taken. Undefined when libpcap cannot tell. */
  stats(): LiveCaptureStats | undefined;
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

/** How to fix a missing binding: one line. */
export const BINDING_MISSING_HINT =
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
    throw new UserError(`cannot list interfaces: ${messageOf(err)}`);
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
 * Opens `options.device` and starts delivering its frames to `options.onPacket` (from a
 * timer: the call returns first). Throws a one-line {@link UserError} (exit 2) when the
 * binding is missing, the interface does not exist, privileges are missing, or the filter is bad.
 */
export function openLiveCapture(options: LiveCaptureOptions): LiveCapture {
  const pcap = requireBinding();
  const device = options.device;
  const snaplen = Math.max(64, Math.min(262144, Math.floor(options.snaplen ?? 262144)));
  const pollMs = Math.max(1, Math.floor(options.pollIntervalMs ?? 20));
  const session = new pcap.PcapSession();
  const buffer = Buffer.alloc(snaplen);
  const header = Buffer.alloc(16);
  const littleEndian = endianness() === 'LE';
  const packet = newCapturedPacket(buffer);
  let stopped = false;
  /** The native handle was freed (dispatch returned -2); it must never be dispatched again. */
  let freed = false;
  let failure: { err: unknown } | undefined;
  let lastStats: LiveCaptureStats | undefined;
  /** Frames delivered so far (tells whether a read of the ring brought any). */
  let delivered = 0;

  const onPacket = options.onPacket;
  const packetReady = (): void => {
    // Runs inside the native dispatch: an exception here would be fatal, so none escapes.
    if (stopped) return;
    const sec = littleEndian ? header.readUInt32LE(0) : header.readUInt32BE(0);
    const usec = littleEndian ? header.readUInt32LE(4) : header.readUInt32BE(4);
    const caplen = littleEndian ? header.readUInt32LE(8) : header.readUInt32BE(8);
    packet.ts = sec * 1_000_000 + usec;
    packet.origLen = littleEndian ? header.readUInt32LE(12) : header.readUInt32BE(12);
    packet.end = caplen < snaplen ? caplen : snaplen;
    delivered++;
    try {
      onPacket(packet);
    } catch (err) {
      failure = { err };
      halt();
    }
  };

  let linkName: string;
  try {
    linkName = session.open_live(device, options.filter ?? '', options.bufferBytes ?? 32 << 20, snaplen, '',
      packetReady, false, pollMs, () => undefined, options.promiscuous ?? true);
  } catch (err) {
    const filterAtFault = options.filter ? opensWithoutFilter(pcap, device, snaplen) : false;
    throw new UserError(describeOpenError(device, filterAtFault ? options.filter : undefined, messageOf(err)));
  }
  packet.linkType = linkTypeNumber(linkName);

  const readStats = (): LiveCaptureStats | undefined => {
    if (freed) return lastStats;
    try {
      const s = session.stats();
      lastStats = { received: s.ps_recv, dropped: s.ps_drop, ifDropped: s.ps_ifdrop };
    } catch {
      // pcap_stats is not supported on every platform/handle: keep what we had
    }
    return lastStats;
  };

  /** Dispatches once, noting whether libpcap freed the handle. */
  const dispatch = (): number => {
    const n = session.dispatch(buffer, header);
    if (n === -2) freed = true;
    return n;
  };

  /** Stops delivery: snapshot the counters, ask libpcap to break out, stop reading. */
  function halt(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    readStats();
    session.close(); // pcap_breakloop: the next dispatch that sees a packet frees the handle
  }

  /** After a stop, frees the native handle at the next packet, without keeping the process alive. */
  const reap = (): void => {
    if (freed) return;
    const reaper = setInterval(() => {
      if (freed || dispatch() !== 0) clearInterval(reaper);
    }, 1000);
    reaper.unref();
  };

  /**
   * Reads of the ring: a timer chain (every `pollMs`, or {@link BUSY_POLL_MS} while packets
   * flow), and a read at once after each read that brought packets, so a busy link is drained
   * continuously and an idle one costs a few wakeups a second.
   */
  let timer: NodeJS.Timeout | undefined;
  let lastPacketAt = 0;
  let repollQueued = false;
  const repoll = (): void => {
    repollQueued = false;
    poll();
  };
  const tick = (): void => {
    poll();
    if (!stopped) timer = setTimeout(tick, Date.now() - lastPacketAt < BUSY_WINDOW_MS ? BUSY_POLL_MS : pollMs);
  };
  const poll = (): void => {
    if (stopped) return;
    const before = delivered;
    let n: number;
    try {
      n = dispatch();
    } catch (err) {
      failure ??= { err: new UserError(`live capture on ${device} failed: ${messageOf(err)}`) };
      n = -1;
    }
    if (failure === undefined && n === -1) {
      failure = { err: new UserError(`live capture on ${device} stopped: libpcap reported a read error (did the interface go down?)`) };
    }
    if (failure === undefined && !stopped && delivered !== before && options.onBatchEnd) {
      try {
        options.onBatchEnd();
      } catch (err) {
        failure = { err };
      }
    }
    if (failure !== undefined) {
      const { err } = failure;
      halt();
      if (!freed && n !== -1) reap();
      options.onError(err);
    } else if (delivered !== before && !stopped) {
      lastPacketAt = Date.now();
      if (!repollQueued) {
        repollQueued = true;
        setImmediate(repoll);
      }
    }
  };

  timer = setTimeout(tick, 0);

  return {
    device,
    linkType: packet.linkType,
    stop(): void {
      if (stopped) return;
      halt();
      if (!freed) reap();
    },
    stats(): LiveCaptureStats | undefined {
      return stopped ? lastStats : readStats();
    },
  };
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
