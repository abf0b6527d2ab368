/**
 * Paths the user types. `deno task` runs every task in the project's root, so a relative path
 * resolved there would land somewhere the user did not mean; each task resolves the paths it is
 * given from the folder the command was typed in instead (`$INIT_CWD`, which `deno task` sets
 * unless it is set already, else the working folder). And a path in a command the task prints
 * (a resume hint) is quoted for the shell ({@linkcode shellWord}).
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";

/** The sentence every task's `--help` ends with. */
export const PATHS_HELP = "Relative paths are taken from the folder you run the command in.";

/** The folder the user typed the command in: `$INIT_CWD` under `deno task`, else the cwd. */
function userDir(): string {
  const env = Deno.permissions.querySync({ name: "env", variable: "INIT_CWD" }).state;
  return (env === "granted" ? Deno.env.get("INIT_CWD") : undefined) || Deno.cwd();
}

/**
 * A path the user typed, resolved from {@linkcode userDir}; left as typed when that is the
 * working folder anyway, so that messages show it as the user wrote it.
 */
export function userPath(path: string): string {
  const dir = userDir();
  return isAbsolute(path) || resolve(dir) === resolve(Deno.cwd()) ? path : resolve(dir, path);
}
