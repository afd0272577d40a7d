/** What a `TextSink` was given (a string or UTF-8 bytes), as a string: for tests that gather output text. */
export function textOf(chunk: string | Uint8Array): string {
  return typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('utf8');
}
