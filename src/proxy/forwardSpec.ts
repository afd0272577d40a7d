/**
 * Parsing of ssh-style `-L` forward specifications: `[bind:]port:host:hostport`.
 * One job: text in, a validated {@link ForwardSpec} out, or a one-line {@link UserError}.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UserError } from '../core/errors.js';

/** Where the proxy listens and where it forwards each accepted connection. */
export interface ForwardSpec {
  /** Local address to listen on: an IPv4/IPv6 literal (no brackets) or a host name. */
  readonly bindAddress: string;
  /** Local port, 0..65535 (0 = an ephemeral port chosen by the system). */
  readonly bindPort: number;
  /** Target host: a name (resolved at each connect) or an IPv4/IPv6 literal (no brackets). */
  readonly targetHost: string;
  /** Target port, 1..65535. */
  readonly targetPort: number;
}

/** The bind address used when a spec names none: loopback only, never all interfaces. */
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

const EXPECTED = 'expected [bind:]port:host:hostport';

/**
 * Parses `[bind:]port:host:hostport` (the syntax of `ssh -L`).
 *
 * - `bind` defaults to `127.0.0.1`. All interfaces only when asked: `*` or `0.0.0.0` gives
 *   `0.0.0.0`, `[::]` gives `::`. An empty bind (`:8080:host:80`) is rejected rather than
 *   silently exposing the port.
 * - IPv6 literals go in brackets, for the bind address and the host alike:
 *   `[::1]:8080:[::1]:80`, `8080:[2001:db8::1]:443`. The brackets are removed in the result.
 * - Ports are decimal; the bind port may be 0 (ephemeral), the target port must be 1..65535.
 * - Host names are accepted as written (letters, digits, `-`, `.`, `_`) and resolved later,
 *   at connect time.
 *
 * @throws UserError with one line such as `bad -L "80:x": expected [bind:]port:host:hostport`.
 */
export function parseForwardSpec(text: string): ForwardSpec {
  const fail = (why: string): never => {
    throw new UserError(`bad -L "${text}": ${why}`);
  };
  const parts = splitOutsideBrackets(text);
  if (parts === undefined) return fail(`unbalanced brackets, ${EXPECTED}`);
  if (parts.length !== 3 && parts.length !== 4) return fail(EXPECTED);
  const [bindText, bindPortText, hostText, hostPortText] =
    parts.length === 4 ? parts : [undefined, parts[0], parts[1], parts[2]];

  const bindPort = parsePort(bindPortText, 0);
  if (bindPort === undefined) return fail(`listen port "${bindPortText}" is not a number in 0..65535`);
  const targetPort = parsePort(hostPortText, 1);
  if (targetPort === undefined) return fail(`target port "${hostPortText}" is not a number in 1..65535`);

  let bindAddress = DEFAULT_BIND_ADDRESS;
  if (bindText !== undefined) {
    if (bindText === '*') bindAddress = '0.0.0.0';
    else if (bindText === '') return fail('empty bind address: give 0.0.0.0 (or *) to listen on all interfaces, or leave it out for 127.0.0.1');
    else {
      const bind = parseHost(bindText);
      if (bind === undefined) return fail(`bad bind address "${bindText}", ${EXPECTED}`);
      bindAddress = bind;
    }
  }
  const targetHost = parseHost(hostText);
  if (targetHost === undefined) return fail(`bad target host "${hostText}", ${EXPECTED}`);
  return { bindAddress, bindPort, targetHost, targetPort };
}

/**
 * `host:port` or `[v6]:port` by the rules of an -L target (host and port as {@link
 * parseForwardSpec} checks them, brackets removed); undefined when `text` is not one.
 */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const parts = splitOutsideBrackets(text);
  if (parts === undefined || parts.length !== 2) return undefined;
  const host = parseHost(parts[0]);
  const port = parsePort(parts[1], 1);
  return host === undefined || port === undefined ? undefined : { host, port };
}

/**
 * Why `text` is not a target {@link parseHostPort} takes, in the words `-L` uses for the same
 * fault: `port "99999" is not a number in 1..65535`, `bad host "a b"`, `expected host:port`.
 */
export function hostPortProblem(text: string): string {
  const parts = splitOutsideBrackets(text);
  if (parts === undefined || parts.length !== 2) return 'expected host:port';
  if (parsePort(parts[1], 1) === undefined) return `port "${parts[1]}" is not a number in 1..65535`;
  return parseHost(parts[0]) === undefined ? `bad host "${parts[0]}", expected host:port` : 'expected host:port';
}

/** Splits on `:` outside `[...]`; undefined when brackets do not balance or nest. */
function splitOutsideBrackets(text: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let inBracket = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') {
      if (inBracket) return undefined;
      inBracket = true;
    } else if (c === ']') {
      if (!inBracket) return undefined;
      inBracket = false;
    } else if (c === ':' && !inBracket) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (inBracket) return undefined;
  parts.push(text.slice(start));
  return parts;
}

/** A decimal port in min..65535, or undefined. */
function parsePort(text: string, min: number): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= min && port <= 65535 ? port : undefined;
}

const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

/** `[v6]` → v6 (must be a valid IPv6 literal); IPv4 literal or host name as is; else undefined. */
function parseHost(text: string): string | undefined {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return undefined;
    const inner = text.slice(1, -1);
    return isIPv6(inner) ? inner : undefined;
  }
  if (isIPv4(text)) return text;
  if (/^[0-9.]+$/.test(text)) return undefined; // looks numeric but is not a valid IPv4 literal
  return HOST_NAME.test(text) ? text : undefined;
}
