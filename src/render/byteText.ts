/**
 * A growable byte buffer that output text is gathered in as UTF-8, reused batch after batch:
 * append, hand on {@link ByteText.view} (valid until the next append or `clear`), `clear`.
 */
export class ByteText {
  /** Backing store; bytes `[0, length)` are the text. Replaced when it grows. */
  buffer: Buffer;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, capacity));
  }

  /** Makes room for `bytes` more bytes (doubling), keeping what was written. */
  reserve(bytes: number): void {
    const need = this.length + bytes;
    if (need <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < need) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** Appends `bytes[start..end)`. */
  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    this.buffer.set(bytes.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** Appends one byte. */
  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** The bytes appended since the last `clear`: a view, valid until the next append or `clear`. */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}
