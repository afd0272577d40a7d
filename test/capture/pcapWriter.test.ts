import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapFileWriter, PcapWriter, collectPcap } from '../../src/capture/pcapWriter.js';
import { readPcap } from '../support/pcapCheck.js';

const frame = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('PcapWriter', () => {
  it('writes the global header on construction and one record per packet', () => {
    const chunks: Uint8Array[] = [];
    const w = new PcapWriter((b) => chunks.push(b));
    expect(chunks.length).toBe(1);
    expect([...chunks[0]]).toEqual([
      0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0,
    ]);
    w.writePacket(1_767_225_600_123_456, frame(60, 7));
    expect(chunks.length).toBe(2);
    expect(w.packetCount).toBe(1);
    expect(w.byteCount).toBe(24 + 16 + 60);
    const file = readPcap(Buffer.concat(chunks));
    expect(file).toMatchObject({ nanos: false, snaplen: 262144, linkType: 1 });
    expect(file.records[0]).toMatchObject({ tsSeconds: 1_767_225_600, tsFraction: 123_456, origLen: 60 });
    expect([...file.records[0].captured]).toEqual(new Array(60).fill(7));
  });

  it('honours linkType, snaplen (cutting frames) and nanosecond timestamps', () => {
    const bytes = collectPcap(
      (w) => {
        w.writePacket(1_000_000.5, frame(100, 1)); // half a microsecond = 500 ns
        w.writePacket(2_999_999.9996, frame(10, 2), 1500); // rounds up into the next second
      },
      { linkType: 113, snaplen: 64, nanos: true },
    );
    const file = readPcap(bytes);
    expect(file).toMatchObject({ nanos: true, snaplen: 64, linkType: 113 });
    expect(file.records[0]).toMatchObject({ tsSeconds: 1, tsFraction: 500, origLen: 100 });
    expect(file.records[0].captured.length).toBe(64);
    expect(file.records[1]).toMatchObject({ tsSeconds: 3, tsFraction: 0, origLen: 1500 });
    expect(file.records[1].captured.length).toBe(10);
  });

  it('rejects negative or NaN timestamps', () => {
    const w = new PcapWriter(() => {});
    expect(() => w.writePacket(-1, frame(1, 0))).toThrow();
    expect(() => w.writePacket(Number.NaN, frame(1, 0))).toThrow();
  });
});

describe('PcapFileWriter', () => {
  it('writes the same bytes as PcapWriter, across buffer flushes and oversized records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-pcapw-'));
    try {
      const path = join(dir, 'a.pcap');
      const packets: [number, Uint8Array][] = [];
      for (let i = 0; i < 300; i++) packets.push([1_000_000 + i * 17, frame(1 + ((i * 389) % 1600), i & 255)]);
      packets.push([9_000_000, frame(100_000, 9)]); // bigger than the whole buffer
      packets.push([9_000_001, frame(10, 3)]);
      const fileWriter = new PcapFileWriter(path, { bufferSize: 1 }); // clamped to 64 KiB
      for (const [ts, f] of packets) fileWriter.writePacket(ts, f);
      const expected = collectPcap((w) => {
        for (const [ts, f] of packets) w.writePacket(ts, f);
      });
      expect(fileWriter.byteCount).toBe(expected.length);
      expect(fileWriter.packetCount).toBe(packets.length);
      fileWriter.close();
      fileWriter.close(); // idempotent
      expect(Buffer.compare(readFileSync(path), expected)).toBe(0);
      expect(() => fileWriter.writePacket(1, frame(1, 1))).toThrow(/close/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
