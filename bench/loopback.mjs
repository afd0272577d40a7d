// Bulk transfers over loopback for the TUI bench's proxy section: a sink that counts what it
// receives, and a client that uploads a given number of bytes to a port (through a proxy).
import net from 'node:net';

/**
 * Starts a sink on 127.0.0.1 (an ephemeral port). Resolves { port, server, done }: `done` (set
 * by `upload`) is called when a connection has delivered `bytes`. Close `server` when finished.
 */
export function sinkServer(bytes) {
  const sink = { port: 0, server: undefined, done: undefined };
  sink.server = net.createServer((socket) => {
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received >= bytes) sink.done?.();
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolveSink) => sink.server.listen(0, '127.0.0.1', () => {
    sink.port = sink.server.address().port;
    resolveSink(sink);
  }));
}

/**
 * Sends `bytes` to 127.0.0.1:`port`, retrying the connect for up to 10 s while it is refused
 * (the proxy starting); resolves with the seconds from connected to all delivered at `sink`.
 * Rejects on any other socket error.
 */
export async function upload(port, sink, bytes) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      return await uploadOnce(port, sink, bytes);
    } catch (error) {
      if (error.code !== 'ECONNREFUSED' || performance.now() > deadline) throw error;
      await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    }
  }
}

function uploadOnce(port, sink, bytes) {
  return new Promise((resolveUpload, reject) => {
    const block = Buffer.alloc(1 << 20, 0x61);
    let sent = 0;
    let started;
    const socket = net.connect(port, '127.0.0.1');
    sink.done = () => {
      sink.done = undefined;
      socket.destroy();
      resolveUpload((performance.now() - started) / 1000);
    };
    socket.on('error', reject);
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(block.length, bytes - sent);
        sent += n;
        if (!socket.write(n === block.length ? block : block.subarray(0, n))) return;
      }
    };
    socket.on('connect', () => {
      started = performance.now();
      pump();
    });
    socket.on('drain', pump);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}
