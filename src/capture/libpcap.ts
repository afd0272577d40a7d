/**
 * Every call into libpcap, in one module:
 * - the capture-filter compiler: `pcap_compile` reached through the koffi FFI, so that no native
 *   addon has to be built ({@link compileBpf});
 * - the loader of node_pcap's native binding (`pcap` package), which live capture uses
 *   ({@link loadPcapBinding}), with the typed part of its interface.
 * Both load lazily, on first use: without libpcap or the binding, everything else in flowspy works.
 */
import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';

/** A compiled classic-BPF program: 4 numbers per instruction (code, jt, jf, k). */
export type BpfProgram = Uint32Array;

type Koffi = typeof import('koffi');
type KoffiFunc<T extends (...args: never[]) => unknown> = import('koffi').KoffiFunc<T>;

/** The libpcap functions the compiler calls (pointers are koffi's opaque values). */
interface LibpcapFunctions {
  koffi: Koffi;
  openDead: KoffiFunc<(linkType: number, snaplen: number) => unknown>;
  compile: KoffiFunc<(handle: unknown, program: { bf_len?: number; bf_insns?: unknown }, expression: string, optimize: number, netmask: number) => number>;
  geterr: KoffiFunc<(handle: unknown) => string>;
}

const LIBPCAP_NAMES = ['libpcap.so.0.8', 'libpcap.so.1', 'libpcap.so', 'libpcap.dylib', 'libpcap.A.dylib'];
let libpcap: LibpcapFunctions | undefined;
const deadHandles = new Map<number, unknown>();

/** Loads libpcap through koffi once; throws a one-line {@link UserError} saying how to get what is missing. */
function loadLibpcap(): LibpcapFunctions {
  if (libpcap) return libpcap;
  const require = createRequire(import.meta.url);
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
  } catch {
    throw new UserError('capture filters need the koffi package (run `npm install` in the flowspy checkout)');
  }
  let lib: ReturnType<Koffi['load']> | undefined;
  for (const name of LIBPCAP_NAMES) {
    try {
      lib = koffi.load(name);
      break;
    } catch {
      // try the next name
    }
  }
  if (!lib) {
    throw new UserError('capture filters need libpcap, which was not found (Debian/Ubuntu: apt-get install libpcap0.8)');
  }
  koffi.struct('flowspy_bpf_insn', { code: 'uint16', jt: 'uint8', jf: 'uint8', k: 'uint32' });
  koffi.struct('flowspy_bpf_program', { bf_len: 'uint', bf_insns: 'flowspy_bpf_insn *' });
  libpcap = {
    koffi,
    openDead: lib.func('void *pcap_open_dead(int, int)'),
    compile: lib.func('int pcap_compile(void *, _Out_ flowspy_bpf_program *, const char *, int, uint32)'),
    geterr: lib.func('const char *pcap_geterr(void *)'),
  };
  return libpcap;
}

/**
 * libpcap's pcap_open_dead takes a DLT_ value; pcap files carry LINKTYPE_ values. They are the
 * same number except for a few (LINKTYPE_RAW 101 and OpenBSD's raw 14 are DLT_RAW 12 on Linux).
 */
function dltOfLinkType(linkType: number): number {
  switch (linkType) {
    case 101: case 14: return 12;
    case 100: return 11;
    default: return linkType;
  }
}

/**
 * Compiles the tcpdump-syntax `expression` with libpcap (optimised) for frames of the LINKTYPE_
 * `linkType`. Throws a one-line {@link UserError} when libpcap or koffi is missing, when libpcap
 * cannot filter that link type, or when the expression does not compile for it.
 */
export function compileBpf(linkType: number, expression: string): BpfProgram {
  const { koffi, openDead, compile, geterr } = loadLibpcap();
  let handle = deadHandles.get(linkType);
  if (!handle) {
    handle = openDead(dltOfLinkType(linkType), 262144);
    if (!handle) throw new UserError(`libpcap cannot filter link type ${linkType}`);
    deadHandles.set(linkType, handle);
  }
  const out: { bf_len?: number; bf_insns?: unknown } = {};
  if (compile(handle, out, expression, 1, 0xffffffff) !== 0) {
    throw new UserError(`bad capture filter "${expression}": ${geterr(handle)}`);
  }
  const insns = koffi.decode(out.bf_insns, 'flowspy_bpf_insn', out.bf_len ?? 0) as { code: number; jt: number; jf: number; k: number }[];
  const program = new Uint32Array(insns.length * 4);
  insns.forEach((insn, i) => program.set([insn.code, insn.jt, insn.jf, insn.k >>> 0], i * 4));
  return program;
}

/** The part of node_pcap's native binding (build/Release/pcap_binding.node) that live capture uses. */
export interface PcapBinding {
  PcapSession: new () => PcapBindingSession;
  findalldevs(): { name: string; description?: string; addresses?: { addr?: string }[]; flags?: string }[];
  lib_version(): string;
}

/** One libpcap capture handle of the binding. */
export interface PcapBindingSession {
  open_live(
    device: string, filter: string, bufferSize: number, snaplen: number, dumpFile: string,
    packetReady: () => void, monitor: boolean, bufferTimeoutMs: number, warn: (message: string) => void, promiscuous: boolean,
  ): string;
  /** Delivers every packet available now; returns 0, or -1 (error), or -2 (closed: handle freed). */
  dispatch(buffer: Buffer, header: Buffer): number;
  close(): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
}

/** What {@link loadPcapBinding} found: the binding, or the first line of the reason it did not load. */
export type PcapBindingLoad = { binding: PcapBinding; error?: undefined } | { binding?: undefined; error: string };

let bindingLoad: PcapBindingLoad | undefined;

/**
 * Loads node_pcap's native binding once (later calls return the same answer). Never throws:
 * a binding that was not built (no libpcap headers at install time) comes back as an error text.
 * Only the live-capture module calls this.
 */
export function loadPcapBinding(): PcapBindingLoad {
  if (bindingLoad) return bindingLoad;
  try {
    const require = createRequire(import.meta.url);
    bindingLoad = { binding: require('pcap/build/Release/pcap_binding.node') as PcapBinding };
  } catch (err) {
    bindingLoad = { error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
  return bindingLoad;
}
