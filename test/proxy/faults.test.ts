/**
 * The proxy when things go wrong, on loopback: resets in flight, clients that vanish before the
 * upstream answers, a refused upstream in the `-w` capture.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Recorder, closedPort, connect, outcome, pseudoRandomBytes, startHangingListener, startProxy, startServer, stopServer,
} from './helpers.js';

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
      await recorder.waitForEnded(trial + 1);
      const [, flow] = recorder.flowByClientPort(clientPort);
      recorded.push(`${flow.end?.reason}: ${flow.end?.detail}`);
    }
    expect(seen).toEqual(Array(TRIALS).fill('ECONNRESET'));
    expect(recorded).toEqual(Array(TRIALS).fill('rst: client reset the connection'));
    expect(proxy.stats.resets).toBe(TRIALS);
    expect(recorder.violations).toEqual([]);
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
      await recorder.waitForEnded(trial + 1);
      const [, flow] = recorder.flowByClientPort(clientPort);
      recorded.push(`${flow.end?.reason}: ${flow.end?.detail}`);
    }
    expect(seen).toEqual(Array(TRIALS).fill('ECONNRESET'));
    expect(recorded).toEqual(Array(TRIALS).fill('rst: server reset the connection'));
    expect(proxy.stats.resets).toBe(TRIALS);
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
