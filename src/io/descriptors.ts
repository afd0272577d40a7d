/**
 * The process's file descriptors as Linux's /proc tells them: the soft `RLIMIT_NOFILE` and how
 * many are open now. Undefined where /proc cannot tell (other systems, a sandbox).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `limit`: the soft limit on open files (`ulimit -n`; MAX_SAFE_INTEGER when unlimited); `open`: descriptors open now. */
export interface Descriptors {
  readonly limit: number;
  readonly open: number;
}

/** The descriptor limit and use now, read from /proc/self; undefined when it cannot be read. */
export function descriptors(): Descriptors | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === undefined) return undefined;
    return { limit: soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft), open: readdirSync('/proc/self/fd').length };
  } catch {
    return undefined;
  }
}
