/**
 * Classic hex dump lines (the `hexdump -C` layout), safe for a terminal.
 */

const HEX = '0123456789abcdef';
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => HEX[b >> 4] + HEX[b & 15]);
const BYTE_ASCII: readonly string[] = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** Bytes shown per hex dump line. */
export const HEX_BYTES_PER_LINE = 16;

/**
 * One line per 16 bytes of `bytes`, the first labelled `startOffset`:
 * `00000010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|`.
 * The offset is lower-case hex, at least 8 digits (more when it needs them); two spaces; 8
 * bytes, one extra space, 8 bytes; two spaces; the bytes between `|` with every byte outside
 * printable ASCII 0x20..0x7e shown as `.`. A short last line is padded so the text column
 * stays aligned. Empty input gives no lines. (Blessed tag characters `{` `}` are not escaped
 * here: apply `escapeBlessedTags` for a blessed widget.)
 */
export function hexDumpLines(bytes: Uint8Array, startOffset = 0): string[] {
  const lines: string[] = [];
  for (let base = 0; base < bytes.length; base += HEX_BYTES_PER_LINE) {
    const end = Math.min(base + HEX_BYTES_PER_LINE, bytes.length);
    let line = formatOffset(startOffset + base) + ' ';
    let ascii = '';
    for (let k = 0; k < HEX_BYTES_PER_LINE; k++) {
      if (k === 8) line += ' ';
      const i = base + k;
      if (i < end) {
        line += ' ' + BYTE_HEX[bytes[i]];
        ascii += BYTE_ASCII[bytes[i]];
      } else {
        line += '   ';
      }
    }
    lines.push(`${line}  |${ascii}|`);
  }
  return lines;
}

/** Offset label: lower-case hex, zero-padded to at least 8 digits. */
export function formatOffset(offset: number): string {
  return offset.toString(16).padStart(8, '0');
}
