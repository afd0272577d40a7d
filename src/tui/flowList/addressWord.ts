/**
 * The address words of the flow filter, as the list shows endpoints or as one would type them:
 * `10.0.0.2`, `10.0` (leading part), `10.0.0.2:80`, `2001:db8::1` or `[2001:db8::1]` (any
 * spelling of a complete IPv6 address: `0:0:0:0:0:0:0:1` is `::1`), `2001:db8:` (leading
 * part), `[2001:db8::1]:80`.
 */
import { isIPv6 } from 'node:net';
import { escapeText } from '../../render/escape.js';

/** An address word: a leading part of an address, a whole address, or an endpoint. */
export type AddressTerm =
  | { readonly kind: 'address'; readonly prefix: string }
  | { readonly kind: 'host'; readonly addr: string }
  | { readonly kind: 'endpoint'; readonly addr: string; readonly port: number };

/** Dotted IPv4 (or a leading part), or IPv6 hex groups (or a leading part), no brackets. */
const ADDRESS_PART = /^(?:\d{1,3}\.){1,3}\d{0,3}$|^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){1,7}$/i;

/** True when `text` looks like an address or a leading part of one (so `fe80:` is no field name). */
export function looksLikeAddress(text: string): boolean {
  return ADDRESS_PART.test(text) || isIPv6Text(text);
}

/**
 * The term for an address word, a one-line message for a malformed one (`[..]` that holds no
 * IPv6 address, a port over 65535), or undefined when `text` is no address word. A word that
 * starts with one `:` is a port word, not handled here.
 */
export function parseAddressWord(text: string): AddressTerm | string | undefined {
  const bracketed = /^\[([0-9a-f:.]*)\](?::(\d+))?$/i.exec(text);
  if (bracketed) {
    if (!isIPv6Text(bracketed[1])) return `bad address ${escapeText(text)}: an IPv6 address in brackets, e.g. [::1] or [::1]:80`;
    const addr = normalizeIPv6(bracketed[1]);
    if (bracketed[2] === undefined) return { kind: 'host', addr };
    const port = parsePort(bracketed[2]);
    return port === undefined ? `bad port in ${escapeText(text)}: a number 0-65535` : { kind: 'endpoint', addr, port };
  }
  const v4endpoint = /^((?:\d{1,3}\.){3}\d{1,3}):(\d+)$/.exec(text);
  if (v4endpoint) {
    const port = parsePort(v4endpoint[2]);
    return port === undefined ? `bad port in ${escapeText(text)}: a number 0-65535` : { kind: 'endpoint', addr: v4endpoint[1], port };
  }
  if (isIPv6Text(text) && !text.endsWith(':')) return { kind: 'host', addr: normalizeIPv6(text) };
  if (ADDRESS_PART.test(text) && /[.:]/.test(text) && /[0-9a-f]/i.test(text)) return { kind: 'address', prefix: text.toLowerCase() };
  return undefined;
}

/** A port number 0-65535 written in at most 5 digits, else undefined. */
export function parsePort(digits: string): number | undefined {
  if (!/^\d{1,5}$/.test(digits)) return undefined;
  const port = Number(digits);
  return port <= 65535 ? port : undefined;
}

/** A complete IPv6 address without a zone (`%eth0`): the model has none. */
function isIPv6Text(text: string): boolean {
  return /^[0-9a-f:.]+$/i.test(text) && isIPv6(text);
}

/**
 * A valid IPv6 address in the model's spelling (decode's `formatIPv6`, RFC 5952): the URL
 * parser's serialisation, which is RFC 5952's, except IPv4-mapped addresses keep a dotted tail.
 */
export function normalizeIPv6(addr: string): string {
  const text = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!mapped) return text;
  const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
  return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}
