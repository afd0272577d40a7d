/** Forwarding a reset: abort a socket with RST where Node and libuv allow it. */
import type { Socket } from 'node:net';

/**
 * Aborts `socket`, with a TCP reset (RST) when possible, and always really closes it.
 *
 * - Already destroyed: nothing.
 * - Still connecting, or a shutdown (our own `end()`) still in progress: plain `destroy()`.
 *   libuv refuses a close-with-reset while a shutdown is pending (EINVAL), and Node 20's
 *   `resetAndDestroy()` then leaves the handle open while believing it closed: the fd leaks and
 *   `process.exit()` later spins forever in handle cleanup. A destroy with unread data still
 *   makes the kernel send RST; otherwise the peer sees FIN after the queued bytes are dropped.
 * - Otherwise: `resetAndDestroy()` (SO_LINGER 0, then close: the peer sees ECONNRESET).
 */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  const shuttingDown = socket.writableEnded && !socket.writableFinished;
  if (socket.connecting || socket.pending || shuttingDown) socket.destroy();
  else socket.resetAndDestroy();
}
