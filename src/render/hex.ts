/**
 * Classic hex dump lines (the `hexdump -C` layout), safe for a terminal; narrower rows (8 or 4
 * bytes) for a pane that 16 do not fit.
 */

const HEX = '0123456789abcdef';
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => HEX[b >> 4] + HEX[b & 15]);
const BYTE_ASCII: readonly string[] = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** Bytes shown per hex dump line. */
export const HEX_BYTES_PER_LINE = 16;

/**
 * One line per 16 bytes (`bytesPerRow`) of `bytes`, the first labelled `startOffset`:
 * `00000010  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|`.
 * The offset is lower-case hex, 8 digits or as many as the last line's offset needs (every
 * line's label as wide, so the columns stay aligned past 4 GiB); two spaces (one when `tight`);
 * the bytes, one extra space after every 8; two spaces; the bytes between `|` with every byte
 * outside printable ASCII 0x20..0x7e shown as `.`. A short last line is padded so the text
 * column stays aligned. Empty input gives no lines. (Blessed tag characters `{` `}` are not
 * escaped here: apply `escapeBlessedTags` for a blessed widget.)
 */
export function hexDumpLines(bytes: Uint8Array, startOffset = 0, bytesPerRow = HEX_BYTES_PER_LINE, tight = false): string[] {
  const lines: string[] = [];
  const lastLabel = startOffset + Math.max(0, Math.ceil(bytes.length / bytesPerRow) - 1) * bytesPerRow;
  const digits = offsetDigits(lastLabel);
  for (let base = 0; base < bytes.length; base += bytesPerRow) {
    const end = Math.min(base + bytesPerRow, bytes.length);
    let line = formatOffset(startOffset + base, digits) + (tight ? '' : ' ');
    let ascii = '';
    for (let k = 0; k < bytesPerRow; k++) {
      if (k > 0 && k % 8 === 0) line += ' ';
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

/** Columns of a hex dump line of `bytesPerRow` bytes with an offset of `digits` (78 for 16 at 8 digits), one less when `tight`. */
export function hexLineColumns(bytesPerRow: number, digits = 8, tight = false): number {
  return digits + (tight ? 0 : 1) + 3 * bytesPerRow + Math.ceil(bytesPerRow / 8) - 1 + 3 + bytesPerRow + 1;
}

/** How hex dump rows are laid out: bytes a row, and one space after the offset rather than two (`tight`). */
export interface HexLayout {
  readonly bytesPerRow: number;
  readonly tight: boolean;
}

/**
 * {@link hexBytesFitting}, where past 4 GiB (an offset of 9 digits or more) a row keeps its bytes
 * by giving up the second space after the offset: 16 bytes a row in 78 columns up to 64 GiB.
 */
export function hexLayoutFitting(columns: number, lastOffset = 0): HexLayout {
  const digits = offsetDigits(lastOffset);
  for (const bytesPerRow of [16, 8, 4]) {
    if (columns >= hexLineColumns(bytesPerRow, digits)) return { bytesPerRow, tight: false };
    if (digits > 8 && columns >= hexLineColumns(bytesPerRow, digits, true)) return { bytesPerRow, tight: true };
  }
  return { bytesPerRow: 4, tight: digits > 8 };
}

/**
 * Bytes per hex dump row that fit `columns` when the dump's offsets reach `lastOffset` (its
 * digits count: past 4 GiB an offset takes 9): 16, else 8, else 4.
 */
export function hexBytesFitting(columns: number, lastOffset = 0): number {
  const digits = offsetDigits(lastOffset);
  return columns >= hexLineColumns(16, digits) ? 16 : columns >= hexLineColumns(8, digits) ? 8 : 4;
}

/** One line of a 16-byte hex dump, by what it shows: `bytes[offset, offset + 16)`, labelled `offset`. */
export interface HexRow {
  readonly bytes: Uint8Array;
  readonly offset: number;
}

/** The bytes of `row` as dump lines of `bytesPerRow` bytes (a pane too narrow for 16 a line). */
export function hexRowLines(row: HexRow, bytesPerRow: number): string[] {
  return hexDumpLines(row.bytes.subarray(row.offset, row.offset + HEX_BYTES_PER_LINE), row.offset, bytesPerRow);
}

/** Offset label: lower-case hex, zero-padded to at least `digits` (8) digits. */
export function formatOffset(offset: number, digits = 8): string {
  return offset.toString(16).padStart(digits, '0');
}

/** Digits of `offset`'s label: 8, more past 4 GiB. */
function offsetDigits(offset: number): number {
  return Math.max(8, offset.toString(16).length);
}
