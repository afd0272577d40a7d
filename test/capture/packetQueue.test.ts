/**
 * The queue between the kernel's capture ring and the processing: a burst is absorbed up to
 * the bound, frames beyond it are counted as dropped, and every frame is either delivered
 * (same bytes, same order) or counted: nothing is lost silently.
 */
import { describe, expect, it } from 'vitest';
import { PacketQueue } from '../../src/capture/packetQueue.js';
import { mulberry32 } from '../support/prng.js';

/** A frame whose bytes say which one it is. */
function frame(id: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (id * 31 + i) & 0xff;
  return b;
}

describe('PacketQueue', () => {
  it('absorbs a burst up to its bound, counts the frames beyond it, and delivers the rest in order', () => {
    const queue = new PacketQueue({ capacityBytes: 10_000, capacityPackets: 1000 });
    // A burst of 150 frames of 100 bytes arrives before any is processed: 100 fit.
    const accepted = [];
    for (let id = 0; id < 150; id++) accepted.push(queue.push(1_000_000 + id, frame(id, 100), 100, 1500));
    expect(accepted.filter(Boolean).length).toBe(100);
    expect(accepted.indexOf(false)).toBe(100); // the first 100 got in, the rest were refused
    expect(queue.dropped).toBe(50);
    expect(queue.queued).toBe(100);
    expect(queue.size).toBe(100);
    expect(queue.byteSize).toBe(10_000);

    // Processing one frame makes room for one more.
    const first = queue.shift()!;
    expect(first.ts).toBe(1_000_000);
    expect(Buffer.from(first.buffer.subarray(first.start, first.end)).equals(frame(0, 100))).toBe(true);
    expect(queue.push(2_000_000, frame(999, 100), 100, 100)).toBe(true);

    const delivered: number[] = [];
    for (let p = queue.shift(); p; p = queue.shift()) {
      const id = p.ts === 2_000_000 ? 999 : p.ts - 1_000_000;
      expect(Buffer.from(p.buffer.subarray(p.start, p.end)).equals(frame(id, 100))).toBe(true);
      expect(p.origLen).toBe(id === 999 ? 100 : 1500);
      delivered.push(id);
    }
    expect(delivered).toEqual([...Array.from({ length: 99 }, (_, i) => i + 1), 999]);
    expect(queue.size).toBe(0);
    expect(queue.byteSize).toBe(0);
    expect(queue.dropped).toBe(50);
  });

  it('bounds the number of frames as well as their bytes', () => {
    const queue = new PacketQueue({ capacityBytes: 1 << 20, capacityPackets: 3 });
    for (let id = 0; id < 5; id++) queue.push(id, frame(id, 10), 10, 10);
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(2);
  });

  it('refuses a frame larger than the whole queue, and takes empty frames', () => {
    const queue = new PacketQueue({ capacityBytes: 100, capacityPackets: 10 });
    expect(queue.push(1, frame(1, 101), 101, 101)).toBe(false);
    expect(queue.push(2, frame(2, 0), 0, 60)).toBe(true);
    expect(queue.push(3, frame(3, 100), 100, 100)).toBe(false); // the empty frame holds one byte
    expect(queue.push(4, frame(4, 99), 99, 99)).toBe(true);
    expect(queue.shift()).toMatchObject({ ts: 2, origLen: 60 });
    expect(queue.shift()).toMatchObject({ ts: 4, origLen: 99 });
    expect(queue.dropped).toBe(2);
  });

  it('under random bursts and drains: each frame is delivered intact and in order, or counted as dropped; a drop means the queue was nearly full', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = mulberry32(seed);
      const capacity = 4096 + Math.floor(random() * 8192);
      const maxFrame = 1 + Math.floor(random() * 3000);
      const queue = new PacketQueue({ capacityBytes: capacity, capacityPackets: capacity });
      const waiting: { id: number; bytes: Buffer }[] = [];
      let waitingBytes = 0;
      let nextId = 0;
      let dropped = 0;
      let delivered = 0;
      /** Each departure from the rules, naming the frame. */
      const wrong: string[] = [];
      for (let round = 0; round < 300; round++) {
        // A burst of up to 20 frames arrives, then up to 20 are processed (processing sometimes lags).
        const burst = Math.floor(random() * 21);
        for (let i = 0; i < burst; i++) {
          const id = nextId++;
          const bytes = frame(id, Math.floor(random() * (maxFrame + 1)));
          const before = queue.byteSize;
          if (queue.push(id, bytes, bytes.length, bytes.length + 1)) {
            waiting.push({ id, bytes });
            waitingBytes += bytes.length;
          } else {
            dropped++;
            // Refused only when the free room (at most two pieces: after the newest frame and
            // before the oldest, less a tail too short for the frame that wrapped) could not hold it.
            if (!(capacity - before < 2 * bytes.length + maxFrame + 1)) wrong.push(`frame ${id} (${bytes.length} bytes) refused with ${capacity - before} bytes free`);
          }
          if (queue.byteSize !== waitingBytes) wrong.push(`after frame ${id}: byteSize ${queue.byteSize}, ${waitingBytes} bytes waiting`);
        }
        const drain = Math.floor(random() * 21);
        for (let i = 0; i < drain; i++) {
          const p = queue.shift();
          const expected = waiting.shift();
          if (!expected) {
            if (p !== undefined) wrong.push(`frame ${p.ts} shifted from a queue that should be empty`);
            break;
          }
          waitingBytes -= expected.bytes.length;
          if (p === undefined) wrong.push(`frame ${expected.id} missing`);
          else if (p.ts !== expected.id) wrong.push(`frame ${p.ts} shifted where ${expected.id} was due`);
          else if (p.origLen !== expected.bytes.length + 1) wrong.push(`frame ${p.ts}: origLen ${p.origLen}`);
          else if (!Buffer.from(p.buffer.subarray(p.start, p.end)).equals(expected.bytes)) wrong.push(`frame ${p.ts}: other bytes`);
          delivered++;
        }
      }
      for (let p = queue.shift(); p; p = queue.shift()) {
        const expected = waiting.shift();
        if (p.ts !== expected?.id) wrong.push(`frame ${p.ts} shifted at the end where ${expected?.id} was due`);
        delivered++;
      }
      expect(wrong).toEqual([]);
      expect(queue.dropped).toBe(dropped);
      expect(delivered + dropped).toBe(nextId);
      expect(queue.queued).toBe(delivered);
    }
  });
});
