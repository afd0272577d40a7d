/**
 * Live capture on the loopback interface (needs root or CAP_NET_RAW, and the pcap binding):
 * a real TCP exchange between a node:net server and client, captured with a kernel filter,
 * decoded and reassembled, and the flow checked from its events. The pure helpers (link type
 * names, error wording) are tested everywhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { getEventListeners, once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOpenError, linkTypeNumber, liveCaptureUnavailableReason, listInterfaces, openLiveCapture, type LiveCapture } from '../../src/capture/live.js';
import { UserError } from '../../src/core/errors.js';
import type { FlowEvent } from '../../src/core/types.js';
import { PacketDecoder } from '../../src/decode/decoder.js';
import { runLive } from '../../src/engine/liveRun.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';
import { repoRoot } from '../corpus/references.js';
import { cannotRun } from '../support/requirements.js';

const unavailable = liveCaptureUnavailableReason();
const notRoot = typeof process.getuid === 'function' && process.getuid() !== 0;
const skipReason = unavailable ?? (notRoot ? 'not root: live capture needs root or CAP_NET_RAW' : undefined);
const bin = join(repoRoot, 'bin', 'flowspy');

describe('live capture helpers', () => {
  it('maps node_pcap link type names to LINKTYPE numbers', () => {
    expect(linkTypeNumber('LINKTYPE_ETHERNET')).toBe(1);
    expect(linkTypeNumber('LINKTYPE_NULL')).toBe(0);
    expect(linkTypeNumber('LINKTYPE_RAW')).toBe(101);
    expect(linkTypeNumber('LINKTYPE_LINUX_SLL')).toBe(113);
    expect(linkTypeNumber('LINKTYPE_IEEE802_11_RADIO')).toBe(127);
    expect(linkTypeNumber('Unknown linktype 276')).toBe(276);
    expect(linkTypeNumber('something else')).toBe(-1);
  });

  it('words libpcap open errors as one line a user can act on', () => {
    expect(describeOpenError('nosuchdev0', undefined, 'No such device exists')).toBe('no such interface: nosuchdev0 (flowspy -D lists them)');
    expect(describeOpenError('eth0', undefined, "eth0: You don't have permission to capture on that device (socket: Operation not permitted)"))
      .toBe('live capture on eth0 needs root or CAP_NET_RAW');
    expect(describeOpenError('eth1', undefined, 'That device is not up')).toBe('interface eth1 is down');
    expect(describeOpenError('lo', 'tcp port and', "can't parse filter expression: syntax error"))
      .toBe('bad capture filter "tcp port and": can\'t parse filter expression: syntax error');
    expect(describeOpenError('lo', undefined, 'error setting buffer size')).toBe('cannot capture on lo: error setting buffer size');
    // a device that cannot be opened, whatever libpcap says, when the filter is not at fault
    expect(describeOpenError('bluetooth0', undefined, "Can't create raw socket: Address family not supported by protocol"))
      .toBe("cannot capture on bluetooth0: Can't create raw socket: Address family not supported by protocol");
  });
});

describe('without the pcap binding', () => {
  it('-i says how to build it in one line (exit 2); -r still works', () => {
    // A preload script makes the binding unresolvable, as when `npm install` could not build it.
    const dir = mkdtempSync(join(tmpdir(), 'flowspy-nopcap-'));
    try {
      const hook = join(dir, 'no-pcap.cjs');
      writeFileSync(hook, `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/(^|\\/)pcap(\\/|$)/.test(request)) { const e = new Error("Cannot find module '" + request + "'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
  return resolve.call(this, request, ...rest);
};
`);
      const run = (args: string[]) => spawnSync(process.execPath, ['--require', hook, bin, ...args], { encoding: 'utf8', timeout: 20_000 });
      const live = run(['-i', 'lo']);
      expect({ code: live.status, stdout: live.stdout, stderr: live.stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr: 'flowspy: live capture needs the pcap module built against libpcap: apt-get install libpcap-dev, then npm rebuild pcap\n',
      });
      const list = run(['-D']);
      expect(list.status).toBe(2);
      expect(list.stderr).toMatch(/^flowspy: live capture needs the pcap module[^\n]*\n$/);
      const file = run(['-r', join(repoRoot, 'demo', 'demo.pcap'), '-q']);
      expect(file.status).toBe(0);
      expect(file.stdout).toMatch(/^=connect from /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A loopback server that answers `reply` to whatever it gets, then closes its side. */
async function startServer(reply: Buffer): Promise<{ server: Server; port: number; received: Promise<Buffer> }> {
  let resolveReceived!: (b: Buffer) => void;
  const received = new Promise<Buffer>((r) => (resolveReceived = r));
  const server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => {
      resolveReceived(Buffer.concat(chunks));
      socket.end(reply);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, received };
}

/** Connects, sends `request`, half-closes, reads the reply to the end. */
async function exchange(port: number, request: Buffer): Promise<{ reply: Buffer; clientPort: number }> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const clientPort = socket.localPort!;
  const chunks: Buffer[] = [];
  socket.on('data', (c) => chunks.push(c));
  socket.end(request);
  await once(socket, 'close');
  return { reply: Buffer.concat(chunks), clientPort };
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe.skipIf(cannotRun(skipReason, 'live capture on lo'))('live capture on lo', () => {
  it('lists interfaces, lo among them', () => {
    const lo = listInterfaces().find((i) => i.name === 'lo');
    expect(lo).toBeDefined();
    expect(lo!.loopback).toBe(true);
    expect(lo!.addresses).toContain('127.0.0.1');
  });

  it('captures a loopback exchange and reassembles it: both directions, handshake, FINs', async () => {
    const request = Buffer.from('GET /live HTTP/1.0\r\nHost: lo\r\n\r\n' + 'x'.repeat(3000));
    const reply = Buffer.from('HTTP/1.0 200 OK\r\n\r\n' + 'y'.repeat(1_000_000));
    const { server, port, received } = await startServer(reply);
    const events: FlowEvent[] = [];
    const bytes = { c2s: [] as Buffer[], s2c: [] as Buffer[] };
    const reassembler = new Reassembler({
      emit: (e) => {
        events.push(e.type === 'data' ? { ...e, bytes: new Uint8Array(0) } : e);
        if (e.type === 'data') bytes[e.dir].push(Buffer.from(e.bytes)); // copy: valid only during the call
      },
    });
    const decoder = new PacketDecoder((segment, ts) => reassembler.feed(segment, ts));
    let packets = 0;
    let offsetsOk = true;
    const errors: unknown[] = [];
    let batches = 0;
    const capture: LiveCapture = openLiveCapture({
      device: 'lo',
      filter: `tcp port ${port}`,
      pollIntervalMs: 20,
      onPacket: (p) => {
        packets++;
        if (p.fileOffset !== -1 || p.interfaceId !== 0 || p.end - p.start > p.origLen) offsetsOk = false;
        if (Math.abs(p.ts / 1000 - Date.now()) > 10_000) offsetsOk = false;
        decoder.decode(p);
      },
      onBatchEnd: () => batches++,
      onError: (err) => errors.push(err),
    });
    try {
      expect(capture.linkType).toBe(1); // Linux loopback is captured as Ethernet
      const { reply: got, clientPort } = await exchange(port, request);
      expect(got.equals(reply)).toBe(true);
      expect((await received).equals(request)).toBe(true);
      const ended = await waitFor(() => events.some((e) => e.type === 'flow-end'), 5000);
      expect(ended, 'flow-end within 5 s').toBe(true);

      expect(errors).toEqual([]);
      expect(offsetsOk).toBe(true);
      expect(batches).toBeGreaterThan(0);
      const start = events.find((e) => e.type === 'flow-start');
      expect(start).toMatchObject({
        type: 'flow-start',
        key: { client: { addr: '127.0.0.1', port: clientPort }, server: { addr: '127.0.0.1', port } },
        origin: 'capture',
        sawHandshake: true,
      });
      expect(Buffer.concat(bytes.c2s).equals(request)).toBe(true);
      expect(Buffer.concat(bytes.s2c).equals(reply)).toBe(true);
      expect(events.filter((e) => e.type === 'gap')).toEqual([]);
      expect(events.filter((e) => e.type === 'half-close').map((e) => (e as { dir: string }).dir).sort()).toEqual(['c2s', 's2c']);
      expect(events.at(-1)).toMatchObject({ type: 'flow-end', reason: 'fin' });
      expect(decoder.stats.tcpSegments).toBe(packets); // the kernel filter let only our port through
      const counters = capture.counters;
      expect(counters.packets).toBe(packets);
      expect(counters.received).toBeGreaterThanOrEqual(packets);
      expect(counters).toMatchObject({ kernelDrops: 0, queueDrops: 0, queuedPackets: 0, queuedBytes: 0 });
    } finally {
      capture.stop();
      server.close();
    }
    // After stop nothing more arrives, even if the port sees traffic again.
    const after = packets;
    const again = await startServer(Buffer.from('late'));
    again.server.close();
    capture.stop(); // idempotent
    expect(packets).toBe(after);
  });

  it('a consumer slower than the link: the queue absorbs what fits, drops are counted, every frame and byte is accounted for', async () => {
    // Whether the burst outruns the queue depends on how fast TCP opens its window to a client
    // that reads only between the slow consumer's slices: up to three tries, each accounted for.
    let drops = 0;
    for (let attempt = 0; attempt < 3 && drops === 0; attempt++) drops = await slowConsumerRun();
    expect(drops, 'the burst outran the queue in one of three tries').toBeGreaterThan(0);
  });

  /** One burst to a slow consumer: checks that every frame and byte is accounted for; returns the queue's drops. */
  async function slowConsumerRun(): Promise<number> {
    // The server sends a burst, then (once the capture caught up) a tail and its FIN.
    const burst = 4_000_000;
    let sendTail: (() => void) | undefined;
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write(Buffer.alloc(burst, 'z'));
      sendTail = () => socket.end('tail');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    let packets = 0;
    const s2c = { data: 0, gaps: 0, gapCount: 0 };
    let ended = false;
    const reassembler = new Reassembler({
      emit: (e) => {
        if (e.type === 'data' && e.dir === 's2c') s2c.data += e.length;
        if (e.type === 'gap' && e.dir === 's2c') (s2c.gaps += e.length), s2c.gapCount++;
        if (e.type === 'flow-end') ended = true;
      },
    });
    const decoder = new PacketDecoder((segment, ts) => reassembler.feed(segment, ts));
    const errors: unknown[] = [];
    const capture = openLiveCapture({
      device: 'lo',
      filter: `tcp port ${port}`,
      queueBytes: 300_000, // room for a few frames of loopback's 64 KiB
      onPacket: (p) => {
        packets++;
        decoder.decode(p);
        const until = performance.now() + 3; // slow processing
        while (performance.now() < until);
      },
      onError: (err) => errors.push(err),
    });
    const client = connect(port, '127.0.0.1');
    let received = 0;
    client.on('data', (c: Buffer) => (received += c.length));
    client.on('end', () => client.end());
    try {
      expect(await waitFor(() => received >= burst, 10_000), 'burst received').toBe(true);
      expect(await waitFor(() => capture.counters.queuedPackets === 0, 10_000), 'queue drained').toBe(true);
      sendTail!();
      await once(client, 'close');
      // Everything the kernel passed is read, then delivered or dropped. (On lo the kernel
      // passes each frame twice, as sent and as received, and libpcap keeps one: `received`
      // counts both; 4 MB fit in the kernel ring, which drops nothing.)
      const settled = await waitFor(() => {
        const c = capture.counters;
        return ended && c.queuedPackets === 0 && c.received === 2 * (c.packets + c.queueDrops);
      }, 10_000);
      const c = capture.counters;
      expect(settled, JSON.stringify({ ...c, ended })).toBe(true);
      expect(errors).toEqual([]);
      expect(c.kernelDrops).toBe(0);
      expect(c.packets).toBe(packets);
      expect(c.queuedBytes).toBe(0);
      // The lost frames are gaps in the reassembled stream: every byte is data or a gap.
      expect(s2c.gapCount > 0).toBe(c.queueDrops > 0);
      expect(s2c.data + s2c.gaps).toBe(burst + 'tail'.length);
      return c.queueDrops;
    } finally {
      client.destroy();
      capture.stop();
      server.close();
    }
  }

  it('stops and reports when the packet sink throws', async () => {
    const { server, port } = await startServer(Buffer.from('pong'));
    const boom = new Error('sink failed');
    let calls = 0;
    let reported: unknown;
    const capture = openLiveCapture({
      device: 'lo',
      filter: `tcp port ${port}`,
      pollIntervalMs: 20,
      onPacket: () => {
        calls++;
        throw boom;
      },
      onError: (err) => (reported = err),
    });
    try {
      await exchange(port, Buffer.from('ping'));
      expect(await waitFor(() => reported !== undefined, 5000)).toBe(true);
      expect(reported).toBe(boom);
      expect(calls).toBe(1);
      expect(capture.counters.packets).toBe(1);
      expect(capture.counters.queuedPackets).toBe(0); // the frames behind the failing one were discarded
    } finally {
      capture.stop();
      server.close();
    }
  });

  it('runLive ended by a failing sink throws its error and leaves no listener on the caller\'s signal', async () => {
    const { server, port } = await startServer(Buffer.from('pong'));
    const boom = new Error('sink failed');
    const stop = new AbortController();
    try {
      const run = runLive({ device: 'lo', filter: `tcp port ${port}`, signal: stop.signal, sinks: [() => { throw boom; }] });
      // Handled before anything is awaited: the run may fail while the exchange is still going on.
      const failed = expect(run).rejects.toBe(boom);
      await exchange(port, Buffer.from('ping'));
      await failed;
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('one-line UserErrors: no such interface, bad filter', () => {
    const noop = () => undefined;
    expect(() => openLiveCapture({ device: 'nosuchdev0', onPacket: noop, onError: noop }))
      .toThrow(new UserError('no such interface: nosuchdev0 (flowspy -D lists them)'));
    expect(() => openLiveCapture({ device: 'lo', filter: 'tcp port and', onPacket: noop, onError: noop }))
      .toThrow(/^bad capture filter "tcp port and": .*syntax error/);
  });

  // A listed device that libpcap cannot open, with a message flowspy has no words for (here:
  // bluetooth and D-Bus devices on a host without them); none on some hosts.
  const unopenable = listInterfaces().map((d) => d.name).find((name) => {
    if (!/^(bluetooth|dbus)/.test(name)) return false;
    try {
      openLiveCapture({ device: name, onPacket: () => undefined, onError: () => undefined }).stop();
      return false;
    } catch {
      return true;
    }
  });
  it.skipIf(unopenable === undefined)(`a device that cannot be opened is not called a bad filter when a good one is given${unopenable ? ` (${unopenable})` : ' (skipped: no such device here)'}`, () => {
    const noop = () => undefined;
    expect(() => openLiveCapture({ device: unopenable!, filter: 'tcp', onPacket: noop, onError: noop }))
      .toThrow(new RegExp(`^cannot capture on ${unopenable}: `));
    const r = spawnSync(process.execPath, [bin, '-i', unopenable!, 'tcp'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^flowspy: cannot capture on ${unopenable}: [^\n]+\n$`));
  });

  it('flowspy -i lo --log shows a live connection and exits 0 on SIGINT', async () => {
    const { server, port } = await startServer(Buffer.from('hello from the server\n'));
    const child = spawn(process.execPath, [bin, '-i', 'lo', '--log', 'tcp', 'port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = once(child, 'exit');
    try {
      expect(await waitFor(() => /listening on lo/.test(stderr), 10_000), `capture started; stderr: ${stderr}`).toBe(true);
      const { clientPort } = await exchange(port, Buffer.from('hello from the client\n'));
      expect(await waitFor(() => /<hello from the server/.test(stdout), 5000), `output seen; stdout: ${stdout}`).toBe(true);
      child.kill('SIGINT');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(stdout).toContain(`=connect from 127.0.0.1:${clientPort} to 127.0.0.1:${port}`);
      expect(stdout).toMatch(/^>hello from the client$/m);
      expect(stdout).toMatch(/^<hello from the server$/m);
      // The server answers after the client's FIN: TCP's half-close, not noted.
      expect(stderr).toMatch(/^flowspy: 1 flow, \d+ packets, 44 payload bytes, 0 gaps \(0 bytes\), 0 truncated, 0 malformed, \d+ received by filter, 0 dropped by kernel, 0 dropped by queue$/m);
      expect(stdout).not.toMatch(/^=note:/m);
    } finally {
      child.kill('SIGKILL');
      server.close();
    }
  });

  it('flowspy -i: no such interface, bad filter: one line, exit 2', () => {
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const nodev = run(['-i', 'nosuchdev0']);
    expect(nodev).toEqual({ code: 2, stdout: '', stderr: 'flowspy: no such interface: nosuchdev0 (flowspy -D lists them)\n' });
    const badFilter = run(['-i', 'lo', 'tcp', 'port', 'and']);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toMatch(/^flowspy: bad capture filter "tcp port and": [^\n]+\n$/);
  });

  const hasCapsh = spawnSync('capsh', ['--help'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasCapsh)(`flowspy -i as root without CAP_NET_RAW: one line, exit 2${hasCapsh ? '' : ' (skipped: no capsh to drop the capability)'}`, () => {
    // Dropped from the bounding set, the capability is gone even for root: no packet socket.
    const r = spawnSync('capsh', ['--drop=cap_net_raw', '--', '-c', `exec "${process.execPath}" "${bin}" -i lo`], { encoding: 'utf8', timeout: 20_000 });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: 'flowspy: live capture on lo needs root or CAP_NET_RAW\n' });
  });

  it('flowspy -D lists the interfaces', () => {
    const r = spawnSync(process.execPath, [bin, '-D'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.lo \(loopback, 127\.0\.0\.1/m);
  });
});
