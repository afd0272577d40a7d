/**
 * TLS hellos in words, for the flow list and the messages mode: what the client offered and what
 * the server chose (read in clear) or chose out of sight (TLS 1.3 sends its ALPN choice encrypted).
 */
import type { ServerHello, TlsHellos } from './tls.js';
import { cipherSuiteName, tlsVersionName } from './tlsNames.js';

/** One line for a flow list or a header: `TLS api.example.com h2` (the chosen ALPN, else the offered ones). */
export function tlsSummary(hellos: TlsHellos): string {
  const client = hellos.client;
  const parts = ['TLS'];
  if (client?.sni) parts.push(client.sni);
  const alpn = hellos.server?.alpn ?? client?.alpn.join(',');
  if (alpn) parts.push(alpn);
  return parts.join(' ');
}

/** One line describing the server's choice: `TLS 1.3 TLS_AES_128_GCM_SHA256`. */
export function serverChoice(hello: ServerHello): string {
  return `${tlsVersionName(hello.version)} ${cipherSuiteName(hello.cipherSuite)}${hello.helloRetry ? ' (HelloRetryRequest)' : ''}`;
}
