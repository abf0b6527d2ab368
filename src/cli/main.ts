/**
 * The wrapper every task in `tasks/` runs its `main` under, so that `--help` prints the task's
 * usage, and bad input ends in one clear line on stderr and a non-zero exit code, never a stack
 * trace.
 *
 * @module
 */

import { EXIT, isDiskFull, UsageError } from "../errors.ts";
import { helpRequested } from "./flags.ts";

/**
 * Prints `usage` and exits 0 when the arguments ask for help (`--help` or `-h`), before `main`
 * runs. Otherwise runs `main(args)` and exits: 0 on success, the error's exit code for a
 * {@linkcode UsageError}, 1 for a full disk (one line too) and for anything unexpected (set
 * `RNNLAB_DEBUG=1` to see its stack).
 */
export async function runMain(
  main: (args: string[]) => Promise<number | void>,
  usage: string,
): Promise<never> {
  if (helpRequested(Deno.args)) {
    console.log(usage);
    Deno.exit(EXIT.ok);
  }
  try {
    Deno.exit((await main(Deno.args)) ?? EXIT.ok);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      Deno.exit(err.exitCode);
    }
    if (isDiskFull(err)) {
      const what = (err as Error).message.replace(/^.*\(os error \d+\):?\s*/, "");
      console.error(`error: no space left on the device${what ? ` (${what})` : ""}`);
      Deno.exit(EXIT.failed);
    }
    const debug = Deno.permissions.querySync({ name: "env", variable: "RNNLAB_DEBUG" }).state ===
        "granted" && Deno.env.get("RNNLAB_DEBUG");
    console.error(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (debug && err instanceof Error) console.error(err.stack);
    Deno.exit(EXIT.failed);
  }
}
