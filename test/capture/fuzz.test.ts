/**
 * Seeded fuzzing of CaptureParser: mutated corpus files, mutated hand-built captures and random
 * bytes behind valid magics. Only CaptureFormatError may escape; whatever is delivered is sane;
 * and the outcome does not depend on how the bytes were chunked.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureParser } from '../../src/capture/parser.js';
import { CaptureFormatError } from '../../src/capture/errors.js';
import { ascii, block, concat, epb, frameBytes, idb, mulberry32, opb, pcapFile, shb, spb, tsoffset, tsresol } from './helpers.js';
import { corpusDir, corpusMissingReason } from '../support/corpus.js';
import { cannotRun } from '../support/requirements.js';

interface Outcome {
  packets: number;
  checksum: number;
  error: string | undefined;
}

/** Parses in the given chunks; checks each packet; returns a digest of what was seen. */
function fuzzParse(bytes: Uint8Array, chunks: number[]): Outcome {
  let packets = 0;
  let checksum = 0;
  const parser = new CaptureParser(
    (p) => {
      packets++;
      const data = frameBytes(p);
      if (data.length > p.origLen) throw new Error(`captured ${data.length} > origLen ${p.origLen}`);
      if (p.fileOffset < 0 || p.fileOffset + data.length > bytes.length) throw new Error(`bad fileOffset ${p.fileOffset}`);
      if (!Number.isFinite(p.ts)) throw new Error(`timestamp ${p.ts}`);
      const n = data.length;
      if (n > 0 && (data[0] !== bytes[p.fileOffset] || data[n - 1] !== bytes[p.fileOffset + n - 1])) {
        throw new Error('data differs from the bytes at fileOffset');
      }
      checksum = (checksum * 31 + n + p.linkType * 7 + p.interfaceId + (n > 0 ? data[n >> 1] : 0)) % 1_000_000_007;
    },
    { seekable: true },
  );
  let error: string | undefined;
  try {
    let at = 0;
    let i = 0;
    if (chunks.length === 0) parser.push(bytes);
    else {
      while (at < bytes.length) {
        const size = chunks[i++ % chunks.length];
        parser.push(bytes.subarray(at, at + size));
        at += size;
      }
    }
    parser.end();
  } catch (err) {
    if (!(err instanceof CaptureFormatError)) throw err;
    if (err.message.includes('\n')) throw new Error(`error message on several lines: ${JSON.stringify(err.message)}`);
    if (!(err.offset >= 0 && err.offset <= bytes.length)) throw new Error(`error offset ${err.offset} outside 0..${bytes.length}`);
    if (parser.packetsDelivered !== packets) throw new Error(`packetsDelivered ${parser.packetsDelivered}, but ${packets} delivered`);
    error = err.message;
  }
  return { packets, checksum, error };
}

function syntheticSeeds(): Uint8Array[] {
  const a = ascii('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const seeds: Uint8Array[] = [];
  for (const littleEndian of [true, false]) {
    for (const variant of ['us', 'ns', 'modified'] as const) {
      seeds.push(
        pcapFile({
          littleEndian,
          variant,
          snapLen: 96,
          records: Array.from({ length: 6 }, (_, i) => ({ sec: 1000 + i, frac: i, data: a.subarray(0, 5 + i * 3) })),
        }),
      );
    }
    seeds.push(
      concat(
        shb(littleEndian),
        idb(littleEndian, 1, 64, [tsresol(9), tsoffset(littleEndian, 3)]),
        idb(littleEndian, 113, 0, [tsresol(0x80 | 20)]),
        epb(littleEndian, 0, 123456789012345678n, a),
        spb(littleEndian, 100, a),
        block(littleEndian, 5, new Uint8Array(20)),
        opb(littleEndian, 1, 77n, a.subarray(3)),
        shb(!littleEndian),
        idb(!littleEndian, 101),
        epb(!littleEndian, 0, 1n, a.subarray(0, 9)),
      ),
    );
  }
  return seeds;
}

function corpusSeeds(): Uint8Array[] {
  const dir = corpusDir;
  if (!dir || cannotRun(corpusMissingReason, 'the corpus seeds of the parser fuzzing')) return [];
  const pcaps = join(dir, 'pcaps');
  return readdirSync(pcaps)
    .filter((f) => statSync(join(pcaps, f)).size <= 12_000)
    .map((f) => new Uint8Array(readFileSync(join(pcaps, f))));
}

/** Start offsets and byte orders of the pcapng blocks of `bytes` (walks until the framing breaks). */
function pcapngBlocks(bytes: Uint8Array): { at: number; le: boolean; length: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: { at: number; le: boolean; length: number }[] = [];
  let le = true;
  for (let at = 0; at + 12 <= bytes.length; ) {
    if (view.getUint32(at, false) === 0x0a0d0d0a) le = view.getUint32(at + 8, true) === 0x1a2b3c4d;
    const length = view.getUint32(at + 4, le);
    if (length < 12 || length % 4 !== 0 || at + length > bytes.length) break;
    blocks.push({ at, le, length });
    at += length;
  }
  return blocks;
}

/**
 * A structure-aware mutation that keeps the pcapng framing valid: one block's body is cut or
 * extended (both lengths fixed), or a field inside the block body gets an interesting value.
 */
function reframeBlock(bytes: Uint8Array, random: () => number): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  const blocks = pcapngBlocks(bytes);
  if (blocks.length === 0) return bytes;
  const { at, le, length } = blocks[int(blocks.length)];
  if (random() < 0.5) {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    const field = at + 8 + 4 * int((length - 12) / 4 + 1);
    if (field + 4 <= at + length - 4) {
      const values = [0, 1, 2, 11, 12, 0xffff, 0xffffffff, length, length - 31, length - 32, int(2 ** 32)];
      view.setUint32(field, values[int(values.length)], le);
    }
    return copy;
  }
  const body = bytes.subarray(at + 8, at + length - 4);
  const newBodyLength = 4 * int(Math.max(1, body.length / 4 + 3));
  const newBody = new Uint8Array(newBodyLength);
  newBody.set(body.subarray(0, newBodyLength), 0);
  const framed = new Uint8Array(newBodyLength + 12);
  const view = new DataView(framed.buffer);
  framed.set(bytes.subarray(at, at + 4), 0);
  view.setUint32(4, framed.length, le);
  framed.set(newBody, 8);
  view.setUint32(framed.length - 4, framed.length, le);
  return concat(bytes.subarray(0, at), framed, bytes.subarray(at + length));
}

function mutate(seed: Uint8Array, random: () => number, others: Uint8Array[]): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  let bytes: Uint8Array = seed.slice();
  const rounds = 1 + int(4);
  if (seed[0] === 0x0a && random() < 0.6) return reframeBlock(bytes, random);
  for (let r = 0; r < rounds; r++) {
    const at = int(bytes.length + 1);
    switch (int(8)) {
      case 0: // flip a few bytes
        for (let i = 0; i < 1 + int(8); i++) if (bytes.length) bytes[int(bytes.length)] ^= 1 << int(8);
        break;
      case 1: // overwrite a 32-bit field with an interesting value
        if (at + 4 <= bytes.length) {
          const values = [0, 1, 3, 11, 12, 13, 0xffff, 0xffffffff, 0x7fffffff, 262144, 262145, bytes.length, int(2 ** 32)];
          new DataView(bytes.buffer).setUint32(at, values[int(values.length)], random() < 0.5);
        }
        break;
      case 2: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 3: // delete a range
        bytes = concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + int(40))));
        break;
      case 4: // insert random bytes
        bytes = concat(bytes.subarray(0, at), Uint8Array.from({ length: 1 + int(40) }, () => int(256)), bytes.subarray(at));
        break;
      case 5: // duplicate a range
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at, at + int(200)), bytes.subarray(at));
        break;
      case 6: {
        // splice in the tail of another capture (a header or block from another format/order)
        const other = others[int(others.length)];
        const from = int(other.length);
        bytes = concat(bytes.subarray(0, at), other.subarray(from, from + int(300)));
        break;
      }
      default: // zero a range
        bytes.fill(0, at, at + int(16));
    }
  }
  return bytes;
}

const MAGICS = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xcd, 0x34],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

describe('CaptureParser fuzzing (seeded)', () => {
  const seeds = [...syntheticSeeds(), ...corpusSeeds()];
  const pcapngSeeds = seeds.filter((seed) => seed[0] === 0x0a);

  it('the seeds themselves parse cleanly', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(8);
    for (const seed of seeds) {
      const outcome = fuzzParse(seed, []);
      // The two damaged corpus files are among the seeds: their errors are the only allowed ones.
      if (outcome.error) expect(outcome.error).toMatch(/record announces 1358954496|record of 1514 bytes has only 700/);
      else expect(outcome.packets).toBeGreaterThan(0);
    }
  });

  it('mutated captures: only CaptureFormatError escapes, and chunking does not change the outcome', () => {
    const random = mulberry32(0x5eed_cafe);
    let errors = 0;
    const cases = 4000;
    for (let n = 0; n < cases; n++) {
      // Half of the cases start from a pcapng seed: that format has the most structure to break.
      const pool = random() < 0.5 ? pcapngSeeds : seeds;
      const seed = pool[Math.floor(random() * pool.length)];
      const bytes = mutate(seed, random, seeds);
      const whole = fuzzParse(bytes, []);
      if (whole.error) errors++;
      if (n % 3 === 0) {
        const sizes = [1 + Math.floor(random() * 64), 1 + Math.floor(random() * 3000)];
        expect(fuzzParse(bytes, sizes), `case ${n}`).toEqual(whole);
      }
    }
    // The mutations must actually reach the error paths, and not only them.
    expect(errors).toBeGreaterThan(cases / 10);
    expect(errors).toBeLessThan(cases);
  });

  it('random bytes behind valid magics: only CaptureFormatError escapes', () => {
    const random = mulberry32(42);
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 400);
      const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      if (n % 4 !== 3) bytes.set(MAGICS[n % MAGICS.length].slice(0, length), 0);
      if (n % 2 === 0 && length >= 12 && bytes[0] === 0x0a) bytes.set([0x4d, 0x3c, 0x2b, 0x1a], 8);
      const whole = fuzzParse(bytes, []);
      if (n % 5 === 0) expect(fuzzParse(bytes, [1, 7])).toEqual(whole);
    }
  });
});
