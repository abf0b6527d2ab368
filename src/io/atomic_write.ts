/**
 * Atomic file writes: write a temporary file beside the target, then rename it over the target,
 * so a reader (or a crash, or a full disk) never sees half a file and an earlier complete file is
 * never lost.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { DiskFullError, isDiskFull } from "../errors.ts";

/**
 * Writes `data` to `path` atomically (temporary file in the same folder, then rename). On a full
 * disk, the temporary file is removed, `path` keeps what it held, and a one-line
 * {@linkcode DiskFullError} names it.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw isDiskFull(err) ? new DiskFullError(path) : err;
  }
}
