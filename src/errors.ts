/**
 * The one error type that command-line tasks turn into a one-line message and an exit code.
 *
 * @module
 */

/** A problem with the user's input (flags, data files, run folders): exit code 2 unless stated. */
export class UsageError extends Error {
  /** The process exit code a task ends with when it reports this error. */
  readonly exitCode: number;

  /** A one-line `message` for the user, and the exit code (2 by default). */
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UsageError";
    this.exitCode = exitCode;
  }
}
