/**
 * The one error type that command-line tasks turn into a one-line message and an exit code (with
 * its kind for a full disk), and the table of the exit codes every task and worker ends with.
 *
 * @module
 */

/**
 * The exit codes of the tasks (and of the sweep's workers, whose codes the sweep reads back):
 * the signals' are the shell's, 128 + the signal's number.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Something failed: a check, a run of a sweep, or the task itself (an unexpected error). */
  failed: 1,
  /** Bad input: a {@linkcode UsageError}'s default. */
  usage: 2,
  /** The run diverged (its loss was not finite); what was done is kept. */
  diverged: 3,
  /** The machine was not quiet enough to measure on (`deno task bench --require-quiet`). */
  busy: 4,
  /** Stopped by SIGINT (Ctrl-C). */
  sigint: 130,
  /** Stopped by SIGTERM (`kill`). */
  sigterm: 143,
} as const;

/** A problem with the user's input (flags, data files, run folders): exit code 2 unless stated. */
export class UsageError extends Error {
  /** The process exit code a task ends with when it reports this error. */
  readonly exitCode: number;

  /** A one-line `message` for the user, and the exit code ({@linkcode EXIT}`.usage` by default). */
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = "UsageError";
    this.exitCode = exitCode;
  }
}

/**
 * Whether `err` says the disk (or the user's quota) is full: `ENOSPC` or `EDQUOT`, which Deno
 * reports as an `Error` with that `code` and `(os error 28)` or `(os error 122)` in its message.
 */
export function isDiskFull(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return code === "ENOSPC" || code === "EDQUOT" || /\(os error (28|122)\)/.test(err.message);
}

/**
 * A write that found the disk full: `path` was not written, and what was written before is kept
 * (every file is written whole or not at all). Exit code 1: the input was fine, the machine not.
 */
export class DiskFullError extends UsageError {
  /** The file that could not be written. */
  readonly path: string;

  /** The error for the file `path`. */
  constructor(path: string) {
    super(
      `no space left on the device to write ${path}; the files written before are kept`,
      EXIT.failed,
    );
    this.name = "DiskFullError";
    this.path = path;
  }
}
