/**
 * Capture filters in tcpdump's syntax, compiled by libpcap (see ./libpcap.ts) and run here by a
 * classic-BPF interpreter, once per link type. This works for files whose interfaces have
 * different link types, which libpcap's own offline reader refuses.
 *
 * libpcap is needed only when a filter is given; without it, {@link compileCaptureFilter}
 * throws a one-line {@link UserError} saying how to install it.
 */
import type { UserError } from '../core/errors.js';
import type { CapturedPacket } from '../core/packet.js';
import { compileBpf, type BpfProgram } from './libpcap.js';

export type { BpfProgram } from './libpcap.js';

/** Decides whether a packet passes the filter. */
export type PacketPredicate = (packet: CapturedPacket) => boolean;

/**
 * Compiles `expression` with libpcap for each link type and file byte order met, lazily, as
 * `tcpdump -r` compiles it for a file of that link type and byte order, and returns a predicate.
 * Throws {@link UserError} at once when libpcap is missing or the expression does not parse
 * (checked against Ethernet); a link type for which the expression makes no sense rejects its
 * packets with the same one-line error.
 */
export function compileCaptureFilter(expression: string): PacketPredicate {
  const programs = new Map<number, BpfProgram>();
  const programOf = (linkType: number, littleEndian: boolean): BpfProgram => {
    const key = linkType * 2 + (littleEndian ? 1 : 0);
    let program = programs.get(key);
    if (!program) {
      program = compileBpf(linkType, littleEndian, expression);
      programs.set(key, program);
    }
    return program;
  };
  programOf(1, true);
  return (packet) => runBpf(programOf(packet.linkType, packet.littleEndian), packet.buffer, packet.start, packet.end, packet.origLen) !== 0;
}

const BPF_MEMWORDS = 16;
const scratch = new Int32Array(BPF_MEMWORDS);

/**
 * Runs a classic BPF program over the captured frame `data[start, end)` (`wireLength` is its
 * on-wire length) and returns the program's verdict (0 = reject). Loads past the captured bytes
 * reject, as in libpcap.
 */
export function runBpf(program: BpfProgram, data: Uint8Array, start: number, end: number, wireLength: number): number {
  let a = 0;
  let x = 0;
  let pc = 0;
  const n = program.length / 4;
  const len = end - start;
  scratch.fill(0);
  while (pc < n) {
    const i = pc * 4;
    const code = program[i];
    const k = program[i + 3];
    pc++;
    switch (code) {
      case 0x06: return k; // RET K
      case 0x16: return a >>> 0; // RET A
      case 0x0e: return x >>> 0; // RET X
      case 0x20: { if (k + 4 > len) return 0; a = ((data[start + k] << 24) | (data[start + k + 1] << 16) | (data[start + k + 2] << 8) | data[start + k + 3]) >>> 0; break; } // LD W ABS
      case 0x28: { if (k + 2 > len) return 0; a = (data[start + k] << 8) | data[start + k + 1]; break; } // LD H ABS
      case 0x30: { if (k >= len) return 0; a = data[start + k]; break; } // LD B ABS
      case 0x40: { const o = (x + k) >>> 0; if (o + 4 > len) return 0; a = ((data[start + o] << 24) | (data[start + o + 1] << 16) | (data[start + o + 2] << 8) | data[start + o + 3]) >>> 0; break; }
      case 0x48: { const o = (x + k) >>> 0; if (o + 2 > len) return 0; a = (data[start + o] << 8) | data[start + o + 1]; break; }
      case 0x50: { const o = (x + k) >>> 0; if (o >= len) return 0; a = data[start + o]; break; }
      case 0x80: a = wireLength; break; // LD W LEN
      case 0x81: x = wireLength; break; // LDX W LEN
      case 0x00: a = k; break; // LD IMM
      case 0x01: x = k; break; // LDX IMM
      case 0x60: a = scratch[k & 15] >>> 0; break; // LD MEM
      case 0x61: x = scratch[k & 15] >>> 0; break; // LDX MEM
      case 0xb1: { if (k >= len) return 0; x = (data[start + k] & 0x0f) << 2; break; } // LDX MSH
      case 0x02: scratch[k & 15] = a; break; // ST
      case 0x03: scratch[k & 15] = x; break; // STX
      case 0x05: pc += k; break; // JA
      case 0x15: pc += a === k ? program[i + 1] : program[i + 2]; break; // JEQ K
      case 0x25: pc += a >>> 0 > k ? program[i + 1] : program[i + 2]; break; // JGT K
      case 0x35: pc += a >>> 0 >= k ? program[i + 1] : program[i + 2]; break; // JGE K
      case 0x45: pc += (a & k) !== 0 ? program[i + 1] : program[i + 2]; break; // JSET K
      case 0x1d: pc += a === x ? program[i + 1] : program[i + 2]; break; // JEQ X
      case 0x2d: pc += a >>> 0 > x >>> 0 ? program[i + 1] : program[i + 2]; break;
      case 0x3d: pc += a >>> 0 >= x >>> 0 ? program[i + 1] : program[i + 2]; break;
      case 0x4d: pc += (a & x) !== 0 ? program[i + 1] : program[i + 2]; break;
      case 0x04: a = (a + k) >>> 0; break; // ALU ADD K
      case 0x14: a = (a - k) >>> 0; break;
      case 0x24: a = Math.imul(a, k) >>> 0; break;
      case 0x34: if (k === 0) return 0; a = Math.floor((a >>> 0) / k) >>> 0; break;
      case 0x94: if (k === 0) return 0; a = ((a >>> 0) % k) >>> 0; break;
      case 0x44: a = (a | k) >>> 0; break;
      case 0x54: a = (a & k) >>> 0; break;
      case 0xa4: a = (a ^ k) >>> 0; break;
      case 0x64: a = k >= 32 ? 0 : (a << k) >>> 0; break;
      case 0x74: a = k >= 32 ? 0 : a >>> k; break;
      case 0x0c: a = (a + x) >>> 0; break; // ALU ADD X
      case 0x1c: a = (a - x) >>> 0; break;
      case 0x2c: a = Math.imul(a, x) >>> 0; break;
      case 0x3c: if (x === 0) return 0; a = Math.floor((a >>> 0) / (x >>> 0)) >>> 0; break;
      case 0x9c: if (x === 0) return 0; a = ((a >>> 0) % (x >>> 0)) >>> 0; break;
      case 0x4c: a = (a | x) >>> 0; break;
      case 0x5c: a = (a & x) >>> 0; break;
      case 0xac: a = (a ^ x) >>> 0; break;
      case 0x6c: a = (x >>> 0) >= 32 ? 0 : (a << x) >>> 0; break;
      case 0x7c: a = (x >>> 0) >= 32 ? 0 : a >>> x; break;
      case 0x84: a = (-a) >>> 0; break; // NEG
      case 0x07: x = a; break; // TAX
      case 0x87: a = x; break; // TXA
      default: return 0; // unknown instruction: reject, as the kernel would refuse the program
    }
  }
  return 0;
}
