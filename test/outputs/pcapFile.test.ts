import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCapture } from '../../src/engine/captureRun.js';
import { REFUSED, type Direction, type FlowEvent } from '../../src/core/types.js';
import { UserError } from '../../src/core/errors.js';
import { openPcapFileOutput, PcapOutput } from '../../src/outputs/pcapFile.js';
import { RecordingProxy } from '../../src/proxy/proxy.js';
import { Recorder, connect, pseudoRandomBytes, readAll, startServer, stopServer } from '../proxy/helpers.js';
import { cannotRun, missingTool } from '../support/requirements.js';
import { decodeTcpFrame, readPcap } from '../support/pcapCheck.js';

const dir = mkdtempSync(join(tmpdir(), 'flowspy-pcapout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `events` through a PcapOutput into a file; returns its path. */
function writeEvents(name: string, events: FlowEvent[]): string {
  const path = join(dir, name);
  const out = openPcapFileOutput(path);
  for (const e of events) out.handle(e);
  out.close();
  return path;
}

/** What flowspy's own capture engine reassembles from a file: bytes per flow and direction. */
async function reassemble(path: string) {
  const flows = new Map<number, { start?: FlowEvent; c2s: Buffer[]; s2c: Buffer[]; end?: FlowEvent; gaps: number }>();
  await runCapture({
    source: path,
    sinks: [(e) => {
      let f = flows.get(e.flowId);
      if (!f) { f = { c2s: [], s2c: [], gaps: 0 }; flows.set(e.flowId, f); }
      if (e.type === 'flow-start') f.start = e;
      if (e.type === 'data') f[e.dir].push(Buffer.from(e.bytes));
      if (e.type === 'gap') f.gaps++;
      if (e.type === 'flow-end') f.end = e;
    }],
  });
  return flows;
}

/** `tshark -qz follow,tcp,raw,N`: node-0 → node-1 bytes, node-1 → node-0 bytes, and node 0. */
function tsharkFollow(path: string, stream: number): { node0: string; fromNode0: Buffer; fromNode1: Buffer } {
  const run = spawnSync('tshark', ['-r', path, '-qz', `follow,tcp,raw,${stream}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(run.status).toBe(0);
  const lines = run.stdout.split('\n');
  const node0 = (lines.find((l) => l.startsWith('Node 0: ')) ?? '').slice(8);
  const nodeLine = lines.findIndex((l) => l.startsWith('Node 1: '));
  const a: string[] = [];
  const b: string[] = [];
  for (const line of lines.slice(nodeLine + 1)) {
    if (line.startsWith('====')) break;
    if (line.startsWith('\t')) b.push(line.trim());
    else if (line.length > 0) a.push(line.trim());
  }
  return { node0, fromNode0: Buffer.from(a.join(''), 'hex'), fromNode1: Buffer.from(b.join(''), 'hex') };
}

const key = (client: string, cport: number, server: string, sport: number) =>
  ({ client: { addr: client, port: cport }, server: { addr: server, port: sport } });

describe('PcapOutput', () => {
  const big = pseudoRandomBytes(10_000, 5);
  const reply = pseudoRandomBytes(3_001, 6);
  const events: FlowEvent[] = [
    { type: 'flow-start', flowId: 1, key: key('10.0.0.1', 40000, '10.0.0.2', 80), ts: 1_700_000_000_000_000, origin: 'proxy', sawHandshake: true },
    { type: 'data', flowId: 1, dir: 'c2s', offset: 0, bytes: big, length: big.length, ts: 1_700_000_000_000_100, fileOffset: -1 },
    { type: 'data', flowId: 1, dir: 's2c', offset: 0, bytes: reply, length: reply.length, ts: 1_700_000_000_000_200, fileOffset: -1 },
    { type: 'half-close', flowId: 1, dir: 'c2s', ts: 1_700_000_000_000_300 },
    { type: 'data', flowId: 1, dir: 's2c', offset: 3_001, bytes: big.subarray(0, 5), length: 5, ts: 1_700_000_000_000_400, fileOffset: -1 },
    { type: 'half-close', flowId: 1, dir: 's2c', ts: 1_700_000_000_000_500 },
    { type: 'flow-end', flowId: 1, ts: 1_700_000_000_000_600, reason: 'fin', detail: undefined },
    // IPv6 flow ended by a reset from the client.
    { type: 'flow-start', flowId: 2, key: key('2001:db8::1', 50000, '2001:db8::2', 443), ts: 1_700_000_000_001_000, origin: 'proxy', sawHandshake: true },
    { type: 'data', flowId: 2, dir: 'c2s', offset: 0, bytes: Buffer.from('hello over v6'), length: 13, ts: 1_700_000_000_001_100, fileOffset: -1 },
    { type: 'flow-end', flowId: 2, ts: 1_700_000_000_001_200, reason: 'rst', detail: 'client reset the connection' },
    // Mixed families (IPv4 client, IPv6 upstream), and a failed connect to a name.
    { type: 'flow-start', flowId: 3, key: key('127.0.0.1', 40001, '::1', 8080), ts: 1_700_000_000_002_000, origin: 'proxy', sawHandshake: true },
    { type: 'data', flowId: 3, dir: 's2c', offset: 0, bytes: Buffer.from('mixed'), length: 5, ts: 1_700_000_000_002_100, fileOffset: -1 },
    { type: 'flow-end', flowId: 3, ts: 1_700_000_000_002_200, reason: 'fin', detail: undefined },
    { type: 'flow-start', flowId: 4, key: key('127.0.0.1', 40002, 'no-such-host.invalid', 80), ts: 1_700_000_000_003_000, origin: 'proxy', sawHandshake: true },
    { type: 'note', flowId: 4, ts: 1_700_000_000_003_000, text: 'upstream connect failed' },
    { type: 'flow-end', flowId: 4, ts: 1_700_000_000_003_100, reason: 'error', detail: 'getaddrinfo ENOTFOUND' },
  ];

  it('writes flows that flowspy\'s own capture engine reassembles to the same bytes', async () => {
    const path = writeEvents('synthetic.pcap', events);
    const flows = await reassemble(path);
    const byClientPort = (port: number) => [...flows.values()].find((f) => f.start?.type === 'flow-start' && f.start.key.client.port === port)!;
    const f1 = byClientPort(40000);
    expect(f1.start).toMatchObject({ sawHandshake: true, key: key('10.0.0.1', 40000, '10.0.0.2', 80) });
    expect(f1.start?.ts).toBe(1_700_000_000_000_000);
    expect(Buffer.concat(f1.c2s).equals(big)).toBe(true);
    expect(Buffer.concat(f1.s2c).equals(Buffer.concat([reply, big.subarray(0, 5)]))).toBe(true);
    expect(f1.end).toMatchObject({ reason: 'fin' });
    expect(f1.gaps).toBe(0);
    const f2 = byClientPort(50000);
    expect(f2.start).toMatchObject({ key: key('2001:db8::1', 50000, '2001:db8::2', 443) });
    expect(Buffer.concat(f2.c2s).toString()).toBe('hello over v6');
    expect(f2.end).toMatchObject({ reason: 'rst' });
    const f3 = byClientPort(40001);
    expect(f3.start).toMatchObject({ key: key('::ffff:127.0.0.1', 40001, '::1', 8080) });
    expect(Buffer.concat(f3.s2c).toString()).toBe('mixed');
    const f4 = byClientPort(40002);
    expect(f4.start).toMatchObject({ key: key('127.0.0.1', 40002, '0.0.0.0', 80) });
    expect(f4.end).toMatchObject({ reason: 'rst' });
    expect(flows.size).toBe(4);
  });

  it('a refused connection: the SYN and the reset answering it, read back as refused', async () => {
    const path = writeEvents('refused.pcap', [
      { type: 'flow-start', flowId: 5, key: key('127.0.0.1', 40003, '127.0.0.1', 9999), ts: 1_700_000_000_004_000, origin: 'proxy', sawHandshake: true },
      { type: 'flow-end', flowId: 5, ts: 1_700_000_000_004_100, reason: 'rst', detail: REFUSED },
    ]);
    const frames = readPcap(readFileSync(path)).records.map((r) => decodeTcpFrame(r.captured));
    expect(frames.map((f) => `${f.srcPort} > ${f.dstPort} ${f.flags.toString(16)}`)).toEqual(['40003 > 9999 2', '9999 > 40003 14']);
    const [flow] = (await reassemble(path)).values();
    expect(flow.end).toMatchObject({ reason: 'rst', detail: REFUSED });
  });

  it('the last FIN is ACKed when the flow ends closed; a reset from the side that would ACK it replaces the ACK', () => {
    const ended = (reason: 'fin' | 'rst', detail: string | undefined) => {
      const path = writeEvents(`last-fin-${reason}.pcap`, [
        { type: 'flow-start', flowId: 7, key: key('10.0.0.1', 40005, '10.0.0.2', 80), ts: 1_700_000_000_006_000, origin: 'proxy', sawHandshake: true },
        { type: 'half-close', flowId: 7, dir: 's2c', ts: 1_700_000_000_006_100 },
        { type: 'half-close', flowId: 7, dir: 'c2s', ts: 1_700_000_000_006_200 },
        { type: 'flow-end', flowId: 7, ts: 1_700_000_000_006_300, reason, detail },
      ]);
      // After the handshake: who sent what (F FIN, A ACK, R RST).
      const name = (f: { flags: number }) => (f.flags & 0x01 ? 'F' : f.flags & 0x04 ? 'R' : 'A');
      return readPcap(readFileSync(path)).records.slice(3).map((r) => decodeTcpFrame(r.captured)).map((f) => `${f.srcPort === 80 ? 's' : 'c'}${name(f)}`);
    };
    expect(ended('fin', undefined)).toEqual(['sF', 'cA', 'cF', 'sA']);
    expect(ended('rst', 'server reset the connection')).toEqual(['sF', 'cA', 'cF', 'sR']);
    expect(ended('rst', 'client reset the connection')).toEqual(['sF', 'cA', 'cF', 'sA', 'cR']);
  });

  it('a running output writes its packets out within a second, not only at its close', () => {
    vi.useFakeTimers();
    try {
      const path = join(dir, 'flushed.pcap');
      const out = openPcapFileOutput(path);
      const hello = Buffer.from('hello');
      out.handle({ type: 'flow-start', flowId: 9, key: key('10.0.0.1', 40007, '10.0.0.2', 80), ts: 1_700_000_000_008_000, origin: 'proxy', sawHandshake: true });
      out.handle({ type: 'data', flowId: 9, dir: 'c2s', offset: 0, bytes: hello, length: hello.length, ts: 1_700_000_000_008_100, fileOffset: -1 });
      // The file header alone until the timer: the packets wait in the writer's buffer.
      expect(statSync(path).size).toBe(24);
      vi.advanceTimersByTime(1000);
      expect(readPcap(readFileSync(path)).records.map((r) => decodeTcpFrame(r.captured).payload.length)).toEqual([0, 0, 0, 5, 0]);
      out.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('bytes sent to a side that had closed: its ACK waits too, and its reset replaces it', () => {
    const quit = Buffer.from('QUIT\r\n');
    const path = writeEvents('after-fin-rst.pcap', [
      { type: 'flow-start', flowId: 8, key: key('10.0.0.1', 40006, '10.0.0.2', 25), ts: 1_700_000_000_007_000, origin: 'proxy', sawHandshake: true },
      { type: 'half-close', flowId: 8, dir: 's2c', ts: 1_700_000_000_007_100 },
      { type: 'data', flowId: 8, dir: 'c2s', offset: 0, bytes: quit, length: quit.length, ts: 1_700_000_000_007_200, fileOffset: -1 },
      { type: 'flow-end', flowId: 8, ts: 1_700_000_000_007_300, reason: 'rst', detail: 'server reset the connection' },
    ]);
    const name = (f: { flags: number; payload: Uint8Array }) => (f.flags & 0x01 ? 'F' : f.flags & 0x04 ? 'R' : f.payload.length > 0 ? 'D' : 'A');
    const frames = readPcap(readFileSync(path)).records.slice(3).map((r) => decodeTcpFrame(r.captured));
    expect(frames.map((f) => `${f.srcPort === 25 ? 's' : 'c'}${name(f)}`)).toEqual(['sF', 'cA', 'cD', 'sR']);
  });

  it('a flow still open when the capture ended, or idle, ends with no packet: no reset is made up', async () => {
    const data = Buffer.from('MAIL FROM:<a@b>\r\n');
    const path = writeEvents('open.pcap', [
      { type: 'flow-start', flowId: 6, key: key('10.0.0.1', 40004, '10.0.0.2', 25), ts: 1_700_000_000_005_000, origin: 'capture', sawHandshake: true },
      { type: 'data', flowId: 6, dir: 'c2s', offset: 0, length: data.length, bytes: data, ts: 1_700_000_000_005_100, fileOffset: -1 },
      { type: 'flow-end', flowId: 6, ts: 1_700_000_000_005_100, reason: 'timeout', detail: 'capture ended' },
    ]);
    const frames = readPcap(readFileSync(path)).records.map((r) => decodeTcpFrame(r.captured));
    expect(frames.some((f) => (f.flags & 0x04) !== 0)).toBe(false);
    const [flow] = (await reassemble(path)).values();
    expect(flow.end).toMatchObject({ reason: 'timeout', detail: 'capture ended' });
  });

  it('a proxied client whose upstream timed out: its SYN only, the bytes that went nowhere left out; a refused one: SYN, RST', () => {
    const hello = Buffer.from('GET / HTTP/1.0\r\n\r\n');
    const path = writeEvents('upstream-failed.pcap', [
      { type: 'flow-start', flowId: 5, key: key('127.0.0.1', 40003, '10.255.255.1', 80), ts: 1_700_000_000_004_000, origin: 'proxy', sawHandshake: true, connecting: true },
      { type: 'data', flowId: 5, dir: 'c2s', offset: 0, bytes: hello, length: hello.length, ts: 1_700_000_000_005_000, fileOffset: -1 },
      { type: 'half-close', flowId: 5, dir: 'c2s', ts: 1_700_000_000_006_000 },
      { type: 'flow-end', flowId: 5, ts: 1_700_000_010_004_000, reason: 'rst', detail: 'upstream 10.255.255.1:80 timed out: ETIMEDOUT' },
      { type: 'flow-start', flowId: 6, key: key('127.0.0.1', 40004, '127.0.0.1', 9), ts: 1_700_000_011_000_000, origin: 'proxy', sawHandshake: true, connecting: true },
      { type: 'data', flowId: 6, dir: 'c2s', offset: 0, bytes: hello, length: hello.length, ts: 1_700_000_011_000_100, fileOffset: -1 },
      { type: 'flow-end', flowId: 6, ts: 1_700_000_011_000_200, reason: 'rst', detail: 'upstream 127.0.0.1:9 refused: ECONNREFUSED' },
    ]);
    const frames = readPcap(readFileSync(path)).records.map((r) => decodeTcpFrame(r.captured));
    expect(frames.map((f) => `${f.srcPort} > ${f.dstPort} ${f.flags.toString(16)}`)).toEqual(['40003 > 80 2', '40004 > 9 2', '9 > 40004 14']);
  });

  it('a proxied client whose upstream took its time: its bytes and FIN written after the SYN-ACK, when they were relayed', () => {
    const hello = Buffer.from('GET / HTTP/1.0\r\n\r\n');
    const path = writeEvents('upstream-slow.pcap', [
      { type: 'flow-start', flowId: 5, key: key('127.0.0.1', 40003, '127.0.0.1', 8080), ts: 1_700_000_000_000_000, origin: 'proxy', sawHandshake: true, connecting: true },
      { type: 'data', flowId: 5, dir: 'c2s', offset: 0, bytes: hello, length: hello.length, ts: 1_700_000_000_100_000, fileOffset: -1 },
      { type: 'half-close', flowId: 5, dir: 'c2s', ts: 1_700_000_000_200_000 },
      { type: 'connected', flowId: 5, ts: 1_700_000_002_000_000, server: { addr: '127.0.0.1', port: 8080 } },
      { type: 'flow-end', flowId: 5, ts: 1_700_000_002_100_000, reason: 'rst', detail: 'server reset the connection' },
    ]);
    const records = readPcap(readFileSync(path)).records;
    const frames = records.map((r) => decodeTcpFrame(r.captured));
    expect(frames.map((f) => `${f.srcPort} > ${f.dstPort} ${f.flags.toString(16)}`)).toEqual([
      '40003 > 8080 2', '8080 > 40003 12', '40003 > 8080 10', '40003 > 8080 18', '8080 > 40003 10', '40003 > 8080 11', '8080 > 40003 10', '8080 > 40003 14',
    ]);
    expect(records.map((r) => r.tsSeconds)).toEqual([1_700_000_000, 1_700_000_002, 1_700_000_002, 1_700_000_002, 1_700_000_002, 1_700_000_002, 1_700_000_002, 1_700_000_002]);
  });

  it('a proxied flow whose upstream is named by host: written to the address connected to', () => {
    const path = writeEvents('upstream-named.pcap', [
      { type: 'flow-start', flowId: 5, key: key('127.0.0.1', 40003, 'localhost', 8080), ts: 1_700_000_000_000_000, origin: 'proxy', sawHandshake: true, connecting: true },
      { type: 'connected', flowId: 5, ts: 1_700_000_000_001_000, server: { addr: '127.0.0.2', port: 8080 } },
      { type: 'flow-end', flowId: 5, ts: 1_700_000_000_002_000, reason: 'fin', detail: undefined },
    ]);
    const frames = readPcap(readFileSync(path)).records.map((r) => decodeTcpFrame(r.captured));
    expect(frames.map((f) => `${f.src}.${f.srcPort} > ${f.dst}.${f.dstPort} ${f.flags.toString(16)}`)).toEqual([
      '127.0.0.1.40003 > 127.0.0.2.8080 2', '127.0.0.2.8080 > 127.0.0.1.40003 12', '127.0.0.1.40003 > 127.0.0.2.8080 10',
      '127.0.0.1.40003 > 127.0.0.2.8080 11', '127.0.0.2.8080 > 127.0.0.1.40003 10', '127.0.0.2.8080 > 127.0.0.1.40003 11', '127.0.0.1.40003 > 127.0.0.2.8080 10',
    ]);
  });

  it('a SYN-ACK waits for the flow\'s next event; the file stays in time order', () => {
    const path = writeEvents('order.pcap', [
      { type: 'flow-start', flowId: 6, key: key('10.0.0.1', 1, '10.0.0.2', 2), ts: 1000, origin: 'proxy', sawHandshake: true },
      { type: 'flow-start', flowId: 7, key: key('10.0.0.1', 3, '10.0.0.2', 4), ts: 2000, origin: 'proxy', sawHandshake: true },
      { type: 'data', flowId: 7, dir: 'c2s', offset: 0, bytes: Buffer.from('x'), length: 1, ts: 3000, fileOffset: -1 },
      { type: 'data', flowId: 6, dir: 'c2s', offset: 0, bytes: Buffer.from('y'), length: 1, ts: 4000, fileOffset: -1 },
    ]);
    const records = readPcap(readFileSync(path)).records;
    const times = records.map((r) => r.tsSeconds * 1e6 + r.tsFraction);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(records.map((r) => decodeTcpFrame(r.captured).srcPort)).toEqual([1, 3, 4, 3, 3, 4, 2, 1, 1, 2]);
  });

  it('flows written one after another (w): a late SYN-ACK never comes after its flow\'s next packet', () => {
    const path = writeEvents('replayed.pcap', [
      { type: 'flow-start', flowId: 8, key: key('10.0.0.1', 1, '10.0.0.2', 2), ts: 1000, origin: 'proxy', sawHandshake: true },
      { type: 'flow-start', flowId: 9, key: key('10.0.0.1', 3, '10.0.0.2', 4), ts: 2000, origin: 'proxy', sawHandshake: true },
      { type: 'data', flowId: 8, dir: 'c2s', offset: 0, bytes: Buffer.from('x'), length: 1, ts: 9000, fileOffset: -1 },
      { type: 'data', flowId: 9, dir: 'c2s', offset: 0, bytes: Buffer.from('y'), length: 1, ts: 3000, fileOffset: -1 },
    ]);
    const flow9 = readPcap(readFileSync(path)).records
      .filter((r) => [3, 4].includes(decodeTcpFrame(r.captured).srcPort))
      .map((r) => r.tsSeconds * 1e6 + r.tsFraction);
    expect(flow9).toEqual([2000, 3000, 3000, 3000, 3000]);
  });

  it('cuts data into MSS-sized segments', async () => {
    const path = writeEvents('mss.pcap', events.slice(0, 7));
    const run = spawnSync('tcpdump', ['-nn', '-r', path], { encoding: 'utf8' });
    if (run.status !== 0) return expect.fail(`tcpdump failed: ${run.stderr}`);
    const lengths = [...run.stdout.matchAll(/length (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...lengths)).toBe(1460);
    expect(lengths.filter((l) => l > 0).reduce((a, b) => a + b, 0)).toBe(big.length + reply.length + 5);
  });

  it('reports an unwritable path as a UserError', () => {
    expect(() => openPcapFileOutput(join(dir, 'missing', 'x.pcap'))).toThrow(UserError);
  });

  it.skipIf(!existsSync('/dev/full'))('says at once that a full device takes nothing, in one plain line, then ignores events', () => {
    const output = openPcapFileOutput('/dev/full');
    const heard: Error[] = [];
    output.onFailure((err) => heard.push(err));
    expect(heard.map((e) => e.message)).toEqual(['cannot write /dev/full: no space left on device']);
    expect(heard[0]).toBeInstanceOf(UserError);
    for (const e of events) output.handle(e);
    expect(() => output.close()).toThrow(/^cannot write \/dev\/full: no space left on device$/);
    expect(heard.length).toBe(1);
  });

  it('stops at the first failed write: thrown once by that handle(), told to the listener, later events ignored', () => {
    let writes = 0;
    const failing = {
      writePacket: () => {
        if (++writes > 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    const output = new PcapOutput(failing, { name: 'x.pcap' });
    const heard: Error[] = [];
    output.onFailure((err) => heard.push(err));
    let thrown = 0;
    for (const e of events) {
      try {
        output.handle(e);
      } catch (err) {
        thrown++;
        expect((err as Error).message).toBe('cannot write x.pcap: no space left on device');
      }
    }
    expect(thrown).toBe(1);
    expect(writes).toBe(4);
    expect(heard.map((e) => e.message)).toEqual(['cannot write x.pcap: no space left on device']);
  });

  it.skipIf(cannotRun(missingTool('tshark'), 'proxied flows in tshark'))('records real proxied flows that tshark follows back to exactly the relayed bytes', async () => {
    const { server, port: serverPort } = await startServer((s) => {
      const parts: Buffer[] = [];
      s.on('data', (c: Buffer) => {
        parts.push(c);
        if (c.includes('RESET')) s.resetAndDestroy();
      });
      s.on('end', () => s.end(Buffer.concat([Buffer.from('echo:'), ...parts])));
    });
    const recorder = new Recorder();
    const path = join(dir, 'proxied.pcap');
    const output = openPcapFileOutput(path);
    let nextId = 1;
    const proxy = new RecordingProxy({
      spec: { bindAddress: '127.0.0.1', bindPort: 0, targetHost: '127.0.0.1', targetPort: serverPort },
      emit: (e) => { recorder.sink(e); output.handle(e); },
      nextFlowId: () => nextId++,
    });
    const { port } = await proxy.listen();
    try {
      const clientPorts: number[] = [];
      for (const size of [5, 4_000, 300_000]) {
        const client = await connect(port);
        clientPorts.push(client.localPort!);
        const got = readAll(client);
        client.end(pseudoRandomBytes(size, size));
        await got;
      }
      const resetClient = await connect(port);
      clientPorts.push(resetClient.localPort!);
      resetClient.on('error', () => undefined);
      resetClient.write('RESET please');
      await new Promise<void>((resolve) => resetClient.once('close', () => resolve()));
      await recorder.waitForEnded(4);
    } finally {
      await proxy.close();
      await stopServer(server);
      output.close();
    }
    expect(recorder.violations).toEqual([]);
    for (let stream = 0; stream < 4; stream++) {
      const follow = tsharkFollow(path, stream);
      const clientPort = Number(follow.node0.split(':').pop());
      const [flowId, flow] = recorder.flowByClientPort(clientPort);
      const expected = (dir: Direction) => recorder.bytesOf(flowId, dir);
      expect(follow.fromNode0.equals(expected('c2s'))).toBe(true);
      expect(follow.fromNode1.equals(expected('s2c'))).toBe(true);
      expect(flow.bytes.c2s).toBeGreaterThan(0);
    }
    const summary = spawnSync('tshark', ['-r', path, '-qz', 'conv,tcp'], { encoding: 'utf8' });
    expect(summary.stdout.match(/127\.0\.0\.1:\d+\s+<->\s+127\.0\.0\.1:\d+/g)?.length).toBe(4);
    // No analysis complaints: no lost segments, no bad checksums.
    const expert = spawnSync('tshark', [
      '-r', path, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
      '-Y', 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || tcp.analysis.retransmission || tcp.analysis.out_of_order || tcp.checksum.status == 0 || ip.checksum.status == 0',
    ], { encoding: 'utf8' });
    expect(expert.status).toBe(0);
    expect(expert.stdout.trim()).toBe('');
  });
});

