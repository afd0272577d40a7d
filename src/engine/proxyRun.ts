/**
 * Proxy mode: one {@link RecordingProxy} per `-L`, sharing one flow-id counter, all feeding the
 * same sink. Runs until the caller's stop signal aborts (SIGINT/SIGTERM, the reader of stdout
 * gone): then stops accepting, resets the connections still open, lets the outputs flush and
 * resolves with each listener's stats.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { countOf, formatCount } from '../core/count.js';
import { UserError } from '../core/errors.js';
import type { FlowEventSink } from '../core/types.js';
import { formatHostPort } from '../proxy/connectFailure.js';
import { hostPortProblem, parseForwardSpec, parseHostPort, type ForwardSpec } from '../proxy/forwardSpec.js';
import { RecordingProxy, type ProxyStats } from '../proxy/proxy.js';
import { isWildcard, loopsBack, type BoundListener } from '../proxy/selfLoop.js';
import { ProxyCounters, type SourceCounters } from './counters.js';
import { descriptors } from '../io/descriptors.js';

/** What to relay (the `-L` specs) and whom to tell what happens. */
export interface ProxyRunConfig {
  readonly forwards: readonly string[];
  /** Called once per listener when it is bound, with `listen` and `target` as `host:port` text. */
  readonly onListening?: (listen: string, target: string) => void;
  /** Called once the proxies exist, with the run's live counters (for a status bar). */
  readonly onCounters?: (counters: SourceCounters) => void;
  /** Called once the proxies exist, with a handle to change their upstreams (the TUI's `r`). */
  readonly onControl?: (control: ProxyControl) => void;
  /** Told (once) a problem the run goes on with: connections near the open-files limit. One line, ASCII. */
  readonly onProblem?: (line: string) => void;
}

/** Changes where running proxies relay new connections; connections already open keep theirs. */
export interface ProxyControl {
  /** Number of listeners (`-L`), in command-line order. */
  readonly listeners: number;
  /**
   * Relays listener `index`'s new connections to `target` (`host:port`, `[v6]:port`). Returns
   * the target as `host:port` text.
   * @throws UserError with one line when the target is malformed or the index out of range.
   */
  retarget(index: number, target: string): string;
}

/**
 * Starts the proxies and serves until `stop` aborts. Then closes the proxies (every flow gets
 * its `flow-end`), awaits `finish` (which flushes and closes the outputs; an error it throws
 * propagates) and resolves with each listener's stats (see {@link formatProxySummary}).
 * @throws UserError when a listening socket cannot be bound (the proxies already bound are closed).
 */
export async function runProxy(
  config: ProxyRunConfig, sink: FlowEventSink, finish: () => Promise<void>, stop: AbortSignal,
): Promise<readonly ProxyStats[]> {
  const specs = config.forwards.map(parseForwardSpec);
  refuseSharedListens(specs, config.forwards);
  let nextId = 1;
  const nextFlowId = () => nextId++;
  let proxies: RecordingProxy[] = [];
  const onAccepted = descriptorWatch(() => proxies.reduce((open, proxy) => open + proxy.activeConnections, 0), config.onProblem);
  proxies = specs.map((spec) => new RecordingProxy({ spec, emit: sink, nextFlowId, onAccepted }));
  config.onCounters?.(new ProxyCounters(proxies));
  config.onControl?.({
    listeners: proxies.length,
    retarget: (index, target) => {
      const proxy = proxies[index];
      if (proxy === undefined) throw new UserError(noListener(index + 1, proxies.length));
      const { host, port } = parseTarget(target);
      if (loopsBack(host, port, bound)) throw new UserError(ownListener(host, port));
      proxy.setUpstream(host, port);
      return formatHostPort(host, port);
    },
  });
  const bound: BoundListener[] = [];
  try {
    for (const proxy of proxies) bound.push(await proxy.listen());
    const looping = specs.find((spec) => loopsBack(spec.targetHost, spec.targetPort, bound));
    if (looping) throw new UserError(ownListener(looping.targetHost, looping.targetPort));
    for (const [i, listener] of bound.entries()) config.onListening?.(formatHostPort(listener.address, listener.port), formatHostPort(specs[i].targetHost, specs[i].targetPort));
  } catch (err) {
    await Promise.all(proxies.map((p) => p.close().catch(() => undefined)));
    throw err;
  }
  if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.all(proxies.map((p) => p.close()));
  await finish();
  return proxies.map((p) => p.stats);
}

/**
 * The summary line of a proxy run, in ASCII (it goes to a terminal of any locale), e.g.
 * `flowspy: 12 connections, 2 of them could not reach the upstream, 1 reset; 5,210 bytes client to server, 88,412 bytes server to client`.
 */
export function formatProxySummary(stats: readonly ProxyStats[]): string {
  const sum = (pick: (s: ProxyStats) => number): number => stats.reduce((total, s) => total + pick(s), 0);
  const accepted = sum((s) => s.accepted);
  const failed = sum((s) => s.connectFailures);
  const resets = sum((s) => s.resets);
  const parts = [countOf(accepted, 'connection')];
  if (failed) parts.push(`${formatCount(failed)} of them could not reach the upstream`);
  if (resets) parts.push(`${formatCount(resets)} reset`);
  return `flowspy: ${parts.join(', ')}; ${countOf(sum((s) => s.bytesC2S), 'byte')} client to server, ${countOf(sum((s) => s.bytesS2C), 'byte')} server to client`;
}

/** Why a target that is a listener of this proxy is refused. */
function ownListener(host: string, port: number): string {
  return `${formatHostPort(host, port)} is flowspy's own listener: connections to it would loop`;
}

/** What `r` says for listener `number` when there are `listeners`: `no listener 3: there is 1 listener`. */
export function noListener(number: number, listeners: number): string {
  return `no listener ${number}: there ${listeners === 1 ? 'is' : 'are'} ${countOf(listeners, 'listener')}`;
}

/** Descriptors kept for what is not a connection's: libuv's, `-w`, `--har`, the spill file (`-o`'s share is apart). */
const DESCRIPTOR_RESERVE = 32;
/** The share of the free descriptors `-o` may keep open in proxy mode (see outputs/descriptorBudget.ts). */
const FILES_SHARE = 1 / 8;

/**
 * A check to run after each connection accepted: once the connections open (`open()`, two
 * descriptors each) leave fewer than {@link DESCRIPTOR_RESERVE} descriptors free, beside `-o`'s
 * share ({@link FILES_SHARE}, counted whether or not `-o` was given), `onProblem`
 * hears it, once. libuv then closes the connections it cannot accept without telling Node, so
 * this is the only word of them. Nothing to check where /proc cannot tell the limit.
 */
function descriptorWatch(open: () => number, onProblem: ((line: string) => void) | undefined): (() => void) | undefined {
  const now = onProblem === undefined ? undefined : descriptors();
  if (now === undefined || now.limit === Number.MAX_SAFE_INTEGER) return undefined;
  const free = now.limit - now.open;
  const most = Math.max(1, Math.floor((free - Math.floor(free * FILES_SHARE) - DESCRIPTOR_RESERVE) / 2));
  let told = false;
  return () => {
    if (told || open() < most) return;
    told = true;
    onProblem!(`${countOf(open(), 'connection')} at once come near the open-files limit (ulimit -n ${now.limit}): more may be refused unseen; raise the limit`);
  };
}

/**
 * Two `-L` that would listen on one port of one address, or of all of an address family's
 * (`0.0.0.0`: every IPv4 address; `::`, dual-stack: every address): refused before anything
 * listens, rather than saying the first listens and the second cannot.
 * @throws UserError naming both.
 */
function refuseSharedListens(specs: readonly ForwardSpec[], texts: readonly string[]): void {
  // `::` (dual-stack) takes every address; `0.0.0.0` every IPv4 one.
  const covers = (wide: string, other: string): boolean => isWildcard(wide) && (isIPv6(wide) || isIPv4(other));
  const clash = (a: string, b: string): boolean => a === b || covers(a, b) || covers(b, a);
  for (let i = 0; i < specs.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [specs[j], specs[i]];
      if (a.bindPort === 0 || a.bindPort !== b.bindPort) continue;
      if (clash(a.bindAddress, b.bindAddress)) {
        throw new UserError(`-L "${texts[i]}" would listen where -L "${texts[j]}" does (${formatHostPort(b.bindAddress, b.bindPort)}): give each its own port`);
      }
    }
  }
}

/** `host:port` or `[v6]:port` → host and port, as an -L target. @throws UserError */
function parseTarget(text: string): { host: string; port: number } {
  const target = parseHostPort(text);
  if (target === undefined) throw new UserError(`bad target "${text}": ${hostPortProblem(text)}`);
  return target;
}
