/**
 * An error a user caused or must act on (bad flag, unreadable file, damaged capture).
 * The CLI prints `message` as one line, without a stack trace, and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The one error a decoder may throw for malformed input (a frame, a header, a record).
 * Callers count it and skip the input; it must never escape to the user as a crash.
 */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}
