/**
 * Finding a Python that imports what an optional check needs (`onnx` for `onnx.checker`, `torch`
 * for the benchmark's baseline), one way for every task: the first `python3` on `PATH`, then
 * Debian's `/usr/bin/python3`, which apt's `python3-*` packages serve (a pyenv or venv `python3`
 * first on `PATH` often lacks them). Where none has it, the search says which Pythons it tried and
 * why each did not do, so that a skipped check can say so.
 *
 * @module
 */

import { delimiter, isAbsolute, join } from "node:path";

/** The Pythons tried, in order: the first `python3` on `PATH`, then Debian's. */
export const PYTHON_CANDIDATES: readonly string[] = ["python3", "/usr/bin/python3"];

/** What a search found: the first Python that imports the module, and why each before it did not. */
export interface PythonSearch {
  /** The Python to run, or `undefined` when none imports the module. */
  python: string | undefined;
  /** Each candidate that did not do, with the reason: `python3 (no onnx package)`. */
  tried: string[];
}

/** Whether `path` is a file, or `undefined` without the permission to look. */
function isFile(path: string): boolean | undefined {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Whether `command` exists: an absolute path that is a file, or a name found in a folder of `PATH`;
 * `undefined` without the permissions to look.
 */
function exists(command: string): boolean | undefined {
  if (isAbsolute(command)) return isFile(command);
  if (Deno.permissions.querySync({ name: "env", variable: "PATH" }).state !== "granted") {
    return undefined;
  }
  const found = (Deno.env.get("PATH") ?? "").split(delimiter)
    .filter((dir) => dir !== "").map((dir) => isFile(join(dir, command)));
  return found.includes(true) ? true : found.includes(undefined) ? undefined : false;
}

/** Why `python` cannot serve a check that imports `module`, or `undefined` when it can. */
async function whyNot(python: string, module: string): Promise<string | undefined> {
  // Asked first, so that a task without the permission skips instead of prompting. (Deno grants
  // no `--allow-run=python3` where no python3 is found: then the permission is missing too.)
  if (Deno.permissions.querySync({ name: "run", command: python }).state !== "granted") {
    return exists(python) === false ? "not found" : `no --allow-run=${python}`;
  }
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", `import ${module}`],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return undefined;
    const error = new TextDecoder().decode(out.stderr);
    return /ModuleNotFoundError|ImportError/.test(error)
      ? `no ${module} package`
      : `import ${module} failed, exit ${out.code}`;
  } catch (err) {
    return err instanceof Deno.errors.NotFound
      ? "not found"
      : `cannot run: ${(err as Error).message}`;
  }
}

/** The first of `candidates` that imports `module`, with why each before it did not. */
export async function findPython(
  module: string,
  candidates: readonly string[] = PYTHON_CANDIDATES,
): Promise<PythonSearch> {
  const tried: string[] = [];
  for (const python of candidates) {
    const why = await whyNot(python, module);
    if (why === undefined) return { python, tried };
    tried.push(`${python} (${why})`);
  }
  return { python: undefined, tried };
}

/** Why a check that needs `module` is skipped: `no Python with onnx (tried python3 (…), …)`. */
export function noPythonWith(module: string, search: PythonSearch): string {
  return `no Python with ${module} (tried ${search.tried.join(", ") || "none"})`;
}
