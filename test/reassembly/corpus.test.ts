/**
 * The reassembler on the real public captures of ../shared/corpus (read in place), through the
 * project's capture reader and packet decoder: the event contract holds for every file, and the
 * edge cases the corpus README describes come out as expected (figures checked by hand against
 * tshark; tcpflow agrees on the bytes except where it counts Ethernet padding as payload).
 */
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/read.js';
import type { FlowEvent } from '../../src/core/types.js';
import { PacketDecoder } from '../../src/decode/decoder.js';
import { corpusFiles, corpusMissingReason, corpusPath } from '../support/corpus.js';
import { cannotRun } from '../support/requirements.js';
import { checkContract, expectSameWithoutFastPath, harness, type Harness } from './helpers.js';

interface Run {
  events: FlowEvent[];
  reassembler: Harness['r'];
  /** The run, with its twin without the fast path. */
  harness: Harness;
  dataBytes: number;
  gapBytes: number;
  notes: string[];
  ends: string[];
}

async function run(name: string): Promise<Run> {
  const h = harness();
  const events = h.events;
  const reassembler = h.r;
  const decoder = new PacketDecoder((segment, ts) => reassembler.feed(segment, ts));
  let last = 0;
  try {
    await readCapture(corpusPath(name), {
      onPacket: (packet) => {
        if (packet.ts > last) last = packet.ts;
        decoder.decode(packet);
      },
    });
  } catch {
    // Damaged files: keep what was read before the damage.
  }
  reassembler.finish(last);
  let dataBytes = 0;
  let gapBytes = 0;
  const notes: string[] = [];
  const ends: string[] = [];
  for (const e of events) {
    if (e.type === 'data') dataBytes += e.bytes.length;
    else if (e.type === 'gap') gapBytes += e.length;
    else if (e.type === 'note') notes.push(e.text);
    else if (e.type === 'flow-end') ends.push(e.reason);
  }
  return { events, reassembler, harness: h, dataBytes, gapBytes, notes, ends };
}

describe.skipIf(cannotRun(corpusMissingReason, 'reassembly corpus tests'))('reassembly on the public corpus', () => {
  it('keeps the event contract on every capture', async () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const result = await run(file);
      checkContract(result.events);
      expect(result.reassembler.stats.openFlows, file).toBe(0);
      expect(result.reassembler.stats.bufferedBytes, file).toBe(0);
    }
  });

  it('R20: the same events with the fast path switched off, on every capture (and the fast path ran)', async () => {
    const files = corpusFiles();
    let fastPathSegments = 0;
    let segments = 0;
    for (const file of files) {
      const result = await run(file);
      fastPathSegments += expectSameWithoutFastPath(result.harness);
      segments += result.reassembler.stats.segments;
    }
    expect(fastPathSegments).toBeGreaterThan(segments / 10);
  });

  it('sequence wraparound with reordered segments: every byte, no gap', async () => {
    const r = await run('peafowl__http_seq_num_wrapping_out_of_order.pcap');
    expect([r.dataBytes, r.gapBytes]).toEqual([3275, 0]);
  });

  it('segments cut into out-of-order IP fragments: every byte, no gap', async () => {
    const r = await run('peafowl__http_ip_fragmented_out_of_order.pcap');
    expect([r.dataBytes, r.gapBytes]).toEqual([3275, 0]);
  });

  it('a fully shuffled small exchange: one real flow, every byte', async () => {
    const r = await run('tcpflow__test5-lines-randomized.pcap');
    expect(r.reassembler.stats.flows).toBe(2); // one guessed flow from packets before the SYN-ACK
    expect(r.dataBytes).toBe(2004);
  });

  it('a transfer of more than 4 GiB with only a few segments kept (acks vouch for the jumps)', async () => {
    const r = await run('zeek__ftp_bigtransfer.pcap');
    expect(r.dataBytes).toBe(25237);
    expect(r.gapBytes).toBeGreaterThan(2 ** 32);
    expect(r.ends).toEqual(['fin', 'fin', 'fin']);
  });

  it('TCP Fast Open data in the SYN', async () => {
    const r = await run('zeek__tcp_tcp-fast-open.pcap');
    expect([r.dataBytes, r.gapBytes]).toEqual([1658, 0]);
    const first = r.events.find((e) => e.type === 'data');
    expect(first?.type === 'data' && first.offset).toBe(0);
  });

  it('a RST carrying data', async () => {
    const r = await run('suricata-verify__tcp-rst-with-data.pcap');
    expect(r.notes).toEqual(['RST carried 13 bytes']);
    expect(r.ends).toEqual(['rst']);
    expect(r.dataBytes).toBe(30);
  });

  it('a client writing after the server closed (TLS alert after the FIN)', async () => {
    const r = await run('zeek__tls_pop3-starttls.pcap');
    expect(r.notes).toEqual([expect.stringMatching(/^the client sent 37\+ bytes after the server closed \(FIN [\d.]+ m?s before\)$/)]);
  });

  it('evasion-style overlaps with different bytes and data after the server FIN', async () => {
    const r = await run('zeek__tcp_reassembly.pcap');
    expect(r.reassembler.stats.overlapConflicts).toBeGreaterThan(0);
    expect(r.notes.some((n) => /^retransmission at c2s offset [\d,]+ carries different bytes \(first copy kept\)$/.test(n))).toBe(true);
    // The client's first bytes crossed the server's FIN (they do not ack it); those it sent once it had the FIN are noted apart.
    expect(r.notes.filter((n) => n.includes('the server closed'))).toEqual([
      expect.stringMatching(/^the client's 1,440 bytes were in flight when the server closed \(FIN /),
      expect.stringMatching(/^the client sent \d+\+ bytes after the server closed \(FIN /),
    ]);
  });

  it('a snap length of 96: captured bytes as data, the rest as gaps', async () => {
    const r = await run('zeek__tcp_timestamp.pcap');
    expect(r.dataBytes + r.gapBytes).toBe(1_000_000);
    expect(r.reassembler.stats.truncatedBytes).toBe(r.gapBytes);
  });

  it('a bigger mixed capture: flows as tshark counts them, bytes as on the wire minus retransmissions', async () => {
    const r = await run('pcapplusplus__example2.pcap');
    expect(r.reassembler.stats.flows).toBe(126);
    expect(r.dataBytes).toBe(2556419); // 2556365 before the RST linger: 2 TLS alerts of 27 bytes were lost
    expect(r.gapBytes).toBe(0);
  });

  it('the peer data that crosses a RST is kept (TLS alerts after the client reset, as tshark follows them)', async () => {
    const r = await run('pcapplusplus__example2.pcap');
    for (const port of [55243, 55254]) {
      const start = r.events.find((e) => e.type === 'flow-start' && e.key.client.port === port);
      const id = start!.flowId;
      const mine = r.events.filter((e) => e.flowId === id);
      const bytes = { c2s: 0, s2c: 0 };
      for (const e of mine) if (e.type === 'data') bytes[e.dir] += e.bytes.length;
      expect(bytes, `port ${port}`).toEqual({ c2s: 729, s2c: 253 }); // tshark -qz follow,tcp,raw
      const tail = mine.slice(-5).map((e) => (e.type === 'data' ? `data ${e.dir} ${e.bytes.length}` : e.type));
      expect(tail, `port ${port}`).toEqual(['data s2c 53', 'note', 'data s2c 27', 'half-close', 'flow-end']);
      const note = mine.find((e) => e.type === 'note' && e.text.includes('reset'));
      // Their ACK (below the RST's sequence number) shows the server sent them before the reset reached it.
      expect(note?.type === 'note' && note.text).toMatch(/^the server's 27 bytes were in flight when the client reset the connection \(RST [\d.]+ m?s before\)$/);
      const end = mine[mine.length - 1];
      expect(end.type === 'flow-end' && [end.reason, end.detail]).toEqual(['rst', 'reset by client']);
    }
  });
});
