/**
 * Endpoints for display.
 */
import type { Endpoint } from '../core/types.js';
import { escapeText } from './escape.js';

/**
 * `10.0.0.1:80` for IPv4, `[2001:db8::1]:80` for IPv6 (any address with a `:`). The address
 * goes through `escapeText`, so even an odd address string (from a proxy) is safe to show.
 */
export function formatEndpoint(endpoint: Endpoint): string {
  const addr = escapeText(endpoint.addr);
  return addr.includes(':') ? `[${addr}]:${endpoint.port}` : `${addr}:${endpoint.port}`;
}
