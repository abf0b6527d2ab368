/**
 * Ctrl-C and `kill` as a request to stop: SIGINT and SIGTERM abort an `AbortSignal`, which a long
 * task checks at its own safe points (training: between two steps), and the task then exits with
 * the shell's code for the signal (128 + its number: 130, 143).
 *
 * @module
 */

import { EXIT } from "../errors.ts";

/** The signals that ask a task to stop, with the exit code each ends it with. */
const STOP_SIGNALS = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm } as const;

/** A stop request by signal. */
export interface StopRequest {
  /** Aborted by the first SIGINT or SIGTERM; its `reason` is the signal's name. */
  signal: AbortSignal;
  /** The exit code for the signal received (0 before any). */
  exitCode(): number;
  /** Stops listening (the signals' default action returns). */
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM. The first aborts the request's signal; a second one ends the
 * process at once (what is written stays written: every file is written atomically).
 */
export function stopOnSignals(): StopRequest {
  const controller = new AbortController();
  let code = 0;
  const listeners = Object.entries(STOP_SIGNALS).flatMap(([name, exitCode]) => {
    const signal = name as Deno.Signal;
    const listener = () => {
      if (controller.signal.aborted) Deno.exit(exitCode);
      code = exitCode;
      controller.abort(signal);
    };
    try {
      Deno.addSignalListener(signal, listener);
      return [{ signal, listener }];
    } catch {
      return []; // SIGTERM cannot be listened for on Windows
    }
  });
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose() {
      for (const { signal, listener } of listeners) Deno.removeSignalListener(signal, listener);
    },
  };
}
