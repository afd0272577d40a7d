/** Merges synthetic conversations written on their own timelines into one capture, in time order. */
import type { PacketWriter } from '../capture/pcapWriter.js';

/**
 * A `PacketWriter` that keeps copies of frames and later replays them sorted by timestamp
 * (stable: equal timestamps keep their arrival order). Lets scripts write several
 * conversations on their own timelines and merge them into one capture.
 */
export class TimelineBuffer implements PacketWriter {
  private readonly entries: { ts: number; frame: Uint8Array; origLen: number; order: number }[] = [];

  /** See `PacketWriter.writePacket`; the frame is copied. */
  writePacket(tsMicros: number, frame: Uint8Array, origLen: number = frame.length): void {
    this.entries.push({ ts: tsMicros, frame: frame.slice(), origLen, order: this.entries.length });
  }

  /** Number of frames held. */
  get size(): number {
    return this.entries.length;
  }

  /** Writes every held frame to `writer` in timestamp order and empties the buffer. */
  drainTo(writer: PacketWriter): void {
    const sorted = this.entries.slice().sort((a, b) => a.ts - b.ts || a.order - b.order);
    this.entries.length = 0;
    for (const entry of sorted) writer.writePacket(entry.ts, entry.frame, entry.origLen);
  }
}
