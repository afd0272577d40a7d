import { describe, expect, it } from 'vitest';
import { TlsHellos } from '../../src/messages/tls.js';
import { clientOffer, serverChoice, tlsSummary } from '../../src/messages/tlsText.js';
import { clientHello, records, serverHello } from './tlsBuild.js';

/** Hellos read from a ClientHello offering `alpn` and, when given, a ServerHello. */
function hellos(alpn: string[], server?: { version: number; alpn?: string }): TlsHellos {
  const out = new TlsHellos();
  out.feed('c2s', 0, records(clientHello('api.example.com', alpn, [0x0304, 0x0303])), 1);
  if (server) out.feed('s2c', 0, records(serverHello(server.version, server.version === 0x0304 ? 0x1301 : 0xc02f, server.alpn)), 2);
  return out;
}

describe('TLS summary for the flow list', () => {
  it('names the ALPN the server chose in its ServerHello (TLS 1.2)', () => {
    expect(tlsSummary(hellos(['h2', 'http/1.1'], { version: 0x0303, alpn: 'h2' }))).toBe('TLS api.example.com h2');
  });

  it('marks the ALPN as only offered when no choice was seen in clear', () => {
    const offered = 'TLS api.example.com (offers h2,http/1.1)';
    expect(tlsSummary(hellos(['h2', 'http/1.1'], { version: 0x0304 })), 'TLS 1.3: chosen in EncryptedExtensions').toBe(offered);
    expect(tlsSummary(hellos(['h2', 'http/1.1'])), 'no ServerHello').toBe(offered);
    expect(tlsSummary(hellos(['h2', 'http/1.1'], { version: 0x0303 })), 'TLS 1.2 ServerHello without ALPN').toBe(offered);
  });

  it('says nothing of ALPN when none was offered', () => {
    expect(tlsSummary(hellos([], { version: 0x0303 }))).toBe('TLS api.example.com');
  });
});

describe('TLS ServerHello line', () => {
  it('names the version, the suite, and the ALPN the server chose', () => {
    const h = hellos(['spdy/3.1', 'http/1.1'], { version: 0x0303, alpn: 'spdy/3.1' });
    expect(serverChoice(h.server!, h.client)).toBe('TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256  ALPN spdy/3.1');
  });

  it('says the choice is encrypted in TLS 1.3, and that none was made in TLS 1.2, when ALPN was offered', () => {
    const tls13 = hellos(['h2'], { version: 0x0304 });
    expect(serverChoice(tls13.server!, tls13.client)).toBe('TLS 1.3 TLS_AES_128_GCM_SHA256  ALPN sent encrypted');
    const none = hellos(['h2'], { version: 0x0303 });
    expect(serverChoice(none.server!, none.client)).toBe('TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256  no ALPN');
  });

  it('says nothing of ALPN when none was offered', () => {
    const h = hellos([], { version: 0x0304 });
    expect(serverChoice(h.server!, h.client)).toBe('TLS 1.3 TLS_AES_128_GCM_SHA256');
  });
});

describe('TLS ClientHello line', () => {
  it('names the server, the ALPN and versions offered, and counts the cipher suites (GREASE left out)', () => {
    expect(clientOffer(hellos(['h2', 'http/1.1']).client!)).toBe('SNI api.example.com  ALPN h2,http/1.1  TLS 1.3,1.2  3 cipher suites');
  });

  it('says when there is no SNI, and leaves out an empty ALPN list', () => {
    const out = new TlsHellos();
    out.feed('c2s', 0, records(clientHello('', [], [0x0303, 0x0300])), 1);
    expect(clientOffer({ ...out.client!, sni: undefined })).toBe('no SNI  TLS 1.2,SSL 3.0  3 cipher suites');
  });
});
