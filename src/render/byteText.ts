/**
 * A growable byte buffer that output text is gathered in as UTF-8, reused batch after batch:
 * append, hand on {@link ByteText.view} (valid until the next append or `clear`), `clear`.
 */
export class ByteText {
  /** Backing store; bytes `[0, used)` are the text. Replaced when it grows. */
  private buffer: Buffer;
  private used = 0;

  constructor(capacity = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(16, capacity));
  }

  /** Bytes appended since the last `clear`. */
  get length(): number {
    return this.used;
  }

  /**
   * Room for `bytes` more bytes, for a caller that writes them itself: returns the buffer to
   * write in from index {@link length} (valid until the next append or `clear`); then
   * {@link wroteTo} says where the writing ended.
   */
  room(bytes: number): Buffer {
    this.reserve(bytes);
    return this.buffer;
  }

  /** Ends a write into {@link room}: the text now ends at `end` (from `length` to `length` + the room asked). */
  wroteTo(end: number): void {
    this.used = end;
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /** Appends `bytes[start..end)`. */
  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    this.buffer.set(bytes.subarray(start, end), this.used);
    this.used += end - start;
  }

  /** Appends one byte. */
  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.used++] = value;
  }

  /** The bytes appended since the last `clear`: a view, valid until the next append or `clear`. */
  view(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  /** The bytes appended since the last `clear`, decoded from UTF-8. */
  toString(): string {
    return this.buffer.toString('utf8', 0, this.used);
  }

  /** Empties the text, keeping the buffer for the next batch (views handed out become invalid). */
  clear(): void {
    this.used = 0;
  }

  /** Makes room for `bytes` more bytes (doubling), keeping what was written. */
  private reserve(bytes: number): void {
    const need = this.used + bytes;
    if (need <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < need) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
