/**
 * Lets the process exit quietly after its terminal hung up (SSH dropped, tmux pane closed).
 *
 * As it exits, Node 20 gives each of fds 0-2 that was a terminal at start its settings back
 * (`ResetStdio`, `tcsetattr`) and asserts that this worked; on a terminal that hung up it
 * fails with EIO and Node aborts with an assertion dump (nodejs/node#51519, fixed by #58200 in
 * later Node versions). Node passes a descriptor by when it is closed, so at exit each of them
 * that was a terminal when {@link releaseHungUpStdioAtExit} was first called, and answers no
 * more as one (a hung-up terminal answers EIO), is closed.
 */
import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';

const STDIO = [0, 1, 2] as const;

let installed = false;

/** Installs the exit hook once per process (later calls do nothing). */
export function releaseHungUpStdioAtExit(): void {
  if (installed) return;
  installed = true;
  const wereTerminals = STDIO.filter((fd) => isatty(fd));
  process.on('exit', () => {
    for (const fd of wereTerminals) {
      if (isatty(fd)) continue;
      try {
        closeSync(fd);
      } catch {
        // Already closed: Node passes it by too.
      }
    }
  });
}

/**
 * From now on a hangup stops nothing: SIGHUP gets a listener that does nothing (with no listener,
 * Node's default kills the process), once however often this is called. For the time after a
 * run's stop, while its summary and files are finished.
 */
export function ignoreHangupsFromNow(): void {
  if (!process.listeners('SIGHUP').includes(ignoreHangup)) process.on('SIGHUP', ignoreHangup);
}

function ignoreHangup(): void {
  // The summary and the files are being finished; the process exits by itself.
}
