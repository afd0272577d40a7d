/**
 * Proxy mode as a user runs it: `bin/flowspy -L ...` in a child process on loopback, a real
 * client and server, SIGINT to stop. Every server, client and child stops by itself.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../corpus/references.js';

const bin = join(repoRoot, 'bin', 'flowspy');
const work = mkdtempSync(join(tmpdir(), 'flowspy-proxy-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An echo-ish server: answers every chunk with "got:" + chunk, then closes when the client does. */
async function startServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (chunk) => socket.write(Buffer.concat([Buffer.from('got:'), chunk])));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts flowspy with `args`; resolves once it says where it listens. */
async function startFlowspy(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [bin, ...args]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flowspy did not start: ${err}`)), 10_000);
    child.stderr.on('data', () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', () => reject(new Error(`flowspy exited: ${err}`)));
  });
  return { child, port, stdout: () => out, stderr: () => err, exit };
}

/** Connects, sends each message after the previous answer, half-closes, collects the reply. */
function converse(port: number, messages: string[]): Promise<{ reply: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let reply = '';
    let pending = [...messages];
    const sendNext = () => {
      const next = pending.shift();
      if (next === undefined) socket.end();
      else socket.write(next);
    };
    socket.on('connect', sendNext);
    socket.on('data', (d) => {
      reply += d;
      sendNext();
    });
    socket.on('end', () => resolve({ reply }));
    socket.on('error', (e) => {
      pending = [];
      resolve({ reply, error: (e as NodeJS.ErrnoException).code ?? e.message });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}

describe('flowspy -L (proxy mode)', () => {
  it('relays, logs the dialogue like sockspy, and exits 0 on SIGINT', async () => {
    const server = await startServer();
    const pcap = join(work, 'relay.pcap');
    const fs = await startFlowspy(['-L', `0:127.0.0.1:${server.port}`, '--log', '-w', pcap]);
    try {
      const r = await converse(fs.port, ['hello\n', 'second line\n']);
      expect(r.reply).toBe('got:hello\ngot:second line\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      fs.child.kill('SIGINT');
      expect(await fs.exit).toBe(0);
      const log = fs.stdout();
      expect(log).toMatch(new RegExp(`^=connect from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:${server.port}$`, 'm'));
      expect(log).toMatch(/^>hello$/m);
      expect(log).toMatch(/^<got:hello$/m);
      expect(log).toMatch(/^>second line$/m);
      expect(log).toMatch(/^=client closed \(FIN\)$/m);
      expect(fs.stderr()).toMatch(/^flowspy: 1 connection; 18 bytes client to server, 26 bytes server to client$/m);
      // The pcap written with -w reads back as the same conversation.
      const back = spawnSync(process.execPath, [bin, '-r', pcap, '--log', '-q']);
      expect(back.status).toBe(0);
      const replay = back.stdout.toString();
      expect(replay).toMatch(/^>hello$/m);
      expect(replay).toMatch(/^<got:second line$/m);
      expect(readFileSync(pcap).readUInt32LE(0)).toBe(0xa1b2c3d4);
    } finally {
      fs.child.kill('SIGKILL');
      await server.close();
    }
  });

  it('resets the client when the upstream refuses, says why, and keeps serving', async () => {
    const closed = await startServer();
    const deadPort = closed.port;
    await closed.close();
    const fs = await startFlowspy(['-L', `0:127.0.0.1:${deadPort}`, '--log']);
    try {
      const first = await converse(fs.port, ['hi\n']);
      expect(first.reply).toBe('');
      expect(first.error === 'ECONNRESET' || first.error === undefined).toBe(true);
      const second = await converse(fs.port, ['again\n']);
      expect(second.reply).toBe('');
      await new Promise((resolve) => setTimeout(resolve, 200));
      fs.child.kill('SIGTERM');
      expect(await fs.exit).toBe(0);
      expect(fs.stdout()).toMatch(/ECONNREFUSED/);
      expect(fs.stdout().match(/^=connect from/gm)?.length ?? 0).toBe(2);
      expect(fs.stderr()).toMatch(/^flowspy: 2 connections, 2 of them could not reach the upstream; 0 bytes client to server, 0 bytes server to client$/m);
    } finally {
      fs.child.kill('SIGKILL');
    }
  });

  it('serves several -L at once, each flow in -o DIR with tcpflow names', async () => {
    const a = await startServer();
    const b = await startServer();
    const dir = join(work, 'two');
    const child = spawn(process.execPath, [bin, '-L', `0:127.0.0.1:${a.port}`, '-L', `0:127.0.0.1:${b.port}`, '-o', dir]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not listening: ${err}`)), 10_000);
        child.stderr.on('data', () => {
          if ((err.match(/listening on/g) ?? []).length === 2) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const ports = [...err.matchAll(/listening on 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      expect((await converse(ports[0], ['to A\n'])).reply).toBe('got:to A\n');
      expect((await converse(ports[1], ['to B\n'])).reply).toBe('got:to B\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      const pad = (port: number) => String(port).padStart(5, '0');
      const files = readdirSync(dir);
      const toA = files.find((f) => f.endsWith(`-127.000.000.001.${pad(a.port)}`))!;
      const toB = files.find((f) => f.endsWith(`-127.000.000.001.${pad(b.port)}`))!;
      expect(readFileSync(join(dir, toA), 'utf8')).toBe('to A\n');
      expect(readFileSync(join(dir, toB), 'utf8')).toBe('to B\n');
      expect(files).toContain(toA.split('-').reverse().join('-'));
    } finally {
      child.kill('SIGKILL');
      await a.close();
      await b.close();
    }
  });

  it('-o DIR with an output that cannot be opened: one line, exit 2, the writer thread does not hold the process', () => {
    const r = spawnSync(process.execPath, [bin, '-L', '0:127.0.0.1:9', '-o', join(work, 'unopened'), '-w', join(work, 'no', 'such', 'x.pcap')], {
      timeout: 10_000,
    });
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/^flowspy: cannot write .*x\.pcap: no such directory\n$/);
  });

  it('a port already in use: one line, exit 2', async () => {
    const busy = await startServer();
    try {
      const r = spawnSync(process.execPath, [bin, '-L', `${busy.port}:127.0.0.1:9`, '--log']);
      expect(r.status).toBe(2);
      expect(r.stderr.toString()).toMatch(new RegExp(`^flowspy: cannot listen on 127\\.0\\.0\\.1:${busy.port}: address already in use\\n$`));
    } finally {
      await busy.close();
    }
  });

  it('a target that is its own listener: one line, exit 2, before any connection could loop', () => {
    const r = spawnSync(process.execPath, [bin, '-L', '0.0.0.0:19471:localhost:19471', '--log'], { timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toBe("flowspy: localhost:19471 is flowspy's own listener: connections to it would loop\n");
  });

  it('near the open-files limit (ulimit -n 96): says so once, on stderr, and keeps relaying', async () => {
    const server = await startServer();
    const child = spawn('bash', ['-c', `ulimit -n 96 && exec "${process.execPath}" "${bin}" -L 0:127.0.0.1:${server.port} --log`]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const sockets: net.Socket[] = [];
    const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const m = pattern.exec(err);
        if (m) return m;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no ${pattern} in: ${err}`);
    };
    try {
      const port = Number((await waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
      // 30 connections hold 60 descriptors: within the limit, past the warning (about 17).
      for (let i = 0; i < 30; i++) {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        sockets.push(socket);
      }
      await waitFor(/near the open-files limit/);
      expect(err.split('\n')[1]).toMatch(/^flowspy: \d+ connections at once come near the open-files limit \(ulimit -n 96\): more may be refused unseen; raise the limit$/);
      expect((await converse(port, ['still here\n'])).reply).toBe('got:still here\n');
      expect(err.match(/near the open-files limit/g)).toHaveLength(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      child.kill('SIGINT');
      await exit;
      await server.close();
    }
  });
});
