/**
 * Writes classic little-endian pcap files (magic a1b2c3d4 for microseconds, a1b23c4d for
 * nanoseconds). The global header is written when a writer is constructed.
 */

import { closeSync, openSync, writeSync } from 'node:fs';

/** LINKTYPE_ETHERNET. */
export const LINKTYPE_ETHERNET = 1;
/** Global header length of a classic pcap file. */
export const PCAP_GLOBAL_HEADER_LENGTH = 24;
/** Per-record header length of a classic pcap file. */
export const PCAP_RECORD_HEADER_LENGTH = 16;

/** Anything that accepts captured frames with their timestamp (a pcap writer, a sorting buffer...). */
export interface PacketWriter {
  /**
   * Records one frame. `frame` is only read during the call (the caller may reuse it).
   * `tsMicros` is microseconds since the epoch (a fraction is kept by nanosecond writers).
   * `origLen` defaults to `frame.length`.
   */
  writePacket(tsMicros: number, frame: Uint8Array, origLen?: number): void;
}

/** Options of a pcap file. */
export interface PcapWriterOptions {
  /** LINKTYPE_* of every frame; default 1 (Ethernet). */
  linkType?: number;
  /** Snap length announced in the header; longer frames are cut to it. Default 262144. */
  snaplen?: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. Default false. */
  nanos?: boolean;
}

const DEFAULT_SNAPLEN = 262144;

/** Encodes the 24-byte global header into `out` at `at`. */
function encodeGlobalHeader(out: DataView, at: number, options: PcapWriterOptions): void {
  out.setUint32(at, options.nanos === true ? 0xa1b23c4d : 0xa1b2c3d4, true);
  out.setUint16(at + 4, 2, true);
  out.setUint16(at + 6, 4, true);
  out.setInt32(at + 8, 0, true); // thiszone
  out.setUint32(at + 12, 0, true); // sigfigs
  out.setUint32(at + 16, options.snaplen ?? DEFAULT_SNAPLEN, true);
  out.setUint32(at + 20, options.linkType ?? LINKTYPE_ETHERNET, true);
}

/**
 * Encodes one record header into `out` at `at` and returns how many frame bytes to store
 * after it (the frame cut to the snap length).
 */
function encodeRecordHeader(
  out: DataView,
  at: number,
  tsMicros: number,
  frameLength: number,
  origLen: number,
  snaplen: number,
  nanos: boolean,
): number {
  if (!(tsMicros >= 0)) throw new Error(`bad timestamp: ${tsMicros}`);
  let seconds = Math.floor(tsMicros / 1e6);
  let fraction = nanos ? Math.round((tsMicros - seconds * 1e6) * 1000) : Math.floor(tsMicros - seconds * 1e6);
  const perSecond = nanos ? 1e9 : 1e6;
  if (fraction >= perSecond) {
    seconds += 1;
    fraction -= perSecond;
  }
  const captured = Math.min(frameLength, snaplen);
  out.setUint32(at, seconds, true);
  out.setUint32(at + 4, fraction, true);
  out.setUint32(at + 8, captured, true);
  out.setUint32(at + 12, Math.max(origLen, captured), true);
  return captured;
}

/**
 * A pcap writer that hands bytes to a callback. Each callback call receives a fresh array the
 * callee owns (the global header on construction, then one header+frame array per packet).
 */
export class PcapWriter implements PacketWriter {
  private readonly snaplen: number;
  private readonly nanos: boolean;
  private packets = 0;
  private bytes = PCAP_GLOBAL_HEADER_LENGTH;

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    options: PcapWriterOptions = {},
  ) {
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    this.nanos = options.nanos === true;
    const header = new Uint8Array(PCAP_GLOBAL_HEADER_LENGTH);
    encodeGlobalHeader(new DataView(header.buffer), 0, options);
    write(header);
  }

  /** See `PacketWriter.writePacket`. Frames longer than the snap length are cut to it. */
  writePacket(tsMicros: number, frame: Uint8Array, origLen: number = frame.length): void {
    const captured = Math.min(frame.length, this.snaplen);
    const record = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + captured);
    encodeRecordHeader(new DataView(record.buffer), 0, tsMicros, frame.length, origLen, this.snaplen, this.nanos);
    record.set(captured === frame.length ? frame : frame.subarray(0, captured), PCAP_RECORD_HEADER_LENGTH);
    this.packets += 1;
    this.bytes += record.length;
    this.write(record);
  }

  /** Packets written so far. */
  get packetCount(): number {
    return this.packets;
  }

  /** Bytes handed to the callback so far, global header included. */
  get byteCount(): number {
    return this.bytes;
  }
}

/**
 * A pcap writer to a file that batches records in one buffer (default 4 MiB) and writes it
 * with `fs.writeSync` when full. Call `close()` at the end (it flushes). The file is created
 * or truncated on construction.
 */
export class PcapFileWriter implements PacketWriter {
  private readonly fd: number;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private readonly snaplen: number;
  private readonly nanos: boolean;
  private used = 0;
  private packets = 0;
  private bytes = 0;
  private closed = false;

  constructor(path: string, options: PcapWriterOptions & { bufferSize?: number } = {}) {
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    this.nanos = options.nanos === true;
    this.buffer = new Uint8Array(Math.max(options.bufferSize ?? 4 << 20, 1 << 16));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.fd = openSync(path, 'w');
    encodeGlobalHeader(this.view, 0, options);
    this.used = PCAP_GLOBAL_HEADER_LENGTH;
    this.bytes = PCAP_GLOBAL_HEADER_LENGTH;
  }

  /** See `PacketWriter.writePacket`. Frames longer than the snap length are cut to it. */
  writePacket(tsMicros: number, frame: Uint8Array, origLen: number = frame.length): void {
    if (this.closed) throw new Error('PcapFileWriter: write after close');
    const captured = Math.min(frame.length, this.snaplen);
    const need = PCAP_RECORD_HEADER_LENGTH + captured;
    if (this.used + need > this.buffer.length) this.flush();
    if (need > this.buffer.length) {
      // A record bigger than the whole buffer: write it on its own.
      const record = new Uint8Array(need);
      encodeRecordHeader(new DataView(record.buffer), 0, tsMicros, frame.length, origLen, this.snaplen, this.nanos);
      record.set(frame.subarray(0, captured), PCAP_RECORD_HEADER_LENGTH);
      writeAll(this.fd, record);
    } else {
      encodeRecordHeader(this.view, this.used, tsMicros, frame.length, origLen, this.snaplen, this.nanos);
      this.buffer.set(
        captured === frame.length ? frame : frame.subarray(0, captured),
        this.used + PCAP_RECORD_HEADER_LENGTH,
      );
      this.used += need;
    }
    this.packets += 1;
    this.bytes += need;
  }

  /** Writes the buffered records to the file. */
  flush(): void {
    if (this.used > 0) {
      writeAll(this.fd, this.buffer.subarray(0, this.used));
      this.used = 0;
    }
  }

  /** Flushes and closes the file (also when the flush throws); further writes throw. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  /** Packets written so far. */
  get packetCount(): number {
    return this.packets;
  }

  /** File size so far (buffered bytes included), global header included. */
  get byteCount(): number {
    return this.bytes;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Runs `script` with a `PcapWriter` that collects into memory and returns the whole file.
 */
export function collectPcap(script: (writer: PcapWriter) => void, options: PcapWriterOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new PcapWriter((bytes) => chunks.push(bytes), options);
  script(writer);
  const out = new Uint8Array(writer.byteCount);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
