/** Test support: TLS handshake messages and records built by hand (RFC 8446 layouts). */

export const u16 = (v: number): number[] => [v >> 8, v & 0xff];
export const u24 = (v: number): number[] => [v >> 16, (v >> 8) & 0xff, v & 0xff];
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const vec8 = (b: number[]): number[] => [b.length, ...b];
const vec16 = (b: number[]): number[] => [...u16(b.length), ...b];
const ext = (type: number, data: number[]): number[] => [...u16(type), ...vec16(data)];

/** A ClientHello handshake message: SNI, ALPN, supported_versions (with a GREASE value), suites. */
export function clientHello(sni: string, alpn: string[], versions: number[]): number[] {
  const body = [
    ...u16(0x0303), ...new Array(32).fill(7), ...vec8(new Array(32).fill(9)),
    ...vec16([...u16(0x3a3a), ...u16(0x1301), ...u16(0x1302), ...u16(0xc02f)]),
    ...vec8([0]),
    ...vec16([
      ...ext(0xdada, []),
      ...ext(0, vec16([0, ...vec16(ascii(sni))])),
      ...ext(16, vec16(alpn.flatMap((p) => vec8(ascii(p))))),
      ...ext(43, vec8([...u16(0x2a2a), ...versions.flatMap(u16)])),
    ]),
  ];
  return [1, ...u24(body.length), ...body];
}

/** A ServerHello handshake message choosing `version` (in supported_versions when TLS 1.3) and `suite`. */
export function serverHello(version: number, suite: number, alpn?: string, random = new Array(32).fill(5)): number[] {
  const exts = [...(version === 0x0304 ? ext(43, u16(0x0304)) : []), ...(alpn ? ext(16, vec16(vec8(ascii(alpn)))) : [])];
  const body = [...u16(0x0303), ...random, ...vec8([]), ...u16(suite), 0, ...vec16(exts)];
  return [2, ...u24(body.length), ...body];
}

/** Handshake bytes in TLS records of at most `size` bytes of payload each. */
export function records(handshake: number[], size = 16384): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < handshake.length; i += size) {
    const fragment = handshake.slice(i, i + size);
    out.push(22, 3, 1, ...u16(fragment.length), ...fragment);
  }
  return new Uint8Array(out);
}

