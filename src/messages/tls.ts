/**
 * The TLS hellos of a flow, read without decryption: from the ClientHello the server name
 * (SNI), the offered application protocols (ALPN) and versions; from the ServerHello the chosen
 * version and cipher suite. Records may be split across segments; each direction buffers at most
 * {@link MAX_TLS_BUFFER} bytes from where TLS starts, then stops. Never throws on input.
 */
import { headText } from './httpHead.js';
import { formatCount } from '../core/count.js';
import type { Direction, Micros } from '../core/types.js';
import { isGrease } from './tlsNames.js';
import type { StreamNote } from './types.js';

/** Bytes a direction may buffer while waiting for its hello. */
export const MAX_TLS_BUFFER = 16 * 1024;

/** What a ClientHello offers. Versions and suites have GREASE values removed. */
export interface ClientHello {
  /** Stream offset of the first record of the hello, and the time its first byte arrived. */
  readonly offset: number;
  readonly ts: Micros;
  readonly sni: string | undefined;
  readonly alpn: readonly string[];
  /** supported_versions when present (TLS 1.3 clients), else the legacy version alone. */
  readonly versions: readonly number[];
  readonly cipherSuites: readonly number[];
}

/** What a ServerHello chose. */
export interface ServerHello {
  readonly offset: number;
  readonly ts: Micros;
  /** supported_versions when present (TLS 1.3), else the legacy version. */
  readonly version: number;
  readonly cipherSuite: number;
  /** The chosen protocol when the server says it in clear (TLS 1.2 and older). */
  readonly alpn: string | undefined;
  /** A HelloRetryRequest (TLS 1.3): the client will send a second ClientHello. */
  readonly helloRetry: boolean;
}

/** The longest TLS record payload (2^14 + 2048, RFC 5246 6.2.3). */
const MAX_RECORD_LENGTH = 18432;
/** Bytes of a TLS record header: type, version, length. */
export const TLS_HEADER_BYTES = 5;

/**
 * Whether `bytes[from, to)` start a TLS handshake record: type 22, version 3.0 to 3.4, a length
 * of 1 to {@link MAX_RECORD_LENGTH}. Undefined while fewer than {@link TLS_HEADER_BYTES} bytes are
 * there and those fit.
 */
export function tlsRecordStart(bytes: Uint8Array, from: number, to = bytes.length): boolean | undefined {
  if (to > from && bytes[from] !== 22) return false;
  const length = recordHeader(bytes, from, to);
  return length === undefined ? undefined : length !== false;
}

/**
 * Whether `bytes[0, n)` start with TLS records of any kind, as a stream joined mid-stream does:
 * a header of content type 20 to 23 (change cipher spec, alert, handshake, application data),
 * version 3.0 to 3.4 and a length of 1 to {@link MAX_RECORD_LENGTH}, then the next record's
 * header lined up after it, or the bytes ending exactly with the record. Undefined while more
 * bytes could tell; `last` (no more will come) settles on the first header alone.
 */
export function tlsRecordsLinedUp(bytes: Uint8Array, n: number, last: boolean): boolean | undefined {
  const first = recordHeader(bytes, 0, n);
  if (first === false) return false;
  if (first === undefined) return last ? false : undefined;
  const next = TLS_HEADER_BYTES + first;
  if (next === n) return true;
  const second = next < n ? recordHeader(bytes, next, n) : undefined;
  if (second !== undefined) return second !== false;
  return last ? true : undefined;
}

/** The length of the TLS record whose header starts at `from` (any content type), false when it is none, undefined when cut by `n`. */
function recordHeader(bytes: Uint8Array, from: number, n: number): number | false | undefined {
  const left = n - from;
  if (left < 1) return undefined;
  if (bytes[from] < 20 || bytes[from] > 23) return false;
  if (left < 2) return undefined;
  if (bytes[from + 1] !== 3) return false;
  if (left < 3) return undefined;
  if (bytes[from + 2] > 4) return false;
  if (left < TLS_HEADER_BYTES) return undefined;
  const length = (bytes[from + 3] << 8) | bytes[from + 4];
  return length > 0 && length <= MAX_RECORD_LENGTH ? length : false;
}

/** SHA-256 of "HelloRetryRequest", the random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

interface Side {
  buf: Uint8Array;
  length: number;
  start: number;
  ts: Micros;
  done: boolean;
  /** Where the next record starts in `buf` (those before it were read). */
  walked: number;
  /** The handshake bytes of the records read, as [start, end) pairs in `buf`, and their total. */
  readonly fragments: number[];
  handshake: number;
  /** The first handshake message's body length, once its 4-byte header is in; else -1. */
  bodyLength: number;
}

/** Reads big-endian fields, throwing RangeError past the end (caught by the parser). */
class Reader {
  constructor(private readonly bytes: Uint8Array, public pos = 0, private readonly end = bytes.length) {}
  get left(): number { return this.end - this.pos; }
  u8(): number { this.need(1); return this.bytes[this.pos++]; }
  u16(): number { this.need(2); const v = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1]; this.pos += 2; return v; }
  bytesOf(n: number): Uint8Array { this.need(n); const v = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  /** A sub-reader over the next `n` bytes (skipped here). */
  sub(n: number): Reader { this.need(n); const r = new Reader(this.bytes, this.pos, this.pos + n); this.pos += n; return r; }
  private need(n: number): void { if (this.pos + n > this.end) throw new RangeError('short'); }
}

/**
 * The TLS hellos of one flow. `clientDir` is the direction that sends the ClientHello. Feed each
 * direction from where TLS starts (offset 0, or after a STARTTLS); the first offset fed is taken
 * as the start of its TLS stream.
 */
export class TlsHellos {
  client: ClientHello | undefined = undefined;
  server: ServerHello | undefined = undefined;
  readonly notes: StreamNote[] = [];
  private readonly sides: Record<Direction, Side | undefined> = { c2s: undefined, s2c: undefined };

  /** `midStream`: the flow was joined after its hellos (records of any kind first): nothing is read. */
  constructor(
    readonly clientDir: Direction = 'c2s',
    readonly midStream = false,
  ) {}

  /** True when the direction needs no more bytes (its hello was read, or it gave up, or the hellos were before the capture). */
  isDone(dir: Direction): boolean {
    return this.midStream || (this.sides[dir]?.done ?? false);
  }

  /** Bytes of direction `dir` at stream offset `offset` (valid only during the call). */
  feed(dir: Direction, offset: number, bytes: Uint8Array, ts: Micros): void {
    if (this.midStream) return;
    let side = this.sides[dir];
    if (!side) side = this.sides[dir] = { buf: new Uint8Array(0), length: 0, start: offset, ts, done: false, walked: 0, fragments: [], handshake: 0, bodyLength: -1 };
    if (side.done) return;
    const at = offset - side.start;
    if (at > side.length) return this.stop(dir, side, side.start + side.length, 'gap before the hello');
    const from = side.length - at;
    if (from >= bytes.length) return;
    const take = Math.min(bytes.length - from, MAX_TLS_BUFFER - side.length);
    if (side.length + take > side.buf.length) {
      const grown = new Uint8Array(Math.min(MAX_TLS_BUFFER, Math.max(side.length + take, side.buf.length * 2, 1024)));
      grown.set(side.buf.subarray(0, side.length));
      side.buf = grown;
    }
    side.buf.set(bytes.subarray(from, from + take), side.length);
    side.length += take;
    this.parse(dir, side);
    if (!side.done && side.length >= MAX_TLS_BUFFER) this.stop(dir, side, side.start, `no hello in the first ${formatCount(MAX_TLS_BUFFER)} bytes`);
  }

  /**
   * `length` bytes of `dir` at `offset` were never seen: a hello not read yet will not be. A gap
   * before the first bytes fed is ignored (TLS starts after it).
   */
  gap(dir: Direction, offset: number, length: number, _ts: Micros): void {
    const side = this.sides[dir];
    if (side && !side.done && length > 0) this.stop(dir, side, offset, 'gap before the hello');
  }

  /** The direction ended. */
  end(dir: Direction): void {
    const side = this.sides[dir];
    if (side && !side.done) this.stop(dir, side, side.start + side.length, 'stream ended before the hello');
  }

  private stop(dir: Direction, side: Side, offset: number, why: string): void {
    side.done = true;
    side.buf = new Uint8Array(0);
    this.notes.push({ dir, offset, text: why });
  }

  /**
   * Reads the handshake records buffered since the last call and the hello once it is whole (the
   * records are walked once, and joined only when the hello's header, then all of it, is in).
   */
  private parse(dir: Direction, side: Side): void {
    let p = side.walked;
    let other: string | undefined;
    while (p + 5 <= side.length) {
      const type = side.buf[p];
      const length = (side.buf[p + 3] << 8) | side.buf[p + 4];
      if (type !== 22 || side.buf[p + 1] !== 3 || length > MAX_RECORD_LENGTH) {
        other = type === 22 ? 'not a TLS record' : `TLS record of type ${type} before the hello`;
        break;
      }
      if (p + 5 + length > side.length) break;
      side.fragments.push(p + 5, p + 5 + length);
      side.handshake += length;
      p += 5 + length;
    }
    side.walked = p;
    if (side.bodyLength < 0 && side.handshake >= 4) {
      const header = joined(side);
      side.bodyLength = (header[1] << 16) | (header[2] << 8) | header[3];
    }
    if (side.bodyLength < 0 || side.handshake < 4 + side.bodyLength) {
      if (other !== undefined) this.stop(dir, side, side.start + p, other);
      return;
    }
    const messages = joined(side);
    const bodyLength = side.bodyLength;
    const expected = dir === this.clientDir ? 1 : 2;
    if (messages[0] !== expected) return this.stop(dir, side, side.start, `handshake message ${messages[0]} instead of a ${expected === 1 ? 'ClientHello' : 'ServerHello'}`);
    try {
      const body = new Reader(messages, 4, 4 + bodyLength);
      if (expected === 1) this.client = { offset: side.start, ts: side.ts, ...readClientHello(body) };
      else this.server = { offset: side.start, ts: side.ts, ...readServerHello(body) };
      side.done = true;
      side.buf = new Uint8Array(0);
    } catch {
      this.stop(dir, side, side.start, `malformed ${expected === 1 ? 'ClientHello' : 'ServerHello'}`);
    }
  }
}

/** The handshake bytes of the records read so far, joined. */
function joined(side: Side): Buffer {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < side.fragments.length; i += 2) parts.push(side.buf.subarray(side.fragments[i], side.fragments[i + 1]));
  return Buffer.concat(parts, side.handshake);
}

/** Calls `each(type, data)` for every extension left in `r` (none when the hello has no extensions). */
function forExtensions(r: Reader, each: (type: number, data: Reader) => void): void {
  if (r.left < 2) return;
  const all = r.sub(r.u16());
  while (all.left >= 4) {
    const type = all.u16();
    each(type, all.sub(all.u16()));
  }
}

function readAlpn(data: Reader): string[] {
  const list = data.sub(data.u16());
  const out: string[] = [];
  while (list.left > 0) out.push(headText(list.bytesOf(list.u8())));
  return out;
}

function readClientHello(r: Reader): Omit<ClientHello, 'offset' | 'ts'> {
  const legacy = r.u16();
  r.bytesOf(32);
  r.bytesOf(r.u8());
  const suites = r.sub(r.u16());
  const cipherSuites: number[] = [];
  while (suites.left >= 2) {
    const suite = suites.u16();
    if (!isGrease(suite)) cipherSuites.push(suite);
  }
  r.bytesOf(r.u8());
  let sni: string | undefined;
  let alpn: string[] = [];
  let versions = [legacy];
  forExtensions(r, (type, data) => {
    if (type === 0 && data.left > 0) {
      const names = data.sub(data.u16());
      while (names.left > 0 && sni === undefined) {
        const kind = names.u8();
        const name = names.bytesOf(names.u16());
        // As header text: UTF-8 when it is (views escape what is not printable), else Latin-1.
        if (kind === 0) sni = headText(name);
      }
    } else if (type === 16) {
      alpn = readAlpn(data);
    } else if (type === 43) {
      const list = data.sub(data.u8());
      versions = [];
      while (list.left >= 2) {
        const v = list.u16();
        if (!isGrease(v)) versions.push(v);
      }
    }
  });
  return { sni, alpn, versions, cipherSuites };
}

function readServerHello(r: Reader): Omit<ServerHello, 'offset' | 'ts'> {
  let version = r.u16();
  const random = Buffer.from(r.bytesOf(32)).toString('hex');
  r.bytesOf(r.u8());
  const cipherSuite = r.u16();
  r.u8();
  let alpn: string | undefined;
  forExtensions(r, (type, data) => {
    if (type === 43) version = data.u16();
    else if (type === 16) alpn = readAlpn(data)[0];
  });
  return { version, cipherSuite, alpn, helloRetry: random === HRR_RANDOM };
}
