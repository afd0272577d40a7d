/**
 * Telnet (RFC 854) inside a line protocol's bytes: one direction's stream split into data runs
 * and the commands between them (IAC sequences: option negotiation, subnegotiation, IP, AYT...),
 * the commands named for a reader (`DO SUPPRESS-GO-AHEAD`, `SB NAWS 80x24`). In `IAC IAC` the
 * second byte is data (0xFF); `CR NUL` is a carriage return, told to the line parser as `CR LF` (same length) so
 * that a line typed in character mode ends. Bounded, never throws.
 */
import { formatCount } from '../core/count.js';

/** Interpret As Command: the byte that starts every Telnet command. */
const IAC = 0xff;
const SE = 0xf0;
const SB = 0xfa;
const WILL = 0xfb;
const DONT = 0xfe;
const CR = 0x0d;
const NUL = 0x00;

/** Bytes of a subnegotiation kept to name it; the rest is skipped. */
const MAX_SUB_BYTES = 64;
/** Bytes a subnegotiation may run without its IAC SE (real ones are far shorter); past them it is over, and the bytes after it are data. */
const MAX_SUB_RUN = 1024;

const VERBS: Record<number, string> = { 0xfb: 'WILL', 0xfc: 'WONT', 0xfd: 'DO', 0xfe: 'DONT' };
/** RFC 854's commands (and RFC 885's EOR); SE here is one outside a subnegotiation. */
const COMMANDS: Record<number, string> = { 0xef: 'EOR', 0xf0: 'SE', 0xf1: 'NOP', 0xf2: 'DM', 0xf3: 'BRK', 0xf4: 'IP', 0xf5: 'AO', 0xf6: 'AYT', 0xf7: 'EC', 0xf8: 'EL', 0xf9: 'GA' };
const OPTIONS: Record<number, string> = {
  0: 'BINARY', 1: 'ECHO', 3: 'SUPPRESS-GO-AHEAD', 5: 'STATUS', 6: 'TIMING-MARK', 24: 'TERMINAL-TYPE', 25: 'END-OF-RECORD',
  31: 'NAWS', 32: 'TERMINAL-SPEED', 33: 'TOGGLE-FLOW-CONTROL', 34: 'LINEMODE', 35: 'X-DISPLAY-LOCATION', 36: 'ENVIRON',
  37: 'AUTHENTICATION', 38: 'ENCRYPT', 39: 'NEW-ENVIRON', 42: 'CHARSET',
};

/** True when `bytes[at]` and `bytes[at + 1]` begin a Telnet command that a stream may open with (IAC and a negotiation or subnegotiation). */
export function startsTelnet(bytes: Uint8Array, at = 0): boolean {
  return bytes.length >= at + 2 && bytes[at] === IAC && bytes[at + 1] >= SB && bytes[at + 1] <= DONT;
}

/** Where {@link TelnetReader.split} sends what it finds, by index in the bytes fed. */
export interface TelnetSink {
  /** `bytes[start, end)` are data (or `replacement`, of the same length, stands for them). */
  data(start: number, end: number, replacement?: Uint8Array): void;
  /** `bytes[start, end)` are (part of) commands, named in `names` once each command is whole. */
  command(start: number, end: number, names: readonly string[]): void;
}

const enum State { Data, Iac, Option, Sub, SubIac }

const LF_BYTE = Uint8Array.of(0x0a);
const NO_NAMES: readonly string[] = [];

/** One direction's reader: feed it the stream's bytes in order; {@link reset} it after a gap. */
export class TelnetReader {
  private state = State.Data;
  private verb = 0;
  private afterCr = false;
  private readonly sub: number[] = [];
  /** Bytes of the subnegotiation under way so far. */
  private subRun = 0;

  /** Forgets a command in progress (after a gap: the bytes after it are data until the next IAC). */
  reset(): void {
    this.state = State.Data;
    this.afterCr = false;
    this.sub.length = 0;
  }

  /** Splits `bytes` into data runs and commands, in order, into `sink`; consecutive commands go as one. */
  split(bytes: Uint8Array, sink: TelnetSink): void {
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      if (this.state === State.Data && bytes[i] !== IAC) {
        i = this.dataRun(bytes, i, sink);
        continue;
      }
      const start = i;
      const names: string[] = [];
      let escaped = false;
      while (i < n && !escaped && (this.state !== State.Data || bytes[i] === IAC)) {
        escaped = this.state === State.Iac && bytes[i] === IAC;
        const name = this.commandByte(bytes[i++]);
        if (name !== undefined) names.push(name);
      }
      // IAC IAC: the second IAC is a data byte 0xFF.
      const end = escaped ? i - 1 : i;
      if (end > start) sink.command(start, end, names.length > 0 ? names : NO_NAMES);
      if (escaped) sink.data(end, i);
    }
  }

  /** Data from `bytes[i]` (not an IAC) up to the next IAC; a NUL after CR goes as LF. Returns where it stopped. */
  private dataRun(bytes: Uint8Array, i: number, sink: TelnetSink): number {
    const n = bytes.length;
    if (this.afterCr && bytes[i] === NUL) {
      this.afterCr = false;
      sink.data(i, i + 1, LF_BYTE);
      return i + 1;
    }
    let end = i + 1;
    while (end < n && bytes[end] !== IAC && !(bytes[end] === NUL && bytes[end - 1] === CR)) end++;
    this.afterCr = bytes[end - 1] === CR;
    sink.data(i, end);
    return end;
  }

  /** One byte of a command; returns its name when the command is whole. */
  private commandByte(b: number): string | undefined {
    switch (this.state) {
      case State.Data:
        // The IAC that starts a command.
        this.state = State.Iac;
        this.afterCr = false;
        return undefined;
      case State.Iac:
        if (b === IAC) {
          this.state = State.Data;
          return undefined;
        }
        if (b >= WILL && b <= DONT) {
          this.verb = b;
          this.state = State.Option;
          return undefined;
        }
        if (b === SB) {
          this.state = State.Sub;
          this.sub.length = 0;
          this.subRun = 0;
          return undefined;
        }
        this.state = State.Data;
        return COMMANDS[b] ?? `command ${b}`;
      case State.Option:
        this.state = State.Data;
        return `${VERBS[this.verb]} ${optionName(b)}`;
      case State.Sub:
        if (b === IAC) this.state = State.SubIac;
        else if (this.sub.length < MAX_SUB_BYTES) this.sub.push(b);
        // A subnegotiation that never ends would hide the rest of the stream.
        if (++this.subRun < MAX_SUB_RUN || this.state !== State.Sub) return undefined;
        this.state = State.Data;
        return `${subnegotiationName(this.sub)} (no IAC SE in ${formatCount(MAX_SUB_RUN)} bytes)`;
      case State.SubIac:
        if (b === SE) {
          this.state = State.Data;
          return subnegotiationName(this.sub);
        }
        this.state = State.Sub;
        if (b === IAC && this.sub.length < MAX_SUB_BYTES) this.sub.push(b);
        return undefined;
      default:
        return undefined;
    }
  }
}

/** The name of Telnet option `option` (`NAWS`), or `option N` for one not named here. */
export function optionName(option: number): string {
  return OPTIONS[option] ?? `option ${option}`;
}

/** `SB NAWS 80x24`, `SB TERMINAL-TYPE IS xterm`, `SB TERMINAL-TYPE SEND`, `SB LINEMODE (12 bytes)`. */
function subnegotiationName(sub: readonly number[]): string {
  if (sub.length === 0) return 'SB';
  const [option, ...rest] = sub;
  const name = `SB ${optionName(option)}`;
  if (option === 31 && rest.length === 4) return `${name} ${(rest[0] << 8) | rest[1]}x${(rest[2] << 8) | rest[3]}`;
  const textual = option === 24 || option === 32 || option === 35;
  if (textual && rest[0] === 1 && rest.length === 1) return `${name} SEND`;
  if (textual && rest[0] === 0) return `${name} IS ${String.fromCharCode(...rest.slice(1))}`;
  return `${name} (${rest.length} byte${rest.length === 1 ? '' : 's'})`;
}
