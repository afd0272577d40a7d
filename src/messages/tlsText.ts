/**
 * TLS hellos in words, for the flow list and the messages mode: what the client offered and what
 * the server chose (read in clear) or chose out of sight (TLS 1.3 sends its ALPN choice encrypted).
 */
import type { ClientHello, ServerHello, TlsHellos } from './tls.js';
import { cipherSuiteName, tlsVersionName } from './tlsNames.js';

/**
 * One line for a flow list or a header: `TLS api.example.com h2` when the server's ServerHello
 * chose that ALPN, `TLS api.example.com (offers h2,http/1.1)` when only the client's offer is known
 * (no ServerHello, none in it, or TLS 1.3, which sends the choice encrypted); `TLS (mid-stream)`
 * when the flow was joined after the hellos.
 */
export function tlsSummary(hellos: TlsHellos): string {
  if (hellos.midStream) return 'TLS (mid-stream)';
  const client = hellos.client;
  const parts = ['TLS'];
  if (client?.sni) parts.push(client.sni);
  if (hellos.server?.alpn !== undefined) parts.push(hellos.server.alpn);
  else if (client?.alpn.length) parts.push(`(offers ${client.alpn.join(',')})`);
  return parts.join(' ');
}

/**
 * One line describing the client's offer: `SNI api.example.com  ALPN h2,http/1.1  TLS 1.3,1.2
 * 17 cipher suites` (`no SNI` without one; no ALPN part when none is offered).
 */
export function clientOffer(hello: ClientHello): string {
  const parts = [hello.sni ? `SNI ${hello.sni}` : 'no SNI'];
  if (hello.alpn.length > 0) parts.push(`ALPN ${hello.alpn.join(',')}`);
  if (hello.versions.length > 0) parts.push(versionList(hello.versions));
  parts.push(`${hello.cipherSuites.length} cipher suites`);
  return parts.join('  ');
}

/** `TLS 1.3,1.2`: version names joined, a repeated `TLS ` said once. */
function versionList(versions: readonly number[]): string {
  const names = versions.map(tlsVersionName);
  return names.map((name, i) => (i > 0 && name.startsWith('TLS ') && names[i - 1].startsWith('TLS ') ? name.slice(4) : name)).join(',');
}

/**
 * One line describing the server's choice: `TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256  ALPN h2`.
 * When the client offered ALPN (or its hello is unknown) and the ServerHello names none, it says
 * why: `ALPN sent encrypted` (TLS 1.3 sends the choice in its encrypted extensions) or `no ALPN`. A HelloRetryRequest says so instead.
 */
export function serverChoice(hello: ServerHello, client: ClientHello | undefined): string {
  const choice = `${tlsVersionName(hello.version)} ${cipherSuiteName(hello.cipherSuite)}`;
  if (hello.helloRetry) return `${choice} (HelloRetryRequest)`;
  if (hello.alpn !== undefined) return `${choice}  ALPN ${hello.alpn}`;
  if (client && client.alpn.length === 0) return choice;
  return `${choice}  ${isTls13(hello.version) ? 'ALPN sent encrypted' : 'no ALPN'}`;
}

/** TLS 1.3 or one of its drafts, whose server sends its ALPN choice in EncryptedExtensions, encrypted. */
function isTls13(version: number): boolean {
  return version === 0x0304 || version >> 8 === 0x7f;
}
