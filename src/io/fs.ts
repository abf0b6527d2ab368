/**
 * The file helpers every layer uses: making a folder the user named, checking it takes a file,
 * reading a JSON file, asking whether a path exists; a path that cannot be written or read is
 * said so in plain words ({@linkcode fsReason}), as a one-line {@linkcode UsageError}.
 *
 * @module
 */

import { resolve } from "node:path";
import { isDiskFull, UsageError } from "../errors.ts";

/** Why a file-system call failed, in words a user can act on. */
export function fsReason(err: unknown): string {
  if (err instanceof Deno.errors.NotCapable) return "that place cannot be written to";
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotADirectory) return "a part of the path is a file";
  if (err instanceof Deno.errors.NotFound) return "a folder on the way does not exist";
  if (err instanceof Deno.errors.AlreadyExists) return "it already exists";
  if (err instanceof Deno.errors.IsADirectory) return "it is a folder";
  if (isDiskFull(err)) return "no space left on the device";
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0].replace(/ \(os error \d+\).*$/, "");
}

/**
 * Makes sure the folder `dir` exists, creating it and its parents; otherwise a one-line
 * {@linkcode UsageError} naming `flag`. Returns the folder.
 */
export async function makeDir(flag: string, dir: string): Promise<string> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`${flag} ${dir} cannot be written: ${fsReason(err)}`);
  }
  return dir;
}

/**
 * Makes sure the folder `dir` exists ({@linkcode makeDir}) and that a file can be written in it;
 * otherwise a one-line {@linkcode UsageError} naming `flag`. Returns the folder.
 */
export async function writableDir(flag: string, dir: string): Promise<string> {
  await makeDir(flag, dir);
  try {
    const probe = resolve(dir, `.write-test-${crypto.randomUUID()}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new UsageError(`${flag} ${dir} cannot be written: ${fsReason(err)}`);
  }
  return dir;
}

/** Whether `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Reads the JSON file `path`, or `undefined` when there is none. One that cannot be read or is not
 * JSON is a one-line {@linkcode UsageError} naming `what` (the path, by default).
 */
export async function readJson<T>(path: string, what = path): Promise<T | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(`${what} cannot be read: ${fsReason(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, line breaks and all: not one line.
    throw new UsageError(`${what} is not valid JSON`);
  }
}

/**
 * What `Deno.stat` says of `path`, or `null` when nothing is there. Any other failure (a path
 * that cannot be read) is a one-line {@linkcode UsageError}.
 */
export async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
