/**
 * SMTP dot-stuffing (RFC 5321 4.5.2): a client sends a `.` before each line of a mail that
 * begins with one; the receiver drops it. The parser counts those dots as it reads a DATA block
 * (`LineItem.stuffed`, see `mailLength`); {@link undoDotStuffing} drops them, for what shows or
 * saves a mail.
 */

const DOT = 0x2e;
const LF_DOT = Buffer.from('\n.', 'latin1');

/**
 * `bytes` of a DATA block without the first `.` of each line (`lineStart`: `bytes[0]` begins a
 * line; a slice of a block read in parts passes whether the slice before ended with LF).
 * Returns `bytes` itself when no line of it begins with a dot, else a new buffer.
 */
export function undoDotStuffing(bytes: Uint8Array, lineStart: boolean): Uint8Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let from = lineStart && buffer[0] === DOT ? 1 : 0;
  let at = buffer.indexOf(LF_DOT, from);
  if (from === 0 && at < 0) return bytes;
  const parts: Uint8Array[] = [];
  while (at >= 0) {
    parts.push(buffer.subarray(from, at + 1));
    from = at + 2;
    at = buffer.indexOf(LF_DOT, from);
  }
  parts.push(buffer.subarray(from));
  return Buffer.concat(parts);
}
