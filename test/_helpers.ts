// The helpers of the tests in test/: running a task as a user would, and a python3 with or without
// the packages the optional checks need; with what both tiers share (src/testing.ts).

import { delimiter, join } from "node:path";
import { ROOT } from "../src/testing.ts";
import { findPython } from "../src/io/python.ts";
import type { Summary } from "../src/sweep/summary.ts";

export {
  chapterText,
  readGolden,
  ROOT,
  SHARED,
  sharedGrader,
  tinyConfig,
  tinyFlags,
} from "../src/testing.ts";

/** `deno task <name> ...args`'s own command line (deno.json's, with its permissions) for `deno`. */
export function taskArgv(name: string, args: string[]): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  return tasks[name]
    .replace(/^deno run /, `run --config ${ROOT}deno.json `)
    .replace(/ tasks\//, ` ${ROOT}tasks/`)
    .split(" ")
    .concat(args);
}

/**
 * Runs `deno task <name> ...args` as a user would and returns its exit code and output. With `cwd`,
 * the task's own command line (from deno.json, with its permissions) runs in that folder instead.
 */
export async function runTask(
  name: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = opts.cwd === undefined ? ["task", "--quiet", name, ...args] : taskArgv(name, args);
  const out = await new Deno.Command(Deno.execPath(), {
    args: argv,
    cwd: opts.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...opts.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Starts the task `name`'s own command line (no `deno task` process between, so that a signal
 * sent to it reaches the task) in the project's root, its output piped.
 */
export function spawnTask(name: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: taskArgv(name, args),
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The first `python3` on `PATH`, or `undefined` when there is none. */
function realPython(): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    try {
      if (dir && Deno.statSync(join(dir, "python3")).isFile) return join(dir, "python3");
    } catch { /* not here */ }
  }
  return undefined;
}

/** A `PATH` with no `python3` on it: one empty folder. */
export function pathWithoutPython(): Promise<string> {
  return Deno.makeTempDir({ prefix: "rnnlab-no-python-" });
}

/**
 * A `PATH` whose first `python3` is the machine's own with `packages` unimportable, as on a fresh
 * machine (where `python3` has no numpy, onnx or torch); `undefined` where there is no `python3`
 * to wrap.
 */
export async function pathWithPythonLacking(packages: string[]): Promise<string | undefined> {
  const python = realPython();
  if (!python) return undefined;
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-python-" });
  for (const name of packages) {
    await Deno.mkdir(join(dir, "blocked", name), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "blocked", name, "__init__.py"),
      `raise ModuleNotFoundError("No module named '${name}'", name="${name}")\n`,
    );
  }
  const stub = join(dir, "python3");
  await Deno.writeTextFile(
    stub,
    `#!/bin/sh\nPYTHONPATH="${join(dir, "blocked")}" exec "${python}" "$@"\n`,
  );
  await Deno.chmod(stub, 0o755);
  return `${dir}${delimiter}${Deno.env.get("PATH") ?? ""}`;
}

/** Whether a Python that the tasks try (`src/io/python.ts`) can import `module`. */
export async function pythonCanImport(module: string): Promise<boolean> {
  return (await findPython(module)).python !== undefined;
}

/** summary.json of the sweep folder `dir`. */
export async function summaryOf(dir: string): Promise<Summary> {
  return JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
}

/** A summary without what may differ between two sweeps of one plan: times and folders. */
export function timeless(summary: Summary) {
  return {
    ...summary,
    runs: summary.runs.map(({ seconds: _, secondsPerEpoch: __, dir: ___, ...r }) => r),
    aggregate: summary.aggregate.map(({ secondsPerEpoch: _, ...a }) => a),
  };
}

/** A CSV line's cells, quotes kept. */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      out.push(cell);
      cell = "";
    } else cell += c;
  }
  return [...out, cell];
}

/** grades.csv without its seconds column. */
export async function gradesWithoutTime(out: string): Promise<string[]> {
  const lines = (await Deno.readTextFile(join(out, "grades.csv"))).trimEnd().split("\r\n");
  const seconds = csvCells(lines[0]).indexOf("seconds");
  return lines.map((line) => csvCells(line).filter((_, i) => i !== seconds).join(","));
}
