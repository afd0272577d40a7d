/**
 * The proxy when things go wrong, on loopback: resets in flight, clients that vanish before the
 * upstream answers, a refused upstream in the `-w` capture.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPcapFileOutput } from '../../src/outputs/pcapFile.js';
import { RecordingProxy } from '../../src/proxy/proxy.js';
import { decodeTcpFrame, readPcap } from '../support/pcapCheck.js';
import {
  Recorder, closedPort, connect, outcome, pseudoRandomBytes, startHangingListener, startProxy, startServer, stopServer,
} from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'flowspy-proxy-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const TRIALS = 20;
const BURST = pseudoRandomBytes(256 * 1024, 11);

/** Writes `copies` bursts without waiting for them to leave. */
function writeBursts(socket: net.Socket, copies: number): void {
  for (let i = 0; i < copies; i++) socket.write(BURST);
}

/** Resolves once the flow of the client at `clientPort` has started (the upstream is connected). */
async function started(recorder: Recorder, clientPort: number): Promise<void> {
  const has = () => [...recorder.flows.values()].some((f) => f.start?.key.client.port === clientPort);
  for (let i = 0; i < 1000 && !has(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(has()).toBe(true);
}

/** `reason: detail` of the flow of the client at `clientPort`, once `ended` flows have ended. */
async function endOf(recorder: Recorder, ended: number, clientPort: number): Promise<string> {
  await recorder.waitForEnded(ended);
  const [, flow] = recorder.flowByClientPort(clientPort);
  return `${flow.end?.reason}: ${flow.end?.detail}`;
}

/** Every trial: the peer saw ECONNRESET and the flow ended `rst`, reset by `who`. */
function expectResetsEveryTrial(seen: string[], recorded: string[], who: 'client' | 'server', proxy: RecordingProxy, recorder: Recorder): void {
  expect(seen).toEqual(Array(TRIALS).fill('ECONNRESET'));
  expect(recorded).toEqual(Array(TRIALS).fill(`rst: ${who} reset the connection`));
  expect(proxy.stats.resets).toBe(TRIALS);
  expect(recorder.violations).toEqual([]);
}

describe('RecordingProxy: a reset in flight stays a reset', () => {
  it(`client writes fast and resets (${TRIALS} times): the upstream sees ECONNRESET, the flow ends rst`, async () => {
    let serverSide: ((s: net.Socket) => void) | undefined;
    const { server, port: serverPort } = await startServer((s) => serverSide?.(s));
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());

    const seen: string[] = [];
    const recorded: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const upstream = new Promise<net.Socket>((resolve) => { serverSide = resolve; });
      const client = await connect(port);
      const clientPort = client.localPort!;
      client.on('error', () => undefined);
      const upstreamResult = outcome(await upstream);
      await started(recorder, clientPort);
      writeBursts(client, 4);
      client.resetAndDestroy();
      seen.push(await upstreamResult);
      recorded.push(await endOf(recorder, trial + 1, clientPort));
    }
    expectResetsEveryTrial(seen, recorded, 'client', proxy, recorder);
  });

  it(`upstream writes fast and resets (${TRIALS} times): the client sees ECONNRESET, the flow ends rst`, async () => {
    const { server, port: serverPort } = await startServer((s) => {
      s.once('data', () => {
        writeBursts(s, 4);
        s.resetAndDestroy();
      });
    });
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());

    const seen: string[] = [];
    const recorded: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const client = await connect(port);
      const clientPort = client.localPort!;
      const result = outcome(client);
      client.write('go');
      seen.push(await result);
      recorded.push(await endOf(recorder, trial + 1, clientPort));
    }
    expectResetsEveryTrial(seen, recorded, 'server', proxy, recorder);
  });

  it('an upstream that closes its side, then resets before the client closes: the flow ends rst, not fin', async () => {
    const { server, port: serverPort } = await startServer((s) => {
      s.end('bye\n');
      setTimeout(() => s.resetAndDestroy(), 100);
    });
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());
    const client = await connect(port);
    const clientPort = client.localPort!;
    client.on('error', () => undefined);
    client.on('data', () => undefined);
    await new Promise((resolve) => client.once('end', resolve));
    // The upstream's reset has come and gone unread by the proxy when the client closes its side.
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.end();
    expect(await endOf(recorder, 1, clientPort)).toBe('rst: server reset the connection');
    expect(recorder.violations).toEqual([]);
  });

  it('an upstream that closed and resets at the client\'s next bytes: the flow ends rst at once, the client is reset', async () => {
    const { server, port: serverPort } = await startServer((s) => {
      s.end('220 bye now\r\n');
      s.once('data', () => s.resetAndDestroy());
    });
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());
    const client = await connect(port);
    cleanups.push(() => void client.destroy());
    const clientPort = client.localPort!;
    const clientError = new Promise<string>((resolve) => client.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message)));
    client.on('data', () => undefined);
    await new Promise((resolve) => client.once('end', resolve));
    // The client neither closes nor sends again: the reset must be seen all the same.
    client.write('QUIT after close\r\n');
    expect(await endOf(recorder, 1, clientPort)).toBe('rst: server reset the connection');
    // As without the proxy: the client's next bytes fail.
    client.write('again\r\n');
    expect(['ECONNRESET', 'EPIPE']).toContain(await clientError);
    expect(recorder.violations).toEqual([]);
  });

  it('a clean close right after a burst is still recorded as fin, and forwarded as FIN', async () => {
    let serverSide: ((s: net.Socket) => void) | undefined;
    const { server, port: serverPort } = await startServer((s) => serverSide?.(s));
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());
    for (let trial = 0; trial < 5; trial++) {
      const upstream = new Promise<net.Socket>((resolve) => { serverSide = resolve; });
      const client = await connect(port);
      const clientResult = outcome(client);
      const upstreamResult = outcome(await upstream);
      writeBursts(client, 4);
      client.end();
      expect(await upstreamResult).toBe('end');
      expect(await clientResult).toBe('end');
    }
    await recorder.waitForEnded(5);
    for (const flow of recorder.flows.values()) {
      expect(flow.end?.reason).toBe('fin');
      expect(flow.bytes.c2s).toBe(4 * BURST.length);
    }
    expect(recorder.violations).toEqual([]);
  });
});

describe('RecordingProxy: half-closes do not wait for the other direction', () => {
  it('a client that half-closes while not reading a big reply: the upstream gets the FIN at once', async () => {
    let serverSide: ((s: net.Socket) => void) | undefined;
    const { server, port: serverPort } = await startServer((s) => serverSide?.(s));
    const recorder = new Recorder(false);
    const { proxy, port } = await startProxy(serverPort, recorder);
    cleanups.push(() => stopServer(server), () => proxy.close());
    const upstream = new Promise<net.Socket>((resolve) => { serverSide = resolve; });
    const client = await connect(port);
    client.pause(); // reads nothing: the reply backs up in the proxy's writes to the client
    const up = await upstream;
    writeBursts(up, 64); // 16 MiB, far more than the socket buffers hold
    await new Promise((resolve) => setTimeout(resolve, 200));
    const upstreamEnd = new Promise<string>((resolve) => {
      up.on('data', () => undefined);
      up.once('end', () => resolve('end'));
      setTimeout(() => resolve('no FIN within 2 s'), 2000);
    });
    client.end();
    expect(await upstreamEnd).toBe('end');
    client.destroy();
    up.destroy();
  });
});

describe('RecordingProxy: a slow upstream connect', () => {
  it('one that took a second or more gets a note saying the client\'s bytes waited; a quick one none', async () => {
    const { server, port: serverPort } = await startServer((s) => s.end('hi\r\n'));
    cleanups.push(() => stopServer(server));
    const notes = async (step: number): Promise<string[]> => {
      // Each reading of the proxy's clock is `step` µs after the one before: the connect takes at least one step.
      let now = 1_700_000_000_000_000;
      const recorder = new Recorder(false);
      const { proxy, port } = await startProxy(serverPort, recorder, { clock: () => (now += step) });
      cleanups.push(() => proxy.close());
      const client = await connect(port);
      client.on('data', () => undefined);
      client.end();
      await recorder.waitForEnded(1);
      return [...recorder.flows.values()][0].notes;
    };
    expect(await notes(2_000_000)).toEqual([expect.stringMatching(/^the upstream took \d+(\.\d+)? s to accept the connection: the client's bytes waited in flowspy until then$/)]);
    expect(await notes(1)).toEqual([]);
  });
});

describe('RecordingProxy: a connection whose upstream never answered', () => {
  it('a client that resets before the upstream connects keeps its address in the flow', async () => {
    const hanging = await startHangingListener();
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(hanging.port, recorder, { connectTimeoutMs: 300 });
    cleanups.push(() => hanging.close(), () => proxy.close());
    const client = await connect(port);
    const clientPort = client.localPort!;
    client.on('error', () => undefined);
    for (let i = 0; i < 1000 && proxy.stats.accepted === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(proxy.stats.accepted).toBe(1);
    client.write('GET /x HTTP/1.0\r\n\r\n');
    for (let i = 0; i < 200 && ![...recorder.flows.values()][0]?.order.includes('data:c2s'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    client.resetAndDestroy();
    await recorder.waitForEnded(1);
    expect(proxy.stats.bytesC2S).toBe(0); // recorded, never relayed: the upstream never accepted
    const [, flow] = [...recorder.flows][0];
    expect(flow.start?.key.client).toEqual({ addr: '127.0.0.1', port: clientPort });
    // Ended by the client's reset, or by the connect timeout when that came first (a held client is not read).
    expect(['error', 'rst']).toContain(flow.end?.reason);
    expect(recorder.violations).toEqual([]);
  });

  it('is listed when accepted, connecting to the upstream asked for, its bytes stamped when they came', async () => {
    const hanging = await startHangingListener();
    const recorder = new Recorder();
    const { proxy, port } = await startProxy(hanging.port, recorder, { connectTimeoutMs: 600 });
    cleanups.push(() => hanging.close(), () => proxy.close());
    const client = await connect(port);
    client.on('error', () => undefined);
    client.write('GET /x HTTP/1.0\r\n\r\n');
    // Until the client's bytes are recorded (a loaded machine may take a while), well before the 600 ms timeout.
    for (let i = 0; i < 400 && ![...recorder.flows.values()][0]?.order.includes('data:c2s'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const [, flow] = [...recorder.flows][0];
    expect(flow.start).toMatchObject({ connecting: true, key: { server: { addr: '127.0.0.1', port: hanging.port } } });
    expect(flow.order).toEqual(['start', 'data:c2s']); // before the connect timed out
    await recorder.waitForEnded(1);
    expect(flow.order).toEqual(['start', 'data:c2s', 'end:rst']);
    expect(flow.end?.detail).toBe(`upstream 127.0.0.1:${hanging.port} timed out: ETIMEDOUT`);
    expect(flow.end!.ts - flow.firstTs.c2s!).toBeGreaterThan(300_000); // the bytes' time is when they came, not the end's
    expect(recorder.violations).toEqual([]);
  });

  it('-w for a refused upstream: the client\'s SYN to it, answered by its reset', async () => {
    const refused = await closedPort();
    const recorder = new Recorder();
    const path = join(work, 'refused.pcap');
    const output = openPcapFileOutput(path);
    let nextId = 1;
    const proxy = new RecordingProxy({
      spec: { bindAddress: '127.0.0.1', bindPort: 0, targetHost: '127.0.0.1', targetPort: refused },
      emit: (e) => { recorder.sink(e); output.handle(e); },
      nextFlowId: () => nextId++,
    });
    const { port } = await proxy.listen();
    let clientPort: number;
    try {
      const client = await connect(port);
      clientPort = client.localPort!;
      expect(await outcome(client)).toBe('ECONNRESET');
      await recorder.waitForEnded(1);
    } finally {
      await proxy.close();
      output.close();
    }
    const [, flow] = recorder.flowByClientPort(clientPort);
    expect(flow.start?.key.server).toEqual({ addr: '127.0.0.1', port: refused });
    expect(flow.end?.detail).toBe(`upstream 127.0.0.1:${refused} refused: ECONNREFUSED`);
    const frames = readPcap(readFileSync(path)).records.map((r) => decodeTcpFrame(r.captured));
    const FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, ACK: 0x10 };
    const names = (flags: number) => Object.entries(FLAG).filter(([, bit]) => flags & bit).map(([name]) => name).join('|');
    expect(frames.map((f) => `${f.src}:${f.srcPort} > ${f.dst}:${f.dstPort} ${names(f.flags)}`)).toEqual([
      `127.0.0.1:${clientPort} > 127.0.0.1:${refused} SYN`,
      `127.0.0.1:${refused} > 127.0.0.1:${clientPort} RST|ACK`,
    ]);
  });
});
