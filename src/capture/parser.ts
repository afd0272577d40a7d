/**
 * Synchronous, incremental parser of classic pcap and pcapng capture streams.
 *
 * Bytes come in through `push(chunk)` in any split; every complete record is handed to the sink
 * at once, in stream order. A record that lies inside one chunk is delivered as a view of that
 * chunk (no copy); a record that straddles chunks is assembled in a carry buffer first. Memory
 * held between calls is bounded by the largest record (at most 64 MiB), never by the stream size.
 */
import { newCapturedPacket, type CapturedPacket, type PacketSink } from '../core/packet.js';
import { CaptureFormatError, type CaptureFormatErrorKind } from './errors.js';

/** Capture file formats the parser reads. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** Options of {@link CaptureParser}. */
export interface CaptureParserOptions {
  /**
   * True when the stream is a file read from its first byte, so stream positions are file
   * positions: `packet.fileOffset` then carries them. Otherwise `fileOffset` is -1. Default false.
   */
  seekable?: boolean;
}

/** Records announcing more captured bytes than this are damage, whatever the snap length says. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** libpcap's and Wireshark's usual ceiling for a record, used when the snap length is smaller. */
export const STANDARD_MAX_SNAPLEN = 262_144;

const PCAP_FILE_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const PCAP_MODIFIED_RECORD_HEADER = 24;
const PCAPNG_MIN_BLOCK = 12;

const MAGIC_PCAP_US = 0xa1b2c3d4;
const MAGIC_PCAP_NS = 0xa1b23c4d;
const MAGIC_PCAP_MODIFIED = 0xa1b2cd34;
const MAGIC_PCAP_US_SWAPPED = 0xd4c3b2a1;
const MAGIC_PCAP_NS_SWAPPED = 0x4d3cb2a1;
const MAGIC_PCAP_MODIFIED_SWAPPED = 0x34cdb2a1;

/**
 * True when `magic` (a file's first 4 bytes, read big-endian) opens a classic pcap with
 * microsecond timestamps: the usual one or the "modified" (Kuznetzov) one, either byte order.
 */
export function isMicrosecondPcapMagic(magic: number): boolean {
  return magic === MAGIC_PCAP_US || magic === MAGIC_PCAP_US_SWAPPED || magic === MAGIC_PCAP_MODIFIED || magic === MAGIC_PCAP_MODIFIED_SWAPPED;
}

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_OPB = 0x00000002;
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

const TWO_32 = 0x1_0000_0000;
/** Below this high word a 64-bit timestamp is an exact double (< 2^53). */
const EXACT_HIGH_LIMIT = 0x20_0000;

/** The four-byte prefixes (as read in file order) that start a capture we can read. */
const MAGIC_PREFIXES: readonly (readonly number[])[] = [
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xcd, 0x34],
  [0x34, 0xcd, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

const STAGE_START = 0;
const STAGE_PCAP = 1;
const STAGE_PCAPNG = 2;
const STAGE_ENDED = 3;
const STAGE_FAILED = 4;

const EMPTY = new Uint8Array(0);

/**
 * Incremental capture parser (classic pcap, including the nanosecond and Kuznetzov "modified"
 * variants in both byte orders, and pcapng with any number of sections and interfaces).
 *
 * Contract:
 * - `push(chunk)` parses as far as the bytes go and calls `sink(packet)` synchronously for each
 *   complete record. The packet object is reused and `packet.buffer` (the chunk, or a copy of a
 *   record that straddled chunks) is valid only during the sink call; the parser does not keep
 *   `chunk` after `push` returns (partial records are copied),
 *   so the caller may overwrite the chunk's memory then.
 * - `end()` says the stream is over; it throws `CaptureFormatError` ('truncated', or
 *   'not-a-capture' for an empty or unrecognised input) when bytes of an unfinished record remain.
 * - On damage every record before the damage has been delivered, then `CaptureFormatError`
 *   ('damaged' or 'not-a-capture') is thrown; later calls throw the same error again.
 * - An exception thrown by the sink propagates; the parser is unusable afterwards.
 * - pcapng: simple packet blocks (no timestamp) get the timestamp of the previous packet (0 when
 *   none); `origLen` is never less than the captured length (a record claiming fewer bytes on the
 *   wire than it captured reports the captured length).
 */
export class CaptureParser {
  private readonly sink: PacketSink;
  private readonly seekable: boolean;
  private readonly packet: CapturedPacket = newCapturedPacket(EMPTY);

  private stage = STAGE_START;
  private detectedFormat: CaptureFormat | undefined;
  private failure: Error | undefined;
  private busy = false;
  private delivered = 0;
  /** Stream position of the first byte not yet parsed (start of the current unit). */
  private consumed = 0;
  /** Total bytes pushed. */
  private pushed = 0;
  /** Bytes of the current unit needed (counted from its start) before it can be parsed further. */
  private need = 4;

  /** Holds the start of a unit (file header, record, block) that straddles chunks. */
  private carry: Uint8Array = EMPTY;
  private carryView: DataView = new DataView(new ArrayBuffer(0));
  private carryLen = 0;

  /** Byte order of the pcap file or of the current pcapng section. */
  private littleEndian = true;

  // classic pcap
  private pcapNanos = false;
  private pcapRecordHeader = PCAP_RECORD_HEADER;
  private pcapLinkType = 0;
  private pcapRecordLimit = STANDARD_MAX_SNAPLEN;
  private pcapHeaderRead = false;

  // pcapng, per interface of the current section
  private ifLinkType: number[] = [];
  private ifSnapLen: number[] = [];
  private ifUnitsPerSecond: number[] = [];
  private ifOffsetMicros: number[] = [];
  private lastTs = 0;

  /**
   * @param sink receives each record synchronously, in stream order
   * @param options `seekable: true` when stream positions are file positions (see `fileOffset`)
   */
  constructor(sink: PacketSink, options: CaptureParserOptions = {}) {
    this.sink = sink;
    this.seekable = options.seekable === true;
  }

  /** The format recognised from the first bytes, or undefined before 4 bytes were seen. */
  get format(): CaptureFormat | undefined {
    return this.detectedFormat;
  }

  /** Number of records handed to the sink so far. */
  get packetsDelivered(): number {
    return this.delivered;
  }

  /**
   * Stream position just after the last fully parsed unit (file header, record, block); bytes
   * held back for an unfinished record are not counted.
   */
  get bytesConsumed(): number {
    return this.consumed;
  }

  /**
   * Link types by interface id: the interfaces defined so far in the current pcapng section, or
   * the one link type of a classic pcap file; empty before the file header was read.
   */
  get interfaceLinkTypes(): readonly number[] {
    if (this.detectedFormat === 'pcap') return this.pcapHeaderRead ? [this.pcapLinkType] : [];
    return this.detectedFormat === 'pcapng' ? this.ifLinkType.slice() : [];
  }

  /** Parses `chunk` (any length, including 0) as the continuation of the stream. */
  push(chunk: Uint8Array): void {
    this.enter();
    const length = chunk.length;
    const chunkBase = this.pushed;
    this.pushed += length;
    let pos = 0;

    if (this.carryLen > 0) {
      for (;;) {
        const take = Math.min(this.need - this.carryLen, length - pos);
        this.ensureCarry(this.need);
        this.carry.set(chunk.subarray(pos, pos + take), this.carryLen);
        this.carryLen += take;
        pos += take;
        if (this.carryLen < this.need) {
          this.busy = false;
          return;
        }
        const stop = this.parseRun(this.carry, this.carryView, 0, this.carryLen, this.consumed);
        if (stop === this.carryLen) {
          this.carryLen = 0;
          if (this.carry.length > 4 * 1024 * 1024) this.setCarry(EMPTY);
          break;
        }
        if (stop > 0) {
          this.carry.copyWithin(0, stop, this.carryLen);
          this.carryLen -= stop;
        }
      }
    }

    if (pos < length) {
      const view = new DataView(chunk.buffer, chunk.byteOffset, length);
      const stop = this.parseRun(chunk, view, pos, length, chunkBase);
      if (stop < length) {
        const rest = length - stop;
        this.ensureCarry(Math.max(rest, this.need));
        this.carry.set(chunk.subarray(stop, length), 0);
        this.carryLen = rest;
      }
    }
    this.busy = false;
  }

  /** Declares the end of the stream; throws when it ends inside the file header or a record. */
  end(): void {
    this.enter();
    const at = this.pushed;
    const have = this.carryLen;
    if (this.stage === STAGE_START) {
      if (at === 0) throw this.fail('not-a-capture', 0, 'empty input');
      if (have < 4 && !startsLikeMagic(this.carry, have)) {
        throw this.fail('not-a-capture', 0, `first bytes: ${hexBytes(this.carry, have)}`);
      }
      throw this.fail('truncated', at, `file header of ${PCAP_FILE_HEADER} bytes has only ${have}`);
    }
    if (have > 0) {
      let detail: string;
      if (this.stage === STAGE_PCAP) {
        const header = this.pcapRecordHeader;
        detail =
          have < header
            ? `record header of ${header} bytes has only ${have}`
            : `record of ${this.need - header} bytes has only ${have - header}`;
      } else {
        detail =
          have < PCAPNG_MIN_BLOCK
            ? `block header of ${PCAPNG_MIN_BLOCK} bytes has only ${have}`
            : `block of ${this.need} bytes has only ${have}`;
      }
      throw this.fail('truncated', at, detail);
    }
    this.stage = STAGE_ENDED;
    this.busy = false;
  }

  private enter(): void {
    if (this.failure) throw this.failure;
    if (this.busy) throw new Error('CaptureParser is unusable: a previous call did not complete (the sink threw)');
    if (this.stage === STAGE_ENDED) throw new Error('CaptureParser: push() or end() after end()');
    this.busy = true;
  }

  /** The parser stopped for good by `kind` of damage at stream position `at`, with the packets delivered before. */
  private fail(kind: CaptureFormatErrorKind, at: number, detail: string): CaptureFormatError {
    const error = new CaptureFormatError(kind, at, detail, kind === 'not-a-capture' ? {} : { packets: this.delivered });
    this.failure = error;
    this.stage = STAGE_FAILED;
    this.busy = false;
    return error;
  }

  private setCarry(buffer: Uint8Array): void {
    this.carry = buffer;
    this.carryView = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  private ensureCarry(size: number): void {
    if (this.carry.length >= size) return;
    const grown = new Uint8Array(Math.max(size, this.carry.length * 2, 64 * 1024));
    grown.set(this.carry.subarray(0, this.carryLen), 0);
    this.setCarry(grown);
  }

  /**
   * Parses whole units of `buf[start, end)`, whose first byte is at stream position `base`.
   * Returns the position of the first unit it could not finish (and sets `need`).
   */
  private parseRun(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    let pos = start;
    for (;;) {
      switch (this.stage) {
        case STAGE_PCAP: {
          const stop = this.parsePcapRecords(buf, view, pos, end, base);
          this.need = this.pcapNeed(view, stop, end);
          return stop;
        }
        case STAGE_PCAPNG:
          return this.parsePcapngBlocks(buf, view, pos, end, base);
        case STAGE_START: {
          const next = this.parseFileStart(view, pos, end, base);
          if (next < 0) return pos;
          pos = next;
          break;
        }
        default:
          return pos;
      }
    }
  }

  /** Bytes that the pcap record at `pos` needs to be parsed, `[pos, end)` holding less than it. */
  private pcapNeed(view: DataView, pos: number, end: number): number {
    const header = this.pcapRecordHeader;
    return end - pos < header ? header : header + view.getUint32(pos + 8, this.littleEndian);
  }

  /** Recognises the format; consumes the pcap file header. Returns -1 when more bytes are needed. */
  private parseFileStart(view: DataView, pos: number, end: number, base: number): number {
    if (end - pos < 4) {
      this.need = 4;
      return -1;
    }
    const magic = view.getUint32(pos, false);
    if (magic === BLOCK_SHB) {
      this.stage = STAGE_PCAPNG;
      this.detectedFormat = 'pcapng';
      return pos;
    }
    let littleEndian: boolean;
    let nanos = false;
    let modified = false;
    switch (magic) {
      case MAGIC_PCAP_US: littleEndian = false; break;
      case MAGIC_PCAP_US_SWAPPED: littleEndian = true; break;
      case MAGIC_PCAP_NS: littleEndian = false; nanos = true; break;
      case MAGIC_PCAP_NS_SWAPPED: littleEndian = true; nanos = true; break;
      case MAGIC_PCAP_MODIFIED: littleEndian = false; modified = true; break;
      case MAGIC_PCAP_MODIFIED_SWAPPED: littleEndian = true; modified = true; break;
      default: {
        const first = new Uint8Array(view.buffer, view.byteOffset + pos, 4);
        throw this.fail('not-a-capture', base + pos, `first bytes: ${hexBytes(first, 4)}`);
      }
    }
    this.detectedFormat = 'pcap';
    if (end - pos < PCAP_FILE_HEADER) {
      this.need = PCAP_FILE_HEADER;
      return -1;
    }
    this.littleEndian = littleEndian;
    this.pcapNanos = nanos;
    this.pcapRecordHeader = modified ? PCAP_MODIFIED_RECORD_HEADER : PCAP_RECORD_HEADER;
    const snapLen = view.getUint32(pos + 16, littleEndian);
    this.pcapRecordLimit = Math.min(Math.max(snapLen, STANDARD_MAX_SNAPLEN), MAX_RECORD_BYTES);
    this.pcapLinkType = view.getUint32(pos + 20, littleEndian) & 0xffff;
    this.pcapHeaderRead = true;
    this.stage = STAGE_PCAP;
    pos += PCAP_FILE_HEADER;
    this.consumed = base + pos;
    return pos;
  }

  private parsePcapRecords(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    const le = this.littleEndian;
    const header = this.pcapRecordHeader;
    const limit = this.pcapRecordLimit;
    const nanos = this.pcapNanos;
    const packet = this.packet;
    const seekable = this.seekable;
    packet.linkType = this.pcapLinkType;
    packet.littleEndian = le;
    packet.interfaceId = 0;
    packet.buffer = buf; // once per run, not per record (a pointer store costs a write barrier)
    let pos = start;
    for (;;) {
      // The loop's exits only return: the caller works out what the unfinished record needs (a
      // store here, first run at the end of the first chunk, would deoptimise this loop and all
      // that is inlined into it just after its first optimisation).
      const available = end - pos;
      if (available < header) return pos;
      const capLen = view.getUint32(pos + 8, le);
      if (capLen > limit) {
        throw this.fail('damaged', base + pos, `record announces ${capLen} captured bytes (more than ${limit})`);
      }
      const total = header + capLen;
      if (available < total) return pos;
      const seconds = view.getUint32(pos, le);
      const fraction = view.getUint32(pos + 4, le);
      const origLen = view.getUint32(pos + 12, le);
      const dataStart = pos + header;
      packet.ts = nanos ? seconds * 1e6 + fraction / 1000 : seconds * 1e6 + fraction;
      packet.start = dataStart;
      packet.end = dataStart + capLen;
      packet.origLen = origLen < capLen ? capLen : origLen;
      packet.fileOffset = seekable ? base + dataStart : -1;
      pos += total;
      this.consumed = base + pos;
      this.delivered++;
      this.sink(packet);
    }
  }

  private damaged(at: number, detail: string): CaptureFormatError {
    return this.fail('damaged', at, detail);
  }

  private parsePcapngBlocks(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    this.packet.buffer = buf; // once per run, not per packet (a pointer store costs a write barrier)
    let pos = start;
    for (;;) {
      const available = end - pos;
      if (available < PCAPNG_MIN_BLOCK) {
        this.need = PCAPNG_MIN_BLOCK;
        return pos;
      }
      const at = base + pos;
      const type = view.getUint32(pos, this.littleEndian);
      if (type === BLOCK_SHB) {
        const byteOrder = view.getUint32(pos + 8, true);
        if (byteOrder === BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (byteOrder === BYTE_ORDER_MAGIC_SWAPPED) this.littleEndian = false;
        else if (at === 0) {
          const first = new Uint8Array(view.buffer, view.byteOffset + pos, 4);
          throw this.fail('not-a-capture', 0,
            `first bytes: ${hexBytes(first, 4)} as in pcapng, but no byte-order magic follows`);
        } else {
          throw this.damaged(at, `section header block has no byte-order magic (0x${hex32(byteOrder)})`);
        }
      }
      const le = this.littleEndian;
      const blockLen = view.getUint32(pos + 4, le);
      if (blockLen < PCAPNG_MIN_BLOCK) {
        throw this.damaged(at, `block length ${blockLen} is less than ${PCAPNG_MIN_BLOCK}`);
      }
      if (blockLen % 4 !== 0) throw this.damaged(at, `block length ${blockLen} is not a multiple of 4`);
      if (blockLen > MAX_RECORD_BYTES) {
        throw this.damaged(at, `block announces ${blockLen} bytes (more than ${MAX_RECORD_BYTES})`);
      }
      if (available < blockLen) {
        this.need = blockLen;
        return pos;
      }
      const trailer = view.getUint32(pos + blockLen - 4, le);
      if (trailer !== blockLen) {
        throw this.damaged(at, `block length ${blockLen} differs from its trailing copy ${trailer}`);
      }
      switch (type) {
        case BLOCK_SHB:
          this.readSectionHeader(view, pos, blockLen, at);
          break;
        case BLOCK_IDB:
          this.readInterface(view, pos, blockLen, at);
          break;
        case BLOCK_EPB:
        case BLOCK_OPB:
          this.deliverTimestamped(buf, view, pos, blockLen, base, type === BLOCK_EPB);
          pos += blockLen;
          continue;
        case BLOCK_SPB:
          this.deliverSimple(buf, view, pos, blockLen, base);
          pos += blockLen;
          continue;
        default:
          break; // other blocks (name resolution, statistics, secrets, custom, ...) are skipped
      }
      pos += blockLen;
      this.consumed = base + pos;
    }
  }

  private readSectionHeader(view: DataView, pos: number, blockLen: number, at: number): void {
    if (blockLen < 28) throw this.damaged(at, `section header block of ${blockLen} bytes is shorter than 28`);
    const major = view.getUint16(pos + 12, this.littleEndian);
    const minor = view.getUint16(pos + 14, this.littleEndian);
    if (major !== 1) throw this.damaged(at, `unsupported pcapng version ${major}.${minor}`);
    this.ifLinkType.length = 0;
    this.ifSnapLen.length = 0;
    this.ifUnitsPerSecond.length = 0;
    this.ifOffsetMicros.length = 0;
  }

  private readInterface(view: DataView, pos: number, blockLen: number, at: number): void {
    if (blockLen < 20) throw this.damaged(at, `interface description block of ${blockLen} bytes is shorter than 20`);
    const le = this.littleEndian;
    let unitsPerSecond = 1e6;
    let offsetMicros = 0;
    const optionsEnd = pos + blockLen - 4;
    let opt = pos + 16;
    while (opt + 4 <= optionsEnd) {
      const code = view.getUint16(opt, le);
      const length = view.getUint16(opt + 2, le);
      const value = opt + 4;
      if (code === OPT_ENDOFOPT || value + length > optionsEnd) break;
      if (code === OPT_IF_TSRESOL && length >= 1) {
        const resolution = view.getUint8(value);
        const exponent = resolution & 0x7f;
        unitsPerSecond = resolution & 0x80 ? 2 ** exponent : 10 ** exponent;
      } else if (code === OPT_IF_TSOFFSET && length >= 8) {
        const high = le ? view.getInt32(value + 4, true) : view.getInt32(value, false);
        const low = le ? view.getUint32(value, true) : view.getUint32(value + 4, false);
        offsetMicros = (high * TWO_32 + low) * 1e6;
      }
      opt = value + ((length + 3) & ~3);
    }
    this.ifLinkType.push(view.getUint16(pos + 8, le));
    this.ifSnapLen.push(view.getUint32(pos + 12, le));
    this.ifUnitsPerSecond.push(unitsPerSecond);
    this.ifOffsetMicros.push(offsetMicros);
  }

  /** Enhanced (type 6) and obsolete (type 2) packet blocks share one layout after the interface id. */
  private deliverTimestamped(
    buf: Uint8Array,
    view: DataView,
    pos: number,
    blockLen: number,
    base: number,
    enhanced: boolean,
  ): void {
    const at = base + pos;
    const name = enhanced ? 'enhanced packet block' : 'packet block';
    if (blockLen < 32) throw this.damaged(at, `${name} of ${blockLen} bytes is shorter than 32`);
    const le = this.littleEndian;
    const interfaceId = enhanced ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
    if (interfaceId >= this.ifLinkType.length) {
      throw this.damaged(
        at,
        `${name} refers to interface ${interfaceId}, but the section defines ${this.ifLinkType.length}`,
      );
    }
    const capLen = view.getUint32(pos + 20, le);
    if (capLen > blockLen - 32) {
      throw this.damaged(at, `${name} of ${blockLen} bytes cannot hold ${capLen} captured bytes`);
    }
    const origLen = view.getUint32(pos + 24, le);
    const ts = timestampMicros(
      view.getUint32(pos + 12, le),
      view.getUint32(pos + 16, le),
      this.ifUnitsPerSecond[interfaceId],
      this.ifOffsetMicros[interfaceId],
    );
    this.deliver(pos + 28, capLen, origLen, interfaceId, ts, base, pos + blockLen);
  }

  private deliverSimple(buf: Uint8Array, view: DataView, pos: number, blockLen: number, base: number): void {
    const at = base + pos;
    if (blockLen < 16) throw this.damaged(at, `simple packet block of ${blockLen} bytes is shorter than 16`);
    if (this.ifLinkType.length === 0) {
      throw this.damaged(at, 'simple packet block refers to interface 0, but the section defines none');
    }
    const origLen = view.getUint32(pos + 8, this.littleEndian);
    const snapLen = this.ifSnapLen[0];
    let capLen = Math.min(origLen, blockLen - 16);
    if (snapLen > 0 && snapLen < capLen) capLen = snapLen;
    this.deliver(pos + 12, capLen, origLen, 0, this.lastTs, base, pos + blockLen);
  }

  private deliver(
    dataStart: number,
    capLen: number,
    origLen: number,
    interfaceId: number,
    ts: number,
    base: number,
    next: number,
  ): void {
    const packet = this.packet;
    packet.ts = ts;
    packet.linkType = this.ifLinkType[interfaceId];
    packet.littleEndian = this.littleEndian;
    packet.interfaceId = interfaceId;
    packet.start = dataStart;
    packet.end = dataStart + capLen;
    packet.origLen = origLen < capLen ? capLen : origLen;
    packet.fileOffset = this.seekable ? base + dataStart : -1;
    this.lastTs = ts;
    this.consumed = base + next;
    this.delivered++;
    this.sink(packet);
  }
}

/**
 * Converts a pcapng 64-bit timestamp (in units of 1/`unitsPerSecond` s) to microseconds, adding
 * `offsetMicros`. Exact integer arithmetic for the seconds part; the fraction may carry sub-µs.
 */
export function timestampMicros(high: number, low: number, unitsPerSecond: number, offsetMicros: number): number {
  if (unitsPerSecond === 1e6 && high < EXACT_HIGH_LIMIT) return high * TWO_32 + low + offsetMicros;
  let seconds: number;
  let remainder: number;
  if (high < EXACT_HIGH_LIMIT) {
    const value = high * TWO_32 + low;
    seconds = Math.floor(value / unitsPerSecond);
    remainder = value - seconds * unitsPerSecond;
    if (remainder < 0) {
      seconds -= 1;
      remainder += unitsPerSecond;
    } else if (remainder >= unitsPerSecond) {
      seconds += 1;
      remainder -= unitsPerSecond;
    }
  } else if (unitsPerSecond <= TWO_32 && Number.isInteger(unitsPerSecond)) {
    // Long division in base 2^16: every intermediate stays below 2^48, so it is exact.
    const d = unitsPerSecond;
    let current = high >>> 16;
    const q3 = Math.floor(current / d);
    current = (current - q3 * d) * 65536 + (high & 0xffff);
    const q2 = Math.floor(current / d);
    current = (current - q2 * d) * 65536 + (low >>> 16);
    const q1 = Math.floor(current / d);
    current = (current - q1 * d) * 65536 + (low & 0xffff);
    const q0 = Math.floor(current / d);
    remainder = current - q0 * d;
    seconds = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0;
  } else {
    return ((high * TWO_32 + low) / unitsPerSecond) * 1e6 + offsetMicros;
  }
  return seconds * 1e6 + (remainder * 1e6) / unitsPerSecond + offsetMicros;
}

function startsLikeMagic(bytes: Uint8Array, length: number): boolean {
  return MAGIC_PREFIXES.some((magic) => {
    for (let i = 0; i < length; i++) if (bytes[i] !== magic[i]) return false;
    return true;
  });
}

function hexBytes(bytes: Uint8Array, length: number): string {
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push(bytes[i].toString(16).padStart(2, '0'));
  return parts.join(' ');
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
