// Shared test helpers: where the shared folder and the goldens are, and running a task as a user would.

import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SMALL_PRESET, type TrainConfig } from "../src/train/config.ts";

/** `../shared/` beside the checkout. */
export const SHARED = fileURLToPath(new URL("../../shared/", import.meta.url));

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * A config that trains in a fraction of a second per epoch on cpu: the small preset's loop on 600
 * characters, hidden 8, batch 3 × 5 steps, 2 epochs; `changes` over it.
 */
export function tinyConfig(changes: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...SMALL_PRESET,
    epochs: 2,
    corpusChars: 600,
    hidden: 8,
    batchSize: 3,
    numSteps: 5,
    predLen: 5,
    prefixes: ["分开"],
    ...changes,
  };
}

/** Reads a JSON file under `golden/`. */
export function readGolden<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(`${ROOT}golden/${name}`));
}

/** `deno task <name> ...args`'s own command line (deno.json's, with its permissions) for `deno`. */
function taskArgv(name: string, args: string[]): string[] {
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

/** The chapter's prepared corpus, as the autograder grades with it. */
export async function chapterText(): Promise<import("../src/grade/exercises/mod.ts").ChapterText> {
  const { loadCorpus } = await import("../src/data/corpus.ts");
  const { prepareCorpus } = await import("../src/data/read_corpus.ts");
  const corpus = await loadCorpus({ searchDirs: [`${SHARED}data`], fetch: null });
  return { chars: prepareCorpus(corpus.text) };
}

let grader: Promise<import("../src/grade/grader.ts").Grader> | undefined;

/** One autograder over the chapter's corpus per test process: its expected answers are computed once. */
export function sharedGrader(): Promise<import("../src/grade/grader.ts").Grader> {
  grader ??= (async () => {
    const { Grader } = await import("../src/grade/grader.ts");
    return new Grader(await chapterText());
  })();
  return grader;
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

/** Whether the `python3` on `PATH` can import `module` (the optional Python checks need it). */
export async function pythonCanImport(module: string): Promise<boolean> {
  const out = await new Deno.Command("python3", {
    args: ["-c", `import ${module}`],
    stderr: "null",
  })
    .output().catch(() => ({ success: false }));
  return out.success;
}
