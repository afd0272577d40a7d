/**
 * Proxy mode with outputs that fail (issue 10, item 1): the proxy keeps relaying every
 * connection, says what failed in one line, and exits 1 at the end. `bin/flowspy` runs in a
 * child process (under `ulimit -n` where a limit matters), the upstream echo server in another,
 * clients in this process, all on loopback.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNode, waitFor, type Child } from '../support/child.js';
import { repoRoot } from '../support/corpus.js';

const bin = join(repoRoot, 'bin', 'flowspy');
const work = mkdtempSync(join(tmpdir(), 'flowspy-outfaults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Echoes every byte back and half-closes when the client does. */
const ECHO_SERVER = `
const net = require('node:net');
const server = net.createServer({ allowHalfOpen: true }, (s) => {
  s.on('error', () => undefined);
  s.pipe(s);
});
server.maxConnections = 5000;
server.listen(0, '127.0.0.1', 2048, () => process.stdout.write(server.address().port + '\\n'));
`;

async function startEcho(): Promise<{ port: number; stop: () => void }> {
  const echo = startNode(['-e', ECHO_SERVER]);
  const port = Number((await waitFor(echo.stdout, /^(\d+)\n/, echo))[1]);
  return { port, stop: () => echo.child.kill('SIGKILL') };
}

async function startProxy(args: string[], limit?: number): Promise<Child & { port: number }> {
  const proxy = startNode([bin, ...args], limit);
  const port = Number((await waitFor(proxy.stderr, /listening on 127\.0\.0\.1:(\d+)/, proxy))[1]);
  return { ...proxy, port };
}

/** A client connection: `send` writes, `reply(n)` resolves with the first n bytes echoed, `finish` half-closes and resolves with all of them. */
async function open(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const parts: Buffer[] = [];
  let length = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  let failure: Error | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    socket.on('end', () => resolve());
    socket.on('error', (err) => {
      failure = err;
      reject(err);
      waiter?.resolve();
    });
  });
  ended.catch(() => undefined);
  socket.on('data', (d: Buffer) => {
    parts.push(d);
    length += d.length;
    if (waiter && length >= waiter.n) waiter.resolve();
  });
  socket.setTimeout(20_000, () => socket.destroy(new Error('timeout')));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return {
    send: (text: string) => socket.write(text),
    reply: async (n: number): Promise<string> => {
      if (length < n && failure === undefined) await new Promise<void>((resolve) => (waiter = { n, resolve }));
      if (failure) throw failure;
      return Buffer.concat(parts).toString();
    },
    finish: async (): Promise<string> => {
      socket.end();
      await ended;
      socket.destroy();
      return Buffer.concat(parts).toString();
    },
  };
}

/** One whole conversation: two messages, each echoed, then a half-close; returns what came back. */
async function converse(port: number, id: number): Promise<string> {
  const client = await open(port);
  const first = `conversation ${id} first ${'x'.repeat(id % 97)}\n`;
  client.send(first);
  await client.reply(first.length);
  client.send(`conversation ${id} second\n`);
  return client.finish();
}

const expected = (id: number) => `conversation ${id} first ${'x'.repeat(id % 97)}\nconversation ${id} second\n`;

/** The c2s file contents of a proxy -o directory: client-first names (tcpflow's), keyed by content. */
function clientFiles(dir: string, upstreamPort: number): string[] {
  const suffix = `-127.000.000.001.${String(upstreamPort).padStart(5, '0')}`;
  return readdirSync(dir).filter((name) => name.endsWith(suffix)).map((name) => readFileSync(join(dir, name), 'utf8'));
}

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/internal error/);
}

describe('flowspy -L with -o DIR under a low descriptor limit', () => {
  it('relays and records 3x ulimit -n connections over time (80 at once) at ulimit -n 256', async () => {
    const echo = await startEcho();
    const dir = join(work, 'u256');
    const proxy = await startProxy(['-L', `0:127.0.0.1:${echo.port}`, '-o', dir], 256);
    try {
      const total = 768;
      let next = 0;
      const replies = new Map<number, string>();
      const worker = async (): Promise<void> => {
        for (let id = next++; id < total; id = next++) replies.set(id, await converse(proxy.port, id));
      };
      await Promise.all(Array.from({ length: 80 }, worker));
      for (let id = 0; id < total; id++) expect(replies.get(id)).toBe(expected(id));
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.child.kill('SIGINT');
      expect(await proxy.exit).toBe(0);
      expectNoStackTrace(proxy.stderr());
      expect(proxy.stderr()).toMatch(/^flowspy: 768 connections; /m);
      const files = clientFiles(dir, echo.port).sort();
      expect(files).toEqual(Array.from({ length: total }, (_, id) => expected(id)).sort());
    } finally {
      proxy.child.kill('SIGKILL');
      echo.stop();
    }
  });

  it('holds 400 connections open at once at ulimit -n 1024, relaying and recording each', async () => {
    const echo = await startEcho();
    const dir = join(work, 'u1024');
    const proxy = await startProxy(['-L', `0:127.0.0.1:${echo.port}`, '-o', dir], 1024);
    try {
      const total = 400;
      const clients = [];
      for (let id = 0; id < total; id++) {
        const client = await open(proxy.port);
        const first = `conversation ${id} first ${'x'.repeat(id % 97)}\n`;
        client.send(first);
        clients.push({ client, first });
      }
      for (const { client, first } of clients) expect(await client.reply(first.length)).toBe(first);
      // every connection is open now, each with both files created
      clients.forEach(({ client }, id) => client.send(`conversation ${id} second\n`));
      const replies = await Promise.all(clients.map(({ client }) => client.finish()));
      replies.forEach((reply, id) => expect(reply).toBe(expected(id)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.child.kill('SIGINT');
      expect(await proxy.exit).toBe(0);
      expectNoStackTrace(proxy.stderr());
      expect(clientFiles(dir, echo.port).sort()).toEqual(Array.from({ length: total }, (_, id) => expected(id)).sort());
    } finally {
      proxy.child.kill('SIGKILL');
      echo.stop();
    }
  });
});

describe('flowspy -L with an output that fails while it runs', () => {
  it('-o DIR removed mid-run: one line, a note on the open flow, relaying goes on, exit 1', async () => {
    const echo = await startEcho();
    const dir = join(work, 'removed');
    const proxy = await startProxy(['-L', `0:127.0.0.1:${echo.port}`, '-o', dir, '--json']);
    try {
      for (let id = 0; id < 3; id++) expect(await converse(proxy.port, id)).toBe(expected(id));
      const spanning = await open(proxy.port);
      spanning.send('before removal\n');
      await spanning.reply(15);
      // Moved away at once (the writer opens files by path, so it can no longer add one there),
      // then deleted: removing it in place raced with the writer (ENOTEMPTY) on a loaded machine.
      renameSync(dir, `${dir}.gone`);
      rmSync(`${dir}.gone`, { recursive: true, force: true, maxRetries: 20, retryDelay: 5 });
      for (let id = 3; id < 6; id++) expect(await converse(proxy.port, id)).toBe(expected(id));
      await waitFor(proxy.stderr, /that output stopped/, proxy);
      spanning.send('after removal\n');
      expect(await spanning.finish()).toBe('before removal\nafter removal\n');
      for (let id = 6; id < 9; id++) expect(await converse(proxy.port, id)).toBe(expected(id));
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.child.kill('SIGINT');
      expect(await proxy.exit).toBe(1);
      const stderr = proxy.stderr();
      expectNoStackTrace(stderr);
      const failures = stderr.split('\n').filter((line) => /cannot/.test(line));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(
        new RegExp(`^flowspy: cannot create ${dir}/[0-9.-]+: no such directory \\(was it removed\\?\\); that output stopped, [1-9]\\d* open flows? (is|are) incomplete in it; relaying goes on$`),
      );
      expect(stderr).toMatch(/^flowspy: 10 connections; /m);
      expect(existsSync(dir)).toBe(false);
      expect(proxy.stdout()).toMatch(/"type":"note".*"text":"an output stopped, this flow is incomplete in it: cannot create /);
    } finally {
      proxy.child.kill('SIGKILL');
      echo.stop();
    }
  });

  it.skipIf(!existsSync('/dev/full'))('-w /dev/full: says so at once in one line, relays, exits 1 (not 70)', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(['-L', `0:127.0.0.1:${echo.port}`, '-w', '/dev/full'], undefined);
    try {
      await waitFor(proxy.stderr, /cannot write \/dev\/full/, proxy);
      for (let id = 0; id < 3; id++) expect(await converse(proxy.port, id)).toBe(expected(id));
      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.child.kill('SIGINT');
      expect(await proxy.exit).toBe(1);
      const stderr = proxy.stderr();
      expectNoStackTrace(stderr);
      expect(stderr.split('\n').filter((line) => /cannot/.test(line))).toEqual([
        'flowspy: cannot write /dev/full: no space left on device; that output stopped; relaying goes on',
      ]);
      expect(stderr).toMatch(/^flowspy: 3 connections; /m);
    } finally {
      proxy.child.kill('SIGKILL');
      echo.stop();
    }
  });
});
