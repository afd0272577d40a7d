/**
 * The running source (a capture file, a live capture, the proxy) as the TUI sees it: what the
 * status row says of it and what `q`, `F`, `p` and `r` may do with it. The CLI builds it.
 */
import type { SourceCounters } from '../engine/counters.js';

/** The running source as the app sees it; the CLI builds it. */
export interface TuiSource {
  /** `file` loads once; `live` and `proxy` run until stopped (so `q` asks first). */
  readonly kind: 'file' | 'live' | 'proxy';
  /**
   * `file` read from a pipe or FIFO (`tcpdump -w - | flowspy -r -`): a capture still being made,
   * whose bytes are gone once read, so `q` asks while it is read, as for `live`. A regular file
   * that is loading does not ask: it can be read again.
   */
  readonly piped?: boolean;
  /** For the status row: file name, `iface filter`, `listen → target` (raw: the app escapes it). */
  label(): string;
  /** Shorter labels for a status row too narrow for {@link label}, longest first (`:8933 → h:80, +1 more`, `2 listeners`), raw. */
  shorterLabels?(): readonly string[];
  counters(): SourceCounters | undefined;
  /** True while the file is read, the capture runs or the proxy relays. */
  running(): boolean;
  /** A problem to show (a damaged capture, an output that failed), raw text, or undefined. */
  problem(): string | undefined;
  /** Work going on in the background after the load (`parsing 40%`), or undefined. */
  activity?(): string | undefined;
  /** Proxy only: relays new connections to `target` (`host:port`); returns what to show; throws Error with a one-line message. */
  retarget?(target: string): string;
  /** Proxy only: the `r` prompt (it says how to name a listener when there are several). */
  readonly retargetPrompt?: string;
  /** Proxy only: what the `r` prompt opens with, to be edited: the current upstream (`1=host:port` with several listeners). */
  retargetInitial?(): string;
}
