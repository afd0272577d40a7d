/** WebSocket frames as bytes, for the tests. */

/** A frame's bytes: `opcode`, payload, masked with `mask` when given; `fin`, `rsv1` as asked. */
export function wsFrame(opcode: number, payload: Uint8Array | string, options: { mask?: number[]; fin?: boolean; rsv1?: boolean; length64?: boolean } = {}): Uint8Array {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const n = body.length;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
  const maskBit = options.mask ? 0x80 : 0;
  let head: number[];
  if (options.length64) head = [first, maskBit | 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  else if (n < 126) head = [first, maskBit | n];
  else head = [first, maskBit | 126, n >> 8, n & 255];
  if (options.mask) {
    head.push(...options.mask);
    for (let i = 0; i < n; i++) body[i] ^= options.mask[i & 3];
  }
  return Buffer.concat([Buffer.from(head), body]);
}
