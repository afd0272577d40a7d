/**
 * How many output files `-o DIR` may keep open, from the process's real descriptor limit and
 * the descriptors already in use (Linux /proc; fixed guesses elsewhere).
 */
import { descriptors } from '../io/descriptors.js';

/** Descriptors kept free in capture mode: the writer thread's own, the capture file, libuv's. */
const CAPTURE_RESERVE = 8;
/** In proxy mode the files get this share of the free descriptors; the rest is for sockets (two per connection). */
const PROXY_SHARE = 1 / 8;
/** More open files than this buys nothing (the least recently used ones are reopened on demand). */
const MOST_FILES = 4096;

/** Descriptors this process may still open (see {@link descriptors}); undefined where /proc cannot tell. */
function freeDescriptors(): number | undefined {
  const now = descriptors();
  return now === undefined ? undefined : Math.max(0, now.limit - now.open);
}

/**
 * Most files an output directory keeps open at once. `capture`: the free descriptors less a
 * small reserve; `proxy`: an eighth of them, leaving the rest for the proxy's sockets. Between 1
 * and 4096; 200 (capture) or 32 (proxy) where the limit is unknown. A budget that proves too high
 * anyway is lowered by the writer on EMFILE.
 */
export function outputFileBudget(mode: 'capture' | 'proxy'): number {
  const free = freeDescriptors();
  if (free === undefined) return mode === 'capture' ? 200 : 32;
  const files = mode === 'capture' ? free - CAPTURE_RESERVE : Math.floor(free * PROXY_SHARE);
  return Math.max(1, Math.min(MOST_FILES, files));
}
