/**
 * Every call into libpcap, in one module:
 * - the capture-filter compiler: `pcap_compile` reached through the koffi FFI, so that no native
 *   addon has to be built ({@link compileBpf});
 * - the loader of node_pcap's native binding (`pcap` package), which live capture uses
 *   ({@link loadPcapBinding}), with the typed part of its interface.
 * Both load lazily, on first use: without libpcap or the binding, everything else in flowspy works.
 */
import { createRequire } from 'node:module';
import { errorLine, UserError } from '../core/errors.js';

/** A compiled classic-BPF program: 4 numbers per instruction (code, jt, jf, k). */
export type BpfProgram = Uint32Array;

type Koffi = typeof import('koffi');
type KoffiFunc<T extends (...args: never[]) => unknown> = import('koffi').KoffiFunc<T>;

/** The C functions the compiler calls (pointers are koffi's opaque values). */
interface LibpcapFunctions {
  koffi: Koffi;
  /** libc's, found through libpcap's own dependencies. */
  fmemopen: KoffiFunc<(buffer: unknown, size: number, mode: string) => unknown>;
  fclose: KoffiFunc<(file: unknown) => number>;
  fopenOffline: KoffiFunc<(file: unknown, errbuf: Buffer) => unknown>;
  compile: KoffiFunc<(handle: unknown, program: { bf_len?: number; bf_insns?: unknown }, expression: string, optimize: number, netmask: number) => number>;
  freecode: KoffiFunc<(program: { bf_len?: number; bf_insns?: unknown }) => void>;
  geterr: KoffiFunc<(handle: unknown) => string>;
  close: KoffiFunc<(handle: unknown) => void>;
}

const LIBPCAP_NAMES = ['libpcap.so.0.8', 'libpcap.so.1', 'libpcap.so', 'libpcap.dylib', 'libpcap.A.dylib'];
let libpcap: LibpcapFunctions | undefined;

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
  const insn = koffi.struct('flowspy_bpf_insn', { code: 'uint16', jt: 'uint8', jf: 'uint8', k: 'uint32' });
  koffi.struct('flowspy_bpf_program', { bf_len: 'uint', bf_insns: koffi.pointer(insn) });
  libpcap = {
    koffi,
    fmemopen: lib.func('void *fmemopen(void *, size_t, const char *)'),
    fclose: lib.func('int fclose(void *)'),
    fopenOffline: lib.func('void *pcap_fopen_offline(void *, uint8_t *)'),
    compile: lib.func('int pcap_compile(void *, _Out_ flowspy_bpf_program *, const char *, int, uint32)'),
    freecode: lib.func('void pcap_freecode(flowspy_bpf_program *)'),
    geterr: lib.func('const char *pcap_geterr(void *)'),
    close: lib.func('void pcap_close(void *)'),
  };
  return libpcap;
}

/** Bytes of a classic pcap file header. */
const PCAP_FILE_HEADER_BYTES = 24;
/** libpcap's PCAP_ERRBUF_SIZE. */
const PCAP_ERRBUF_SIZE = 256;

/** Raw IP. */
const LINKTYPE_RAW = 101;
/** OpenBSD's DLT_RAW, found as a link type in some files; libpcap elsewhere knows no link type 14. */
const LINKTYPE_OPENBSD_RAW = 14;

/** The file header of an empty classic pcap file of this link type, written in this byte order. */
function pcapFileHeader(linkType: number, littleEndian: boolean): Uint8Array {
  const header = new Uint8Array(PCAP_FILE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0xa1b2c3d4, littleEndian); // magic: microseconds
  view.setUint16(4, 2, littleEndian); // version 2.4
  view.setUint16(6, 4, littleEndian);
  view.setUint32(16, 262144, littleEndian); // snap length
  view.setUint32(20, linkType === LINKTYPE_OPENBSD_RAW ? LINKTYPE_RAW : linkType, littleEndian);
  return header;
}

/**
 * Compiles the tcpdump-syntax `expression` with libpcap (optimised) for frames of the LINKTYPE_
 * `linkType` read from a capture file written in the given byte order, exactly as `tcpdump -r`
 * compiles it: on a savefile handle, which libpcap opens here over an empty file of that link
 * type and byte order in memory. (A savefile handle matters: libpcap then checks BSD loopback
 * frames for the IPv6 address family values of every BSD, not only this host's, and matches
 * their address family in the file's byte order.) Throws a one-line {@link UserError} when libpcap
 * or koffi is missing, when libpcap cannot filter that link type, or when the expression does not
 * compile for it.
 */
export function compileBpf(linkType: number, littleEndian: boolean, expression: string): BpfProgram {
  const lib = loadLibpcap();
  const { koffi } = lib;
  const memory = koffi.alloc('uint8_t', PCAP_FILE_HEADER_BYTES);
  try {
    koffi.encode(memory, 'uint8_t', Array.from(pcapFileHeader(linkType, littleEndian)), PCAP_FILE_HEADER_BYTES);
    const file = lib.fmemopen(memory, PCAP_FILE_HEADER_BYTES, 'r');
    if (!file) throw new UserError(`cannot compile the capture filter: fmemopen failed`);
    const errbuf = Buffer.alloc(PCAP_ERRBUF_SIZE);
    const handle = lib.fopenOffline(file, errbuf);
    if (!handle) {
      lib.fclose(file);
      throw new UserError(`libpcap cannot filter link type ${linkType}: ${errbuf.toString('latin1').replace(/\0[^]*$/, '')}`);
    }
    try {
      return compileOn(lib, handle, expression);
    } finally {
      lib.close(handle); // closes the file too
    }
  } finally {
    koffi.free(memory);
  }
}

/** pcap_compile on `handle`, the program copied out of libpcap's memory. */
function compileOn(lib: LibpcapFunctions, handle: unknown, expression: string): BpfProgram {
  const out: { bf_len?: number; bf_insns?: unknown } = {};
  if (lib.compile(handle, out, expression, 1, 0xffffffff) !== 0) {
    throw new UserError(`bad capture filter "${expression}": ${lib.geterr(handle)}`);
  }
  try {
    const insns = lib.koffi.decode(out.bf_insns, 'flowspy_bpf_insn', out.bf_len ?? 0) as { code: number; jt: number; jf: number; k: number }[];
    const program = new Uint32Array(insns.length * 4);
    insns.forEach((insn, i) => program.set([insn.code, insn.jt, insn.jf, insn.k >>> 0], i * 4));
    return program;
  } finally {
    lib.freecode(out);
  }
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
    bindingLoad = { error: errorLine(err) };
  }
  return bindingLoad;
}
