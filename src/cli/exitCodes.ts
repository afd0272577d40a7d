/**
 * The command's exit codes besides 0 (see the README): shared by the headless runs and the TUI.
 */

/** A proxy run during which an output (`-o`, `-w`, `--har`) failed; the proxy kept relaying. */
export const EXIT_OUTPUT_FAILED = 1;
/** Bad usage, unreadable input, or a damaged capture (everything before the damage was shown). */
export const EXIT_DAMAGED = 2;
/** Ctrl-C (or SIGTERM) stopped reading early; what was read is written out. */
export const EXIT_INTERRUPTED = 130;
