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
    // Thrown once per malformed packet and only counted: made without a stack trace, whose
    // capture cost twenty times the decoding of a good packet.
    const depth = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = depth;
    this.name = 'DecodeError';
  }
}

/** Why a file operation failed, for the codes that mean the same whatever the operation. */
const FILE_ERROR_REASONS: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EFBIG: 'file too large',
};

/**
 * A few words on why a file operation failed: `reasons` names what this operation's own codes
 * mean (ENOENT is "no such file" for a read, "no such directory" for a create), then the codes
 * common to all; otherwise the system's text of Node's `CODE: text, syscall 'path'` message
 * (or the first line of any other error's message).
 */
export function fileErrorReason(err: unknown, reasons: Readonly<Record<string, string>> = {}): string {
  const code = err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : undefined;
  const known = code === undefined ? undefined : reasons[code] ?? FILE_ERROR_REASONS[code];
  if (known !== undefined) return known;
  const message = errorLine(err);
  return /^E[A-Z0-9]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

/** The first line of an error's message (or of `String(err)`), for one-line reports. */
export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
