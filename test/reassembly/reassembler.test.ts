import { describe, expect, it } from 'vitest';
import { REFUSED, type DataEvent, type FlowEvent } from '../../src/core/types.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';
import {
  CLIENT,
  Conv,
  SERVER,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  checkContract,
  harness,
  mkSeg,
  mulberry32,
  shown,
} from './helpers.js';

const FIN_ACK = TCP_FIN | TCP_ACK;
const RST_ACK = TCP_RST | TCP_ACK;

describe('flows, roles and offsets', () => {
  it('handshake, data both ways, FIN both ways', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('GET / HTTP/1.1\r\n\r\n'));
    h.feed(c.s('HTTP/1.1 200 OK\r\n\r\nhi', { flags: TCP_ACK }));
    h.feed(c.s('', { flags: FIN_ACK }));
    h.feed(c.c('', { flags: FIN_ACK }));
    h.feed(c.s('')); // final ACK: after flow-end, ignored quietly
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 1 c2s 0 "GET / HTTP/1.1\r\n\r\n"',
      'data 1 s2c 0 "HTTP/1.1 200 OK\r\n\r\nhi"',
      'half 1 s2c',
      'half 1 c2s',
      'end 1 fin',
    ]);
    expect(h.r.stats.flows).toBe(1);
    expect(h.r.stats.openFlows).toBe(0);
    expect(h.r.stats.lateSegments).toBe(1);
    expect(h.r.stats.payloadBytes).toBe(18 + 21);
    checkContract(h.events);
  });

  it('flows whose ports share a lookup-cache slot are never confused (same ports, other hosts; equal XOR of ports)', () => {
    const h = harness();
    const a = new Conv(100, 200, { addr: '10.0.0.1', port: 40000 }, { addr: '10.0.0.2', port: 80 });
    const b = new Conv(300, 400, { addr: '10.0.0.3', port: 40000 }, { addr: '10.0.0.4', port: 80 });
    // 40001 ^ 81 === 40000 ^ 80: the same slot, other ports.
    const c = new Conv(500, 600, { addr: '10.0.0.1', port: 40001 }, { addr: '10.0.0.2', port: 81 });
    h.feed([...a.handshake(), ...b.handshake(), ...c.handshake()]);
    h.feed([a.c('A1'), b.c('B1'), c.c('C1'), a.s('a1'), b.s('b1'), c.s('c1')]);
    h.feed([a.c('', { flags: FIN_ACK }), a.s('', { flags: FIN_ACK })]); // flow A ends
    // A late segment of A, while A's slot of the cache still names it, is ignored.
    h.feed([a.c('late'), b.c('B2'), c.c('C2')]);
    h.r.finish(2_000_000_000);
    const data = h.events.filter((e): e is DataEvent => e.type === 'data');
    const text = (flowId: number, dir: string): string =>
      data.filter((e) => e.flowId === flowId && e.dir === dir).map((e) => new TextDecoder().decode(e.bytes)).join('');
    expect([text(1, 'c2s'), text(1, 's2c'), text(2, 'c2s'), text(2, 's2c'), text(3, 'c2s'), text(3, 's2c')])
      .toEqual(['A1', 'a1', 'B1B2', 'b1', 'C1C2', 'c1']);
    expect(h.r.stats.flows).toBe(3);
    expect(h.r.stats.lateSegments).toBe(1);
    checkContract(h.events);
  });

  it('in-order data is a view of the payload with fileOffset passed through', () => {
    // What each data event held during its call (the event object is valid only then).
    const seen: Array<{ same: boolean; offset: number; fileOffset: number; buffer: ArrayBufferLike }> = [];
    const c = new Conv();
    let payload: Uint8Array | null = null;
    const r = new Reassembler({
      emit: (event) => {
        if (event.type !== 'data') return;
        const bytes = event.bytes;
        seen.push({ same: bytes === payload, offset: event.offset, fileOffset: event.fileOffset, buffer: bytes.buffer });
      },
    });
    for (const s of c.handshake()) r.feed(s, 1);
    const seg = c.c('hello', { fileOffset: 4242 });
    payload = seg.payload;
    r.feed(seg, 2);
    // Partial retransmission overlapping the delivered prefix: trimmed view, fileOffset adjusted.
    const seg2 = c.c('lo world', { at: 3, fileOffset: 9000 });
    payload = seg2.payload;
    r.feed(seg2, 3);
    expect(seen[0].same).toBe(true);
    expect(seen[0].fileOffset).toBe(4242);
    expect(seen[1].offset).toBe(5);
    expect(seen[1].fileOffset).toBe(9002);
    expect(seen[1].buffer).toBe(seg2.payload.buffer);
    expect(r.stats.duplicateBytes).toBe(2);
  });

  it('passes one event object for all its data events (no allocation per segment)', () => {
    const objects = new Set<FlowEvent>();
    const r = new Reassembler({ emit: (event) => event.type === 'data' && objects.add(event) });
    const c = new Conv();
    for (const s of c.handshake()) r.feed(s, 1);
    r.feed(c.c('one'), 2);
    r.feed(c.s('two'), 3);
    r.feed(c.c('four', { at: 6 }), 4); // out of order: buffered, then delivered from the buffer
    r.feed(c.c('tre', { at: 3 }), 5);
    expect(r.stats.payloadBytes).toBe(13);
    expect(objects.size).toBe(1);
  });

  it('gives fileOffset -1 when the segment has none', () => {
    const h = harness();
    const c = new Conv();
    h.feed([...c.handshake(), c.c('abc')]);
    const data = h.events.find((e) => e.type === 'data') as DataEvent;
    expect(data.fileOffset).toBe(-1);
  });

  it('a SYN-ACK seen first makes its receiver the client; c2s offset 0 from its ack', () => {
    const h = harness();
    const c = new Conv(7000, 9000);
    h.feed([c.synAck(), c.c('req'), c.s('resp')]);
    h.r.finish(5);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 1 c2s 0 "req"',
      'data 1 s2c 0 "resp"',
      'end 1 timeout (capture ended)',
    ]);
  });

  it('finish with a batch size ends that many open flows per call, oldest first, and says when none is left', () => {
    const h = harness();
    const convs = [1, 2, 3, 4, 5].map((n) => new Conv(n * 1000, n * 2000, { addr: '10.0.0.1', port: 40000 + n }, SERVER));
    for (const c of convs) h.feed([...c.handshake(), c.c(`req${c.client.port}`)]);
    const ended = (): number[] => h.events.filter((e) => e.type === 'flow-end').map((e) => e.flowId);
    expect(h.r.finish(9, 2)).toBe(false);
    expect(ended()).toEqual([1, 2]);
    expect(h.r.finish(9, 2)).toBe(false);
    expect(h.r.finish(9, 2)).toBe(true);
    expect(ended()).toEqual([1, 2, 3, 4, 5]);
    expect(h.r.stats.openFlows).toBe(0);
    expect(h.r.finish(9, 2)).toBe(true);
    checkContract(h.events);
  });

  it('a late SYN after the SYN-ACK belongs to the same flow', () => {
    const h = harness();
    const c = new Conv();
    h.feed([c.synAck(), c.syn(), c.c('x')]);
    h.r.finish(5);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 1 c2s 0 "x"',
      'end 1 timeout (capture ended)',
    ]);
  });

  it('without a handshake, the service port side is the server', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.s('mid-stream response')); // first packet from the server (port 80)
    h.feed(c.c('next request'));
    h.r.finish(9);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 guess',
      'data 1 s2c 0 "mid-stream response"',
      'data 1 c2s 0 "next request"',
      'end 1 timeout (capture ended)',
    ]);
  });

  it('without a handshake, a well-known high port (3306) marks the server', () => {
    const h = harness();
    const db = { addr: '10.0.0.9', port: 3306 };
    const c = new Conv(1, 2, { addr: '10.0.0.1', port: 50000 }, db);
    h.feed(c.s('greeting'));
    h.r.finish(9);
    expect(shown(h.events)[0]).toBe('start 1 10.0.0.1:50000>10.0.0.9:3306 guess');
  });

  it('without a handshake and no service port, the first sender is the client', () => {
    const h = harness();
    const a = { addr: '10.0.0.5', port: 50001 };
    const b = { addr: '10.0.0.6', port: 50002 };
    const c = new Conv(1, 2, b, a); // "client" b sends first
    h.feed(c.c('x'));
    h.r.finish(9);
    expect(shown(h.events)[0]).toBe('start 1 10.0.0.6:50002>10.0.0.5:50001 guess');
  });

  it('data in the SYN (TCP Fast Open) is data at offset 0', () => {
    const h = harness();
    const c = new Conv();
    h.feed([c.syn('early'), c.synAck(), c.c('late')]);
    h.r.finish(9);
    expect(shown(h.events).slice(1, 3)).toEqual(['data 1 c2s 0 "early"', 'data 1 c2s 5 "late"']);
  });

  it('R3: mid-stream, earlier segments arriving after the first one seen move offset 0 back: nothing lost', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.c('second', { at: 100 }));
    h.feed(c.c('first', { at: 95 }));
    h.feed(c.c('xxxxx', { at: 90 }));
    h.r.finish(9);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 guess',
      'data 1 c2s 0 "xxxxx"',
      'data 1 c2s 5 "first"',
      'data 1 c2s 10 "second"',
      'end 1 timeout (capture ended)',
    ]);
    expect(h.r.stats.unplaceableBytes).toBe(0);
  });

  it('R3: mid-stream, the peer acknowledging the first byte seen settles offset 0: data is delivered at once', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.c('hello', { at: 100 }));
    expect(shown(h.events)).toEqual(['start 1 10.0.0.1:40000>10.0.0.2:80 guess']);
    h.feed(c.s('', { ack: c.cSeq(100) }));
    expect(shown(h.events)).toEqual(['start 1 10.0.0.1:40000>10.0.0.2:80 guess', 'data 1 c2s 0 "hello"']);
  });

  it('R3: mid-stream, data carried by the ack that settles the peer comes after the peer\'s bytes (a request, then its response)', () => {
    const h = harness();
    const c = new Conv();
    // suricata-verify http-start-from-response: a response, then a request, then its response.
    h.feed(c.s('HTTP/1.1 200', { at: 500 }));
    h.feed(c.c('GET /favicon.ico', { at: 100, ack: c.sSeq(512) }));
    h.feed(c.s('HTTP/1.1 404', { at: 512, ack: c.cSeq(116) }));
    expect(shown(h.events).slice(1)).toEqual(['data 1 s2c 0 "HTTP/1.1 200"', 'data 1 c2s 0 "GET /favicon.ico"', 'data 1 s2c 12 "HTTP/1.1 404"']);
  });

  it('R3: mid-stream, a peer ack before the first byte seen moves offset 0 back to it: the missing bytes become a gap, not a silent loss', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.c('world', { at: 100 }));
    h.feed(c.s('', { ack: c.cSeq(94) })); // the receiver still waits for 94..100
    h.feed(c.c('hello ', { at: 94 }));
    h.r.finish(9);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 guess',
      'data 1 c2s 0 "hello "',
      'data 1 c2s 6 "world"',
      'end 1 timeout (capture ended)',
    ]);
    const lost = harness();
    const d = new Conv();
    lost.feed(d.c('world', { at: 100 }));
    lost.feed(d.s('', { ack: d.cSeq(94) }));
    lost.r.finish(9);
    expect(shown(lost.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 guess',
      'gap 1 c2s 0 6',
      'data 1 c2s 6 "world"',
      'end 1 timeout (capture ended)',
    ]);
  });

  it('R3: bytes before offset 0 after the reorder window are dropped with a note and counted', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.c('second', { at: 100 }));
    for (let i = 0; i < 8; i++) h.feed(c.s('', { ack: c.cSeq(100) }));
    h.feed(c.c('first', { at: 95 }));
    h.r.finish(99);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 guess',
      'data 1 c2s 0 "second"',
      'note 1 the client sent 5 bytes before its stream offset 0 (after its start was settled): dropped',
      'end 1 timeout (capture ended)',
    ]);
    expect(h.r.stats.unplaceableBytes).toBe(5);
  });

  it('R3: mid-stream with no peer in the capture, the reorder window settles offset 0', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.c('a', { at: 100 }));
    for (let i = 1; i < 8; i++) h.feed(c.c('b', { at: 100 + i }));
    expect(shown(h.events)).toEqual(['start 1 10.0.0.1:40000>10.0.0.2:80 guess']);
    h.feed(c.c('c', { at: 108 }));
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "a"', ...Array.from({ length: 7 }, (_, i) => `data 1 c2s ${i + 1} "b"`), 'data 1 c2s 8 "c"']);
  });

  it('VLAN ids separate flows and are part of the key', () => {
    const h = harness();
    const a = new Conv(1000, 5000, CLIENT, SERVER, 10);
    const b = new Conv(1000, 5000, CLIENT, SERVER, 20);
    h.feed([a.syn(), b.syn(), a.synAck(), b.synAck(), a.c('A'), b.c('B')]);
    h.r.finish(9);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 vlan 10 hs',
      'start 2 10.0.0.1:40000>10.0.0.2:80 vlan 20 hs',
      'data 1 c2s 0 "A"',
      'data 2 c2s 0 "B"',
      'end 1 timeout (capture ended)',
      'end 2 timeout (capture ended)',
    ]);
  });

  it('sequence numbers wrap around 2^32', () => {
    const h = harness();
    const c = new Conv(0xfffffffa, 0xffffffff);
    h.feed(c.handshake());
    h.feed(c.c('abcd')); // seq fffffffb..fffffffe
    h.feed(c.c('efgh')); // crosses 0
    h.feed(c.c('ijkl'));
    h.feed(c.s('reply')); // server ISN+1 = 0
    h.r.finish(9);
    expect(shown(h.events).slice(1, 5)).toEqual([
      'data 1 c2s 0 "abcd"',
      'data 1 c2s 4 "efgh"',
      'data 1 c2s 8 "ijkl"',
      'data 1 s2c 0 "reply"',
    ]);
  });

  it('a late SYN whose ISN+1 is offset 0 of the data already seen belongs to the flow', () => {
    const h = harness();
    const c = new Conv();
    h.feed([c.synAck(), c.c('data first'), c.syn(), c.s('reply')]);
    h.r.finish(9);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 1 c2s 0 "data first"',
      'data 1 s2c 0 "reply"',
      'end 1 timeout (capture ended)',
    ]);
  });

  it('ignores data more than 1 GiB ahead unless the peer acknowledged near it', () => {
    const h = harness();
    const c = new Conv();
    h.feed([...c.handshake(), c.c('a')]);
    h.feed(c.c('far', { at: 2 ** 30 + 100 }));
    expect(h.r.stats.outOfWindowSegments).toBe(1);
    // A sparse capture: the receiver's ack vouches for the new position (1.5 GiB ahead).
    h.feed(c.s('', { ack: c.cSeq(1.5 * 2 ** 30) }));
    h.feed(c.c('jump', { at: 1.5 * 2 ** 30 }));
    h.feed(c.s('', { ack: c.cSeq(1.5 * 2 ** 30 + 4) }));
    h.feed(c.s('', { ack: c.cSeq(1.5 * 2 ** 30 + 4) }));
    expect(shown(h.events).slice(2)).toEqual([`gap 1 c2s 1 ${1.5 * 2 ** 30 - 1}`, `data 1 c2s ${1.5 * 2 ** 30} "jump"`]);
    expect(h.r.stats.outOfWindowSegments).toBe(1);
  });

  it('uses the nextFlowId option', () => {
    let n = 100;
    const h = harness({ nextFlowId: () => (n += 7) });
    const c = new Conv();
    h.feed(c.syn());
    h.r.finish(2);
    expect(shown(h.events)).toEqual(['start 107 10.0.0.1:40000>10.0.0.2:80 hs', 'end 107 timeout (capture ended)']);
  });
});

describe('how far the handshake got', () => {
  const endOf = (events: FlowEvent[]) => events.find((e) => e.type === 'flow-end');
  const handshakeAfter = (segments: (c: Conv) => TcpSegmentList) => {
    const h = harness();
    h.feed(segments(new Conv()));
    h.r.finish(9);
    const end = endOf(h.events);
    return end?.type === 'flow-end' ? end.handshake : 'no end';
  };
  type TcpSegmentList = ReturnType<Conv['handshake']>;

  it('the flow-end tells: SYN only, SYN and SYN/ACK, the final ACK or bytes either way', () => {
    expect(handshakeAfter((c) => [c.syn()])).toBe('syn');
    expect(handshakeAfter((c) => [c.syn(), c.synAck()])).toBe('syn-ack');
    expect(handshakeAfter((c) => c.handshake())).toBe('complete');
    expect(handshakeAfter((c) => [c.syn(), c.synAck(), c.s('220 hello')])).toBe('complete');
    expect(handshakeAfter((c) => [c.c('mid-stream')])).toBeUndefined();
  });
});

describe('out of order, duplicates, overlaps', () => {
  it('copies out-of-order data held in a Buffer too (a live capture\'s queue is one, reused), not a Buffer#slice view', () => {
    const data: string[] = [];
    const r = new Reassembler({ emit: (e) => void (e.type === 'data' && data.push(new TextDecoder().decode(e.bytes))) });
    const c = new Conv();
    for (const s of c.handshake()) r.feed(s, 1);
    const first = c.c('hello ');
    const second = c.c('world');
    const queue = Buffer.from(second.payload);
    r.feed({ ...second, payload: queue, payloadBuffer: queue }, 2);
    queue.fill(0x21);
    r.feed(first, 3);
    expect(data).toEqual(['hello ', 'world']);
  });

  it('buffers out-of-order data (copied) and delivers it when the hole fills', () => {
    const data: Array<[number, string, number, number]> = [];
    const r = new Reassembler({
      emit: (e) => {
        if (e.type === 'data') data.push([e.offset, new TextDecoder().decode(e.bytes), e.fileOffset, e.ts]);
      },
    });
    const c = new Conv();
    for (const s of c.handshake()) r.feed(s, 1);
    const first = c.c('hello ', { fileOffset: 100 });
    const second = c.c('world', { fileOffset: 200 });
    r.feed(second, 2);
    expect(r.stats.bufferedBytes).toBeGreaterThanOrEqual(5);
    second.payload.fill(0x21); // the decoder reuses its buffers: the buffered copy must not change
    r.feed(first, 3);
    // R5: 'world' is stamped when the hole before it filled (3), not at its arrival (2): times never run backwards.
    expect(data).toEqual([
      [0, 'hello ', 100, 3],
      [6, 'world', 200, 3],
    ]);
    expect(r.stats.bufferedBytes).toBe(0);
  });

  it('ignores retransmissions and counts duplicate bytes, no note', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    const seg = c.c('abcdef');
    h.feed([seg, seg, c.c('abc', { at: 0 }), c.c('ghi')]);
    h.r.finish(9);
    expect(shown(h.events).filter((s) => !s.startsWith('start') && !s.startsWith('end'))).toEqual([
      'data 1 c2s 0 "abcdef"',
      'data 1 c2s 6 "ghi"',
    ]);
    expect(h.r.stats.duplicateBytes).toBe(9);
    expect(h.r.stats.notes).toBe(0);
  });

  it('first writer wins among buffered bytes; a differing copy gives one note', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    const hole = c.c('0123');
    h.feed(c.c('ABCDEFGH')); // offsets 4..12, buffered
    h.feed(c.c('xBCDyFGHIJ', { at: 4 })); // differs at offset 4 first; adds IJ
    h.feed(c.c('ABCD', { at: 4 })); // identical copy: no note
    h.feed(hole);
    h.r.finish(9);
    expect(shown(h.events).slice(1, -1)).toEqual([
      'note 1 retransmission at c2s offset 4 carries different bytes (first copy kept)',
      'data 1 c2s 0 "0123"',
      'data 1 c2s 4 "ABCDEFGH"',
      'data 1 c2s 12 "IJ"',
    ]);
    expect(h.r.stats.overlapConflicts).toBe(1);
    expect(h.r.stats.duplicateBytes).toBe(8 + 4);
  });

  it('an in-order segment overlapping buffered data delivers its prefix, buffered bytes win', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('WXYZ', { at: 4 }));
    h.feed(c.c('0123wxyz89', { at: 0 }));
    h.r.finish(9);
    expect(shown(h.events).slice(1, -1)).toEqual([
      'data 1 c2s 0 "0123"',
      'note 1 retransmission at c2s offset 4 carries different bytes (first copy kept)',
      'data 1 c2s 4 "WXYZ"',
      'data 1 c2s 8 "89"',
    ]);
  });

  it('keep-alive probes (0 or 1 byte at next-1) are not conflicts', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('abc'));
    h.feed(c.c('\0', { at: 2 }));
    h.feed(c.c('', { at: 2 }));
    h.feed(c.c('d', { at: 3 }));
    h.r.finish(9);
    expect(shown(h.events).slice(1, -1)).toEqual(['data 1 c2s 0 "abc"', 'data 1 c2s 3 "d"']);
    expect(h.r.stats.keepAlives).toBe(2);
    expect(h.r.stats.notes).toBe(0);
    expect(h.r.stats.duplicateBytes).toBe(0);
  });
});

describe('gaps', () => {
  it('(a) a hole the peer acknowledged is lost: gap, then the buffered data', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('aaaa'));
    c.c('LOST'); // never captured
    h.feed(c.c('cccc'));
    expect(h.events.filter((e) => e.type === 'gap')).toHaveLength(0);
    h.feed(c.s('', { ack: c.cSeq(8) })); // server got up to offset 8
    expect(h.events.filter((e) => e.type === 'gap')).toHaveLength(0); // one segment of grace
    h.feed(c.s('', { ack: c.cSeq(8) })); // the next segment did not fill the hole
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "aaaa"', 'gap 1 c2s 4 4', 'data 1 c2s 8 "cccc"']);
  });

  it('(a) an ack short of the buffered data closes only the acknowledged part of the hole', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('aaaa'));
    const late = c.c('bbbbbbbb');
    h.feed(c.c('cccc'));
    h.feed(c.s('', { ack: c.cSeq(6) }));
    h.feed(c.s('', { ack: c.cSeq(6) }));
    h.feed(late); // bytes 4..6 already declared lost, 6..12 still welcome
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "aaaa"',
      'gap 1 c2s 4 2',
      'data 1 c2s 6 "bbbbbb"',
      'data 1 c2s 12 "cccc"',
    ]);
  });

  it('(a) a grace segment from the other side cannot fill the hole: the gap and the data after it come first', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('GET /1;'));
    c.s('HEAD'); // never captured
    h.feed(c.s('body'));
    h.feed(c.c('', { ack: c.sSeq(8) })); // the client got the server's bytes up to offset 8
    h.feed(c.c('GET /2;')); // the grace segment, from the client
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "GET /1;"', 'gap 1 s2c 0 4', 'data 1 s2c 4 "body"', 'data 1 c2s 7 "GET /2;"']);
  });

  it('(a) an ack of a FIN behind a hole, still in its grace when the capture ends: gap and FIN at that ack, then closed', () => {
    for (const ending of ['finish', 'idle'] as const) {
      const h = harness();
      const c = new Conv();
      h.feed(c.handshake(), 10);
      h.feed(c.c('GET /5', { flags: FIN_ACK }), 20);
      c.s('HTTP/1.1 200'); // never captured
      h.feed(c.s('', { flags: FIN_ACK, ack: c.cSeq(7) }), 30);
      h.feed(c.c('', { ack: c.sSeq(13) }), 40); // the client got all of it, and the FIN
      if (ending === 'finish') h.r.finish(9_000_000);
      else h.r.expireIdle(1e12);
      expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "GET /5"', 'half 1 c2s', 'gap 1 s2c 0 12', 'half 1 s2c', 'end 1 fin']);
      expect(h.events.slice(-3).map((e) => e.ts)).toEqual([40, 40, 40]);
    }
  });

  it('(a) grace: the missing bytes may arrive right after the ack', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    const late = c.c('bbbb');
    h.feed(c.c('cccc'));
    h.feed(c.s('', { ack: c.cSeq() }));
    h.feed(late);
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "bbbb"', 'data 1 c2s 4 "cccc"']);
  });

  it('(a) an ack captured before the data after the hole does not close it; the next ack does', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('aaaa'));
    const late = c.c('bbbb');
    h.feed(c.s('', { ack: c.cSeq(8) })); // ack beyond anything seen (reordered capture)
    h.feed(c.c('cccc'));
    expect(h.events.filter((e) => e.type === 'gap')).toHaveLength(0);
    h.feed(late); // the bytes do arrive
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "aaaa"', 'data 1 c2s 4 "bbbb"', 'data 1 c2s 8 "cccc"']);
    const d = new Conv(1, 2, { addr: '10.0.0.1', port: 2 });
    h.feed(d.handshake());
    h.feed(d.c('aaaa'));
    d.c('LOST');
    h.feed(d.s('', { ack: d.cSeq(8) }));
    h.feed(d.c('cccc'));
    h.feed(d.s('', { ack: d.cSeq(12) })); // captured after the buffered data: the hole is lost
    h.feed(d.s('', { ack: d.cSeq(12) })); // ... once the next segment did not fill it
    expect(shown(h.events).slice(-3)).toEqual(['data 2 c2s 0 "aaaa"', 'gap 2 c2s 4 4', 'data 2 c2s 8 "cccc"']);
  });

  it('(a) a hole before a FIN, nothing buffered: plain acks past it close it (gap, then the half-close)', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('GET'));
    c.s('x'.repeat(100)); // the reply is lost
    h.feed(c.s('', { flags: TCP_FIN | TCP_ACK }));
    expect(h.events.filter((e) => e.type === 'gap')).toHaveLength(0);
    // The client acks the reply and the FIN: pure acks of an established flow, the common case.
    h.feed(c.c('', { ack: c.sSeq() }));
    h.feed(c.c('', { ack: c.sSeq() }));
    expect(shown(h.events).slice(-3)).toEqual(['data 1 c2s 0 "GET"', 'gap 1 s2c 0 100', 'half 1 s2c']);
  });

  it('(b) per-flow buffer bound: skip ahead to the earliest buffered piece', () => {
    const h = harness({ maxBufferedBytesPerFlow: 400 }); // a piece costs its bytes + 64
    const c = new Conv();
    h.feed(c.handshake());
    c.c('x'.repeat(10)); // lost
    h.feed(c.c('a'.repeat(100)));
    h.feed(c.c('b'.repeat(100), { at: 120 }));
    expect(h.events.filter((e) => e.type === 'gap')).toHaveLength(0);
    h.feed(c.c('c'.repeat(100), { at: 300 })); // 3 * 164 > 400
    expect(shown(h.events).slice(1).map((s) => s.slice(0, 20))).toEqual(['gap 1 c2s 0 10', 'data 1 c2s 10 "aaaaa']);
    expect(h.r.stats.bufferLimitSkips).toBe(1);
    expect(h.r.stats.bufferedBytes).toBe(2 * 164);
  });

  it('(b) total buffer bound across flows', () => {
    const h = harness({ maxBufferedBytesTotal: 600 });
    const a = new Conv(1000, 5000, { addr: '10.0.0.1', port: 1111 });
    const b = new Conv(1000, 5000, { addr: '10.0.0.1', port: 2222 });
    h.feed([...a.handshake(), ...b.handshake()]);
    h.feed(a.c('A'.repeat(300), { at: 10 }));
    h.feed(b.c('B'.repeat(100), { at: 10 }));
    expect(h.r.stats.bufferLimitSkips).toBe(0);
    h.feed(b.c('C'.repeat(100), { at: 200 })); // 364 + 2 * 164 > 600: flow a (largest) skips
    expect(shown(h.events).filter((s) => s.startsWith('gap'))).toEqual(['gap 1 c2s 0 10']);
    expect(h.r.stats.bufferLimitSkips).toBe(1);
    expect(h.r.stats.bufferedBytes).toBe(2 * 164);
  });

  it('(c) a RST flushes buffered data with gaps when its linger time is over', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake(), 10);
    h.feed(c.c('tail', { at: 10 }), 11);
    h.feed(c.s('', { flags: TCP_RST, ack: c.cSeq(0) }), 12);
    expect(shown(h.events).slice(1)).toEqual([]);
    h.r.expireIdle(12 + 1_000_000); // not over yet (over when the deadline is passed)
    expect(shown(h.events).slice(1)).toEqual([]);
    h.r.expireIdle(12 + 1_000_001);
    expect(shown(h.events).slice(1)).toEqual(['gap 1 c2s 0 10', 'data 1 c2s 10 "tail"', 'end 1 rst (reset by server)']);
  });

  it('(c) a retransmission in the linger time after a RST still fills the hole', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    const lost = c.c('0123456789');
    h.feed(c.c('tail'));
    h.feed(c.s('', { flags: TCP_RST })); // no ack: nothing said about the client's bytes
    h.feed(lost);
    h.r.finish(1e12);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "0123456789"',
      'data 1 c2s 10 "tail"',
      'end 1 rst (reset by server)',
    ]);
  });

  it('(c) idle expiry flushes and ends with timeout', () => {
    const h = harness({ idleTimeoutMicros: 1000 });
    const c = new Conv();
    h.feed(c.handshake(), 10);
    h.feed(c.c('later', { at: 3 }), 20);
    h.r.expireIdle(500); // not idle yet
    expect(h.r.stats.openFlows).toBe(1);
    h.r.expireIdle(1021);
    expect(shown(h.events).slice(1)).toEqual(['gap 1 c2s 0 3', 'data 1 c2s 3 "later"', 'end 1 timeout (idle)']);
    expect(h.r.stats.openFlows).toBe(0);
  });

  it('(c) a FIN after a hole: half-close waits; finish declares the hole lost', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    c.c('missing');
    h.feed(c.c('', { flags: FIN_ACK }));
    expect(shown(h.events).slice(1)).toEqual([]);
    h.r.finish(99);
    expect(shown(h.events).slice(1)).toEqual(['gap 1 c2s 0 7', 'half 1 c2s', 'end 1 timeout (capture ended)']);
  });

  it('a FIN before reordered data: data first, then half-close', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    const data = c.c('body');
    h.feed(c.c('', { flags: FIN_ACK }));
    h.feed(data);
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "body"', 'half 1 c2s']);
  });

  it('the peer acking the FIN closes the hole before it', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    c.c('missing');
    h.feed(c.c('', { flags: FIN_ACK }));
    h.feed(c.s('', { flags: FIN_ACK, ack: c.cSeq() }));
    expect(shown(h.events).slice(1)).toEqual(['half 1 s2c']);
    h.feed(c.c('')); // the client's last ACK: the hole is still there, so it is lost
    expect(shown(h.events).slice(1)).toEqual(['half 1 s2c', 'gap 1 c2s 0 7', 'half 1 c2s', 'end 1 fin']);
  });

  it('a truncated segment delivers what was captured and a gap for the rest', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('abc', { payloadLength: 10 }));
    h.feed(c.c('k'));
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "abc"', 'gap 1 c2s 3 7', 'data 1 c2s 10 "k"']);
    expect(h.r.stats.truncatedBytes).toBe(7);
    // The gap says its bytes were cut by the snap length (sent, not lost).
    expect(h.events.filter((e) => e.type === 'gap')).toEqual([expect.objectContaining({ offset: 3, length: 7, notCaptured: true })]);
  });

  it('an out-of-order truncated segment keeps its missing part as a buffered gap', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    const first = c.c('0123');
    h.feed(c.c('abc', { payloadLength: 6 }));
    h.feed(c.c('z'));
    h.feed(first);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "0123"',
      'data 1 c2s 4 "abc"',
      'gap 1 c2s 7 3',
      'data 1 c2s 10 "z"',
    ]);
    expect(h.events.find((e) => e.type === 'gap')).toMatchObject({ notCaptured: true });
  });

  it('a gap of a segment never seen does not say it was cut by the snap length', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    c.c('missing');
    h.feed(c.c('after'));
    h.r.finish(1e12);
    const gap = h.events.find((e) => e.type === 'gap');
    expect(gap).toBeDefined();
    expect(gap && 'notCaptured' in gap).toBe(false);
  });
});

describe('closing', () => {
  it('RST with payload: data plus a note, then flow-end rst', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('bye!', { flags: RST_ACK }));
    h.r.finish(1e12);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "bye!"',
      'note 1 RST carried 4 bytes',
      'end 1 rst (reset by client)',
    ]);
  });

  it('late packets after the close are ignored; a new SYN starts a new flow, even with the old ISN', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('', { flags: FIN_ACK }));
    h.feed(c.s('', { flags: FIN_ACK }));
    h.feed(c.c('')); // final ACK
    h.feed(c.s('', { flags: FIN_ACK })); // retransmitted FIN
    expect(h.r.stats.flows).toBe(1);
    expect(h.r.stats.lateSegments).toBe(2);
    const d = new Conv(77777, 88888);
    h.feed([...d.handshake(), d.c('again')]);
    h.r.finish(1e12);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'half 1 c2s',
      'half 1 s2c',
      'end 1 fin',
      'start 2 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 2 c2s 0 "again"',
      'end 2 timeout (capture ended)',
    ]);
  });

  it('three connections one after another on the same 4-tuple and the same ISNs are three flows', () => {
    const h = harness();
    for (const text of ['one', 'two', 'three']) {
      const c = new Conv();
      h.feed([...c.handshake(), c.c(text), c.s(text.toUpperCase())]);
      h.feed(c.c('', { flags: FIN_ACK }));
      h.feed(c.s('', { flags: FIN_ACK }));
      h.feed(c.c(''));
    }
    h.r.finish(1e12);
    const data = shown(h.events).filter((line) => line.startsWith('data') || line.startsWith('end'));
    expect(data).toEqual([
      'data 1 c2s 0 "one"', 'data 1 s2c 0 "ONE"', 'end 1 fin',
      'data 2 c2s 0 "two"', 'data 2 s2c 0 "TWO"', 'end 2 fin',
      'data 3 c2s 0 "three"', 'data 3 s2c 0 "THREE"', 'end 3 fin',
    ]);
  });

  it('a SYN stamped before the close (a reordered file) is the old connection\'s, ignored', () => {
    const h = harness();
    const c = new Conv();
    const [syn, synAck, ack] = c.handshake();
    h.feed([synAck, ack], 2_000);
    h.feed(c.c('hi'), 3_000);
    h.feed(c.c('', { flags: FIN_ACK }), 4_000);
    h.feed(c.s('', { flags: FIN_ACK }), 5_000);
    h.feed(syn, 1_000); // the first packet on the wire, last in the file
    h.r.finish(1e12);
    expect(h.r.stats.flows).toBe(1);
  });

  it('a late SYN-ACK with the old ISN after the close is ignored', () => {
    const h = harness();
    const c = new Conv();
    const [syn, synAck, ack] = c.handshake();
    h.feed([syn, synAck, ack]);
    h.feed(c.c('', { flags: FIN_ACK }));
    h.feed(c.s('', { flags: FIN_ACK }));
    h.feed(c.c(''));
    h.feed(synAck); // a duplicate from the start, arriving late
    h.r.finish(1e12);
    expect(h.r.stats.flows).toBe(1);
    expect(h.r.stats.lateSegments).toBe(2); // the final ACK and the SYN-ACK
  });

  it('after the linger time a bare packet starts a new (guessed) flow', () => {
    const h = harness({ closedLingerMicros: 100, rstLingerMicros: 10 });
    const c = new Conv();
    h.feed(c.handshake(), 1);
    h.feed(c.c('', { flags: RST_ACK }), 2);
    h.feed(c.c('x'), 50); // past the RST linger: the flow ends, then this is a late packet
    expect(h.r.stats.flows).toBe(1);
    h.feed(c.c('y'), 500);
    expect(h.r.stats.flows).toBe(2);
    h.r.finish(600);
    checkContract(h.events);
  });

  it('the recently-closed table is bounded', () => {
    const h = harness({ maxRecentlyClosed: 2, rstLingerMicros: 0 });
    for (let port = 1; port <= 3; port++) {
      const c = new Conv(1000, 5000, { addr: '10.0.0.1', port: 40000 + port });
      h.feed([c.syn(), c.s('', { flags: RST_ACK })]);
    }
    // Port 40001 was forgotten: its late ACK starts a flow; port 40003 is still remembered.
    h.feed(mkSeg({ src: { addr: '10.0.0.1', port: 40001 }, dst: SERVER, seq: 1001, ack: 5001 }));
    h.feed(mkSeg({ src: { addr: '10.0.0.1', port: 40003 }, dst: SERVER, seq: 1001, ack: 5001 }));
    expect(h.r.stats.flows).toBe(4);
  });

  it('the recently-closed table forgets the oldest close, counting a flow closed again as new', () => {
    const h = harness({ maxRecentlyClosed: 2, rstLingerMicros: 0 });
    // 40001 closes, 40002 closes, 40001 is used and closed again (its first close is stale), 40003 closes.
    for (const [port, isn] of [[1, 1000], [2, 1000], [1, 9000], [3, 1000]]) {
      const c = new Conv(isn, 5000, { addr: '10.0.0.1', port: 40000 + port });
      h.feed([c.syn(), c.s('', { flags: RST_ACK })]);
    }
    const flows = h.r.stats.flows;
    // 40002 was the oldest close left: forgotten, its late ACK starts a flow; 40001 and 40003 are remembered.
    h.feed(mkSeg({ src: { addr: '10.0.0.1', port: 40001 }, dst: SERVER, seq: 9001, ack: 5001 }));
    h.feed(mkSeg({ src: { addr: '10.0.0.1', port: 40003 }, dst: SERVER, seq: 1001, ack: 5001 }));
    expect(h.r.stats.flows).toBe(flows);
    h.feed(mkSeg({ src: { addr: '10.0.0.1', port: 40002 }, dst: SERVER, seq: 1001, ack: 5001 }));
    expect(h.r.stats.flows).toBe(flows + 1);
  });

  it('a new SYN on an open flow ends it and starts a new one (port reuse)', () => {
    const h = harness();
    const c = new Conv();
    h.feed([...c.handshake(), c.c('one')]);
    h.feed(c.syn()); // retransmitted SYN, same ISN: same flow
    const d = new Conv(123456, 654321);
    h.feed([...d.handshake(), d.c('two')]);
    h.r.finish(1e12);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 1 c2s 0 "one"',
      'end 1 timeout (ports reused by a new connection (new SYN))',
      'start 2 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 2 c2s 0 "two"',
      'end 2 timeout (capture ended)',
    ]);
  });

  it('a handshake stamped before a guessed flow, met later in the file, says the capture is out of time order', () => {
    const h = harness();
    const c = new Conv();
    // The server's FIN comes first in the file, stamped after the handshake that follows it.
    h.feed(c.s('', { flags: FIN_ACK, at: 100 }), 5_000);
    h.feed(c.syn(), 1_000);
    h.r.finish(1e12);
    const ends = shown(h.events).filter((e) => e.startsWith('end'));
    expect(ends[0]).toBe(
      'end 1 timeout (capture out of time order: the handshake of this connection, stamped earlier, comes later in the file and starts a new flow)',
    );
    // A SYN stamped after the guessed flow began is still a new connection reusing the ports.
    const g = harness();
    g.feed(c.s('', { flags: FIN_ACK, at: 100 }), 5_000);
    g.feed(new Conv(7, 9).syn(), 6_000);
    expect(shown(g.events).find((e) => e.startsWith('end'))).toBe('end 1 timeout (ports reused by a new connection (new SYN))');
  });

  it('data sent after the peer FIN is noted (capture order FIN first)', () => {
    const h = harness();
    const c = new Conv();
    const t0 = Date.UTC(2024, 0, 1, 12, 0, 1, 200) * 1000;
    h.feed(c.handshake(), t0 - 10);
    h.feed(c.c('GET /1\r\n\r\n'), t0 - 9);
    h.feed(c.s('200 OK'), t0 - 8);
    h.feed(c.s('', { flags: FIN_ACK }), t0);
    h.feed(c.c('GET /2 HTTP/1.1\r\nHost: example.org\r\n\r\n'), t0 + 5);
    h.feed(c.c('more'), t0 + 6);
    h.feed(c.s('', { flags: TCP_RST }), t0 + 7);
    h.r.finish(t0 + 8);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "GET /1\r\n\r\n"',
      'data 1 s2c 0 "200 OK"',
      'half 1 s2c',
      'note 1 the client sent 38+ bytes after the server closed (FIN 0.0 ms before)',
      'data 1 c2s 10 "GET /2 HTTP/1.1\r\nHost: example.org\r\n\r\n"',
      'data 1 c2s 48 "more"',
      'end 1 rst (reset by server)',
    ]);
    expect(h.r.stats.bytesAfterPeerClose).toBe(42);
    expect(h.r.stats.notes).toBe(1);
  });

  /** R11's case: the server's FIN at 20, the client's `late` bytes at 30, then its FIN at 40. */
  const closeAfterLateBytes = (h: ReturnType<typeof harness>, c: Conv, late: string): void => {
    h.feed(c.handshake(), 10);
    h.feed(c.s('', { flags: FIN_ACK }), 20);
    h.feed(c.c(late), 30);
    h.feed(c.c('', { flags: FIN_ACK }), 40);
  };

  it('R11: the client closing too after sending past the server FIN: the server\'s RST still ends the flow (rst)', () => {
    const h = harness();
    const c = new Conv();
    closeAfterLateBytes(h, c, 'GET /2');
    expect(h.r.stats.openFlows).toBe(1);
    h.feed(c.s('', { flags: RST_ACK, ack: c.cSeq(6) }), 50);
    expect(shown(h.events).slice(1)).toEqual([
      'half 1 s2c',
      'note 1 the client sent 6+ bytes after the server closed (FIN 0.0 ms before)',
      'data 1 c2s 0 "GET /2"',
      'half 1 c2s',
      'end 1 rst (reset by server)',
    ]);
    expect(h.events[h.events.length - 1].ts).toBe(50);
    checkContract(h.events);
  });

  it('R11: such a flow evicted at the cap ends fin and stays remembered: the RST it waited for is late', () => {
    const h = harness({ maxOpenFlows: 1 });
    const c = new Conv();
    closeAfterLateBytes(h, c, 'late');
    const other = new Conv(5000, 9000, { addr: '10.0.0.1', port: 2222 });
    h.feed(other.syn(), 50); // over the cap: the closing flow is evicted
    h.feed(c.s('', { flags: RST_ACK, ack: c.cSeq(5) }), 60);
    expect(shown(h.events).filter((e) => e.startsWith('end ') || e.startsWith('start '))).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'end 1 fin',
      'start 2 10.0.0.1:2222>10.0.0.2:80 hs',
    ]);
    expect(h.r.stats.lateSegments).toBe(1);
    expect(h.r.stats.evictedFlows).toBe(1);
    h.r.finish(100);
    checkContract(h.events);
  });

  it('R11: such a close ends as fin at the last ACK of both FINs, or at its linger time, or at the end', () => {
    const acked = harness();
    const c = new Conv();
    closeAfterLateBytes(acked, c, 'late');
    acked.feed(c.s('', { ack: c.cSeq(5) }), 45); // the server half-closed only: it acks the client's FIN
    expect(shown(acked.events).slice(-1)).toEqual(['end 1 fin']);
    expect(acked.events[acked.events.length - 1].ts).toBe(45);
    for (const ending of ['linger', 'finish'] as const) {
      const h = harness({ rstLingerMicros: 100 });
      closeAfterLateBytes(h, new Conv(), 'late');
      if (ending === 'linger') h.r.expireIdle(141);
      else h.r.finish(60);
      expect(shown(h.events).slice(-1)).toEqual(['end 1 fin']);
      expect(h.events[h.events.length - 1].ts).toBe(40);
      expect(h.r.stats.openFlows).toBe(0);
    }
  });

  it('data that crossed the peer FIN is noted by sequence even when captured before it, as in flight', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('first'));
    const fin = c.s('', { flags: FIN_ACK, ack: c.cSeq() }); // server had seen 5 bytes
    h.feed(c.c('second')); // captured before the FIN (capture near the client)
    h.feed(fin, Date.UTC(2024, 0, 1, 23, 59, 59, 5) * 1000);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "first"',
      'data 1 c2s 5 "second"',
      'half 1 s2c',
      "note 1 the client's 6 bytes were in flight when the server closed (FIN 0.0 ms before)",
    ]);
  });

  it('bytes that crossed the peer FIN and bytes sent once it arrived are two notes: the ACK tells them apart', () => {
    const h = harness();
    const c = new Conv();
    const t0 = Date.UTC(2024, 0, 1, 12, 0, 1, 200) * 1000;
    h.feed(c.handshake(), t0 - 10);
    const before = c.sSeq(); // what the client had received when the server closed
    h.feed(c.s('', { flags: FIN_ACK }), t0);
    h.feed(c.c('crossed', { ack: before }), t0 + 1); // does not ack the FIN: sent before it arrived
    h.feed(c.c('after'), t0 + 2); // acks the FIN: sent knowing the server had closed
    expect(shown(h.events).filter((e) => e.startsWith('note'))).toEqual([
      "note 1 the client's 7 bytes were in flight when the server closed (FIN 0.0 ms before)",
      'note 1 the client sent 5+ bytes after the server closed (FIN 0.0 ms before)',
    ]);
    expect(h.r.stats.bytesAfterPeerClose).toBe(12);
  });

  it('server data after a client half-close is TCP\'s usual half-close: not noted, not counted', () => {
    const h = harness();
    const c = new Conv();
    h.feed([...c.handshake(), c.c('q'), c.c('', { flags: FIN_ACK }), c.s('answer'), c.s('', { flags: FIN_ACK })]);
    expect(shown(h.events).slice(1)).toEqual(['data 1 c2s 0 "q"', 'half 1 c2s', 'data 1 s2c 0 "answer"', 'half 1 s2c', 'end 1 fin']);
    expect(h.r.stats.bytesAfterPeerClose).toBe(0);
    expect(h.r.stats.notes).toBe(0);
  });

  it('server data after a client half-close takes the fast path: no close rule applies to it', () => {
    const h = harness();
    const c = new Conv();
    h.feed([...c.handshake(), c.c('q'), c.c('', { flags: FIN_ACK })]);
    const before = h.r.stats.fastPathSegments;
    h.feed([c.s('answer'), c.s(' goes'), c.s(' on')]);
    expect(h.r.stats.fastPathSegments - before).toBe(3);
    expect(shown(h.events).slice(-3)).toEqual(['data 1 s2c 0 "answer"', 'data 1 s2c 6 " goes"', 'data 1 s2c 11 " on"']);
  });

  it('data beyond its own FIN is noted and dropped', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('done', { flags: FIN_ACK }));
    h.feed(c.c('zombie', { at: 5 }));
    h.feed(c.c('zombie2', { at: 11 }));
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "done"',
      'half 1 c2s',
      'note 1 the client sent 6 bytes after its own FIN (FIN at offset 4)',
    ]);
    expect(h.r.stats.bytesAfterOwnFin).toBe(6 + 7); // offsets 5..18
  });

  it('notes for people group the digits of their counts and offsets', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('x'.repeat(1200)));
    h.feed(c.c('', { at: 1200, flags: FIN_ACK }));
    h.feed(c.c('y'.repeat(1500), { at: 1201 }));
    expect(shown(h.events).at(-1)).toBe('note 1 the client sent 1,500 bytes after its own FIN (FIN at offset 1,200)');
  });

  it('a FIN whose sequence number lies inside delivered data: note the bytes beyond it, half-close now', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('abcdef'));
    h.feed(c.c('', { at: 3, flags: FIN_ACK }));
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "abcdef"',
      'note 1 the client sent 3 bytes after its own FIN (FIN at offset 3)',
      'half 1 c2s',
    ]);
  });

  it('data in a RST-ended flow: bytes in flight beyond the RST ack are noted', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('upload'));
    const rst = c.s('', { flags: RST_ACK, ack: c.cSeq(2) });
    h.feed(rst, Date.UTC(2024, 0, 1, 0, 0, 0, 0) * 1000);
    h.r.finish(1e18);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "upload"',
      "note 1 the client's 4 bytes were in flight when the server reset the connection (RST 0.0 ms before)",
      'end 1 rst (reset by server)',
    ]);
  });

  it('finish ends every open flow with detail capture ended', () => {
    const h = harness();
    const a = new Conv(1, 2, { addr: '10.0.0.1', port: 1 });
    const b = new Conv(1, 2, { addr: '10.0.0.1', port: 2 });
    h.feed([a.syn(), b.syn()]);
    h.r.finish(5);
    expect(shown(h.events).filter((s) => s.startsWith('end'))).toEqual([
      'end 1 timeout (capture ended)',
      'end 2 timeout (capture ended)',
    ]);
    h.r.finish(6); // idempotent
    expect(h.events).toHaveLength(4);
  });
});

describe('RST linger', () => {
  const T0 = Date.UTC(2024, 0, 1, 12, 0, 0, 0) * 1000;

  it('a SYN answered by a RST (no SYN-ACK, no bytes) ends as refused; a reset after the handshake does not', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.syn(), T0);
    h.feed(c.s('', { flags: RST_ACK, ack: c.cSeq(0) }), T0 + 50_000);
    h.r.finish(T0 + 9_000_000);
    expect(shown(h.events).slice(1)).toEqual([`end 1 rst (${REFUSED})`]);
    const established = new Conv(1, 2, { addr: '10.0.0.1', port: 2 });
    h.feed(established.handshake(), T0 + 10_000_000);
    h.feed(established.s('', { flags: RST_ACK }), T0 + 10_000_100);
    h.r.finish(T0 + 20_000_000);
    expect(shown(h.events).slice(-1)).toEqual(['end 2 rst (reset by server)']);
  });

  it('a client retrying a refused connection (its SYN again, same ISN, during the RST linger) is a new flow each time', () => {
    const h = harness();
    const c = new Conv();
    for (let attempt = 0; attempt < 3; attempt++) {
      h.feed(c.syn(), T0 + attempt * 500_000);
      h.feed(c.s('', { flags: RST_ACK, ack: c.cSeq(0) }), T0 + attempt * 500_000 + 50_000);
    }
    h.r.finish(T0 + 9_000_000);
    const ends = shown(h.events).filter((e) => e.startsWith('end '));
    expect(ends).toEqual([1, 2, 3].map((id) => `end ${id} rst (${REFUSED})`));
  });

  it('the peer data crossing a client RST is delivered with a note; the peer FIN ends the flow (rst)', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake(), T0);
    h.feed(c.c('request'), T0 + 1);
    h.feed(c.c('', { flags: FIN_ACK }), T0 + 2);
    h.feed(c.s('late reply', { ack: c.cSeq(7) }), T0 + 3); // after the client FIN
    h.feed(c.c('', { flags: RST_ACK, ack: c.sSeq() }), T0 + 4000);
    h.feed(c.s('alert', { ack: c.cSeq(7) }), T0 + 5000);
    h.feed(c.s('', { flags: FIN_ACK, ack: c.cSeq(0) }), T0 + 6000); // acks nothing: no note for c2s
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "request"',
      'half 1 c2s',
      'data 1 s2c 0 "late reply"',
      "note 1 the server's 5 bytes were in flight when the client reset the connection (RST 1.0 ms before)",
      'data 1 s2c 10 "alert"',
      'half 1 s2c',
      'end 1 rst (reset by client)',
    ]);
    const end = h.events[h.events.length - 1];
    expect(end.ts).toBe(T0 + 6000);
    expect(h.r.stats.bytesAfterPeerClose).toBe(0);
    expect(h.r.stats.openFlows).toBe(0);
  });

  it('without a FIN before it, the RST is the close the note names', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake(), T0);
    h.feed(c.c('GET'), T0 + 1);
    h.feed(c.c('', { flags: RST_ACK }), T0 + 2);
    h.feed(c.s('response'), T0 + 3);
    h.r.finish(T0 + 10);
    expect(shown(h.events).slice(1)).toEqual([
      'data 1 c2s 0 "GET"',
      "note 1 the server's 8 bytes were in flight when the client reset the connection (RST 0.0 ms before)",
      'data 1 s2c 0 "response"',
      'end 1 rst (reset by client)',
    ]);
    expect(h.events[h.events.length - 1].ts).toBe(T0 + 3); // the flow's last packet, not finish's ts
  });

  it('a later feed past the deadline ends the lingering flow first, at its last packet', () => {
    const h = harness({ rstLingerMicros: 100 });
    const a = new Conv(1000, 5000, { addr: '10.0.0.1', port: 1111 });
    const b = new Conv(2000, 6000, { addr: '10.0.0.1', port: 2222 });
    h.feed(a.handshake(), 10);
    h.feed(a.c('', { flags: RST_ACK }), 20);
    h.feed(a.s('in flight'), 60);
    h.feed(b.syn(), 120); // 120 - 20 = 100: not past the deadline yet
    expect(h.r.stats.openFlows).toBe(2);
    h.feed(b.synAck(), 121);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:1111>10.0.0.2:80 hs',
      expect.stringMatching(/^note 1 the server's 9 bytes were in flight when the client reset/),
      'data 1 s2c 0 "in flight"',
      'start 2 10.0.0.1:2222>10.0.0.2:80 hs',
      'end 1 rst (reset by client)',
    ]);
    expect(h.events[4].ts).toBe(60);
    h.feed(a.s('too late'), 130); // recently closed: ignored
    expect(h.r.stats.lateSegments).toBe(1);
    h.r.finish(200);
    checkContract(h.events);
  });

  it('expireIdle ends lingering flows whose deadline passed, even when no packet comes', () => {
    const h = harness({ rstLingerMicros: 100 });
    const c = new Conv();
    h.feed(c.handshake(), 10);
    h.feed(c.s('', { flags: RST_ACK }), 20);
    h.r.expireIdle(120);
    expect(h.r.stats.openFlows).toBe(1);
    h.r.expireIdle(121);
    expect(shown(h.events).slice(1)).toEqual(['end 1 rst (reset by server)']);
  });

  it('a RST from the other side ends the lingering flow at once; repeated RSTs of the same side do not', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.c('', { flags: RST_ACK }));
    h.feed(c.c('', { flags: RST_ACK })); // the same side again
    expect(h.r.stats.openFlows).toBe(1);
    h.feed(c.s('', { flags: TCP_RST }));
    expect(shown(h.events).slice(1)).toEqual(['end 1 rst (reset by client)']);
  });

  it('no linger when the other side had already finished sending, or with rstLingerMicros 0', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake());
    h.feed(c.s('bye', { flags: FIN_ACK }));
    h.feed(c.c('', { flags: RST_ACK }));
    expect(shown(h.events).slice(1)).toEqual(['data 1 s2c 0 "bye"', 'half 1 s2c', 'end 1 rst (reset by client)']);

    const z = harness({ rstLingerMicros: 0 });
    const d = new Conv();
    z.feed(d.handshake());
    z.feed(d.c('', { flags: RST_ACK }));
    z.feed(d.s('lost'));
    expect(shown(z.events).slice(1)).toEqual(['end 1 rst (reset by client)']);
    expect(z.r.stats.lateSegments).toBe(1);
  });

  it('a new SYN in the linger time ends the reset flow (rst) and starts a new one', () => {
    const h = harness();
    const c = new Conv();
    h.feed([...c.handshake(), c.c('one'), c.s('', { flags: RST_ACK })]);
    const d = new Conv(424242, 535353);
    h.feed([...d.handshake(), d.c('two')]);
    h.r.finish(1e12);
    expect(shown(h.events)).toEqual([
      'start 1 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 1 c2s 0 "one"',
      'end 1 rst (reset by server)',
      'start 2 10.0.0.1:40000>10.0.0.2:80 hs',
      'data 2 c2s 0 "two"',
      'end 2 timeout (capture ended)',
    ]);
  });

  it('a refused connection (SYN answered by RST, no bytes) ends at the RST, without lingering', () => {
    const ends: Array<[number, string | undefined]> = [];
    const r = new Reassembler({ rstLingerMicros: 1_000_000, emit: (e) => { if (e.type === 'flow-end') ends.push([e.ts, e.detail]); } });
    const c = new Conv(1000, 5000, { addr: '10.1.0.1', port: 40000 });
    r.feed(c.syn(), 100);
    r.feed(c.s('', { flags: RST_ACK }), 200);
    expect(ends).toEqual([[200, 'refused: the server answered the SYN with a reset']]);
    expect(r.stats.openFlows).toBe(0);
  });

  it('many lingering flows: each ends once, at its deadline, in order (queue compaction)', () => {
    const ends: Array<[number, number]> = [];
    const r = new Reassembler({
      rstLingerMicros: 1_000_000,
      emit: (e) => {
        if (e.type === 'flow-end') ends.push([e.flowId, e.ts]);
      },
    });
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const c = new Conv(1000, 5000, { addr: `10.1.${i >> 8}.${i & 255}`, port: 40000 });
      const ts = i * 1000; // one RST per ms: about 1000 flows linger at any time
      r.feed(c.syn(), ts);
      r.feed(c.synAck(), ts); // answered: not a refusal, which ends at once
      r.feed(c.s('', { flags: RST_ACK }), ts);
      if (i % 3 === 0) r.feed(c.c('', { flags: TCP_RST }), ts); // ends at once
    }
    // Still lingering at the last ts (4999 ms): RSTs at 3999..4999 ms (deadline not passed), minus every third.
    let lingering = 0;
    for (let i = 3999; i < n; i++) if (i % 3 !== 0) lingering++;
    expect(r.stats.openFlows).toBe(lingering);
    r.expireIdle(n * 1000 + 1_000_000);
    expect(ends).toHaveLength(n);
    expect(new Set(ends.map(([id]) => id)).size).toBe(n);
    expect(ends.filter(([id, ts]) => ts !== (id - 1) * 1000)).toEqual([]); // each at its RST's time
    // Deferred ends come in RST order.
    const deferred = ends.filter(([id]) => (id - 1) % 3 !== 0).map(([id]) => id);
    expect(deferred).toEqual([...deferred].sort((x, y) => x - y));
    expect(r.stats.openFlows).toBe(0);
  });
});

describe('idle expiry', () => {
  /** A one-packet flow from a distinct client address. */
  function ping(i: number): ReturnType<typeof mkSeg> {
    return mkSeg({ src: { addr: `10.2.${(i >> 8) & 255}.${i & 255}`, port: 30000 + (i >> 16) }, dst: SERVER, seq: 1, ack: 1, payload: 'x' });
  }

  it('ends a flow at the first scan past its timeout, at most a quarter step late, never early', () => {
    const T = 8000; // activity step 1000, scan step 250
    const rand = mulberry32(7);
    const endAt = new Map<number, number>();
    let now = 0;
    const r = new Reassembler({
      idleTimeoutMicros: T,
      closedLingerMicros: 0, // a packet after the end starts a new flow
      emit: (e) => {
        if (e.type === 'flow-end') endAt.set(e.flowId, now);
      },
    });
    const ids = new Map<number, number>(); // flow index -> id
    const lastActive = new Map<number, number>();
    const calls: number[] = [];
    for (let step = 0; step < 4000; step++) {
      now += Math.floor(rand() * 60);
      const i = Math.floor(rand() * 300);
      const before = r.stats.flows;
      r.feed(ping(i), now);
      if (r.stats.flows !== before) ids.set(i, r.stats.flows);
      const id = ids.get(i)!;
      if (!endAt.has(id)) lastActive.set(id, now); // else a late packet of the ended flow, ignored
      if (rand() < 0.2) {
        r.expireIdle(now);
        calls.push(now);
      }
    }
    for (const [id, last] of lastActive) {
      const ended = endAt.get(id);
      if (ended !== undefined) expect(ended - last, `flow ${id}`).toBeGreaterThan(T);
      // No call more than a quarter step past the timeout before the end (or at all, if still open).
      const tooLate = calls.find((c) => c - last > T + 250);
      if (tooLate !== undefined) expect(ended, `flow ${id}`).toBeDefined();
      if (tooLate !== undefined) expect(ended!).toBeLessThanOrEqual(tooLate);
    }
    expect(endAt.size).toBeGreaterThan(100);
    expect(r.stats.openFlows).toBeGreaterThan(0);
  });

  it('timestamps stepping back do not age a flow (the clock is the highest time fed)', () => {
    const h = harness({ idleTimeoutMicros: 1000 });
    const c = new Conv();
    h.feed(c.handshake(), 5000);
    h.feed(c.c('late stamp'), 100); // captured later, stamped earlier
    h.r.expireIdle(5900);
    expect(h.r.stats.openFlows).toBe(1);
    h.r.expireIdle(6001);
    expect(h.r.stats.openFlows).toBe(0);
  });

  it('called often with many open flows, expires none before their idle time, then all', () => {
    const r = new Reassembler({ emit: () => {} });
    const n = 10_000;
    for (let i = 0; i < n; i++) r.feed(ping(i), i);
    for (let k = 0; k < 20_000; k++) r.expireIdle(n + k * 25_000); // 20 000 calls over 500 s: none idle for 10 min
    expect(r.stats.openFlows).toBe(n);
    r.expireIdle(n + 10 * 60 * 1_000_000);
    expect(r.stats.openFlows).toBe(0);
  });
});

describe('open-flow cap (maxOpenFlows)', () => {
  const conv = (port: number): Conv => new Conv(1000, 5000, { addr: '10.0.0.1', port });

  it('a new flow beyond the cap ends the least recently active one (buffers flushed as gaps)', () => {
    const h = harness({ maxOpenFlows: 3, idleTimeoutMicros: 8000 }); // activity step 1000
    const [a, b, c, d] = [conv(1), conv(2), conv(3), conv(4)];
    h.feed(a.handshake(), 0);
    h.feed(b.handshake(), 10);
    h.feed(b.c('later', { at: 4 }), 11); // out of order: waits in the buffer
    h.feed(c.handshake(), 20);
    h.feed(a.c('a'), 2000); // a is active again
    h.feed(c.c('c'), 2500);
    h.events.length = 0;
    h.slowEvents.length = 0;
    h.feed(d.syn(), 3000);
    expect(shown(h.events)).toEqual([
      'gap 2 c2s 0 4',
      'data 2 c2s 4 "later"',
      'end 2 evicted (more than 3 open flows: the least recently active one ends)',
      'start 4 10.0.0.1:4>10.0.0.2:80 hs',
    ]);
    expect(h.r.stats.evictedFlows).toBe(1);
    expect(h.r.stats.openFlows).toBe(3);
    expect(h.r.stats.bufferedBytes).toBe(0);
    // The evicted flow is not remembered as closed: its next packet starts a new (guessed) flow.
    h.feed(b.c('more'), 3100);
    expect(shown(h.events).slice(-2)).toEqual([
      'end 1 evicted (more than 3 open flows: the least recently active one ends)',
      'start 5 10.0.0.1:2>10.0.0.2:80 guess',
    ]);
    h.r.finish(3200); // R3: the guessed flow's data waits until its start is settled
    expect(shown(h.events).filter((line) => line.startsWith('data 5'))).toEqual(['data 5 c2s 0 "more"']);
    expect(h.r.stats.lateSegments).toBe(0);
  });

  it('a flow lingering after a RST that is evicted ends with reason rst', () => {
    const h = harness({ maxOpenFlows: 1 });
    const [a, b] = [conv(1), conv(2)];
    h.feed([...a.handshake(), a.c('', { flags: RST_ACK })]);
    h.feed(b.syn());
    expect(shown(h.events).slice(1)).toEqual(['end 1 rst (reset by client)', 'start 2 10.0.0.1:2>10.0.0.2:80 hs']);
    expect(h.r.stats.evictedFlows).toBe(1);
  });

  it('random traffic: never above the cap, the evicted flow is within one step of the least recently active', () => {
    const cap = 50;
    const step = 1000; // idle timeout 8000 / 8
    const rand = mulberry32(99);
    const events: FlowEvent[] = [];
    const lastActive = new Map<number, number>(); // open flow id -> time of its last packet
    const idOfPort = new Map<number, number>();
    let now = 0;
    let checked = 0;
    /** Evictions of a flow not within one step of the least recently active. */
    const badEvictions: string[] = [];
    let maxOpen = 0;
    const r = new Reassembler({
      maxOpenFlows: cap,
      idleTimeoutMicros: 8000,
      emit: (e) => {
        events.push(e.type === 'data' ? { ...e, bytes: e.bytes.slice() } : e);
        if (e.type === 'flow-end' && e.reason === 'evicted') {
          const oldest = Math.min(...lastActive.values());
          const last = lastActive.get(e.flowId)!;
          if (!(last < oldest + step)) badEvictions.push(`flow ${e.flowId}: last active ${last}, oldest ${oldest}`);
          checked++;
        }
        if (e.type === 'flow-end') lastActive.delete(e.flowId);
        if (e.type === 'flow-start') {
          lastActive.set(e.flowId, now);
          idOfPort.set(e.key.client.port, e.flowId);
        }
      },
    });
    for (let k = 0; k < 20_000; k++) {
      now += Math.floor(rand() * 20);
      // A few hot ports, many cold ones.
      const port = 1 + (rand() < 0.5 ? Math.floor(rand() * 20) : Math.floor(rand() * 2000));
      const at = Math.floor(rand() * 3) * 10; // sometimes out of order: buffers to flush
      r.feed(mkSeg({ src: { addr: '10.0.0.1', port }, dst: SERVER, seq: 100 + at, ack: 1, payload: 'x'.repeat(10) }), now);
      const id = idOfPort.get(port);
      if (id !== undefined && lastActive.has(id)) lastActive.set(id, now);
      maxOpen = Math.max(maxOpen, r.stats.openFlows);
    }
    expect(maxOpen).toBeLessThanOrEqual(cap);
    expect(badEvictions).toEqual([]);
    r.finish(now + 1);
    checkContract(events);
    expect(checked).toBeGreaterThan(1000);
    expect(r.stats.evictedFlows).toBe(checked);
  });
});

describe('SYN flags', () => {
  it('a SYN-ACK on a fresh tuple is not confused with a new flow after its SYN', () => {
    const h = harness();
    h.feed(mkSeg({ src: CLIENT, dst: SERVER, seq: 10, flags: TCP_SYN }));
    h.feed(mkSeg({ src: SERVER, dst: CLIENT, seq: 20, ack: 11, flags: TCP_SYN | TCP_ACK }));
    h.feed(mkSeg({ src: SERVER, dst: CLIENT, seq: 20, ack: 11, flags: TCP_SYN | TCP_ACK })); // retransmitted
    h.r.finish(9);
    expect(h.r.stats.flows).toBe(1);
  });
});

describe('gap timestamps', () => {
  it('a gap found later is stamped with the arrival of the bytes after the hole, so a flow\'s times never run backwards', () => {
    const h = harness({ maxBufferedBytesPerFlow: 64 });
    const c = new Conv();
    h.feed(c.handshake(), 1_000);
    h.feed(c.c('a'.repeat(10)), 2_000);
    // 10 bytes lost; what follows waits in the buffer until the bound forces a skip
    h.feed(c.c('b'.repeat(40), { at: 20 }), 3_000);
    h.feed(c.c('c'.repeat(40), { at: 60 }), 9_000);
    const stamps = h.events.filter((e) => e.type === 'data' || e.type === 'gap').map((e) => `${e.type}@${e.ts}`);
    expect(stamps).toEqual(['data@2000', 'gap@3000', 'data@3000', 'data@9000']);
  });

  it('bytes delivered after a gap are stamped no earlier than the bytes before them (R5)', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake(), 1_000);
    h.feed(c.c('a'.repeat(10)), 2_000);
    // 10 bytes lost; the last piece arrives before the one before it, both wait until the end.
    h.feed(c.c('c'.repeat(40), { at: 60 }), 3_000);
    h.feed(c.c('b'.repeat(40), { at: 20 }), 4_000);
    h.r.finish(9_000);
    const stamps = h.events.filter((e) => e.type === 'data' || e.type === 'gap').map((e) => `${e.type}@${e.ts}`);
    expect(stamps).toEqual(['data@2000', 'gap@4000', 'data@4000', 'data@4000']);
  });

  it('a gap found later is stamped no earlier than the bytes before it that came after what it precedes (R5)', () => {
    const h = harness();
    const c = new Conv();
    h.feed(c.handshake(), 1_000);
    // The bytes after the hole arrive first, those before it next; the hole is declared at the end.
    h.feed(c.c('c'.repeat(40), { at: 20 }), 3_000);
    h.feed(c.c('a'.repeat(10), { at: 0 }), 5_000);
    h.r.finish(9_000);
    const stamps = h.events.filter((e) => e.type === 'data' || e.type === 'gap').map((e) => `${e.type}@${e.ts}`);
    expect(stamps).toEqual(['data@5000', 'gap@5000', 'data@5000']);
  });
});
