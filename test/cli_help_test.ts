// `--help` on every task: the mechanism in src/cli/, then each task run as a user would.

import assert from "node:assert/strict";
import { UsageError } from "../src/errors.ts";
import { helpRequested, parseFlags } from "../src/cli/flags.ts";
import { BENCH_FLAGS } from "../src/bench/cli.ts";
import { shellWord } from "../src/cli/flag_values.ts";
import { PATHS_HELP } from "../src/cli/paths.ts";
import { RUN_FLAGS, TRAIN_FLAGS } from "../src/run/train_flags.ts";
import { ROOT, runTask } from "./_helpers.ts";

/** Every `deno task` that runs a script in tasks/, with that script's file. */
function tasksInDenoJson(): { name: string; file: string }[] {
  const tasks: Record<string, string> = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  return Object.entries(tasks).flatMap(([name, command]) => {
    const file = command.match(/ (tasks\/\w+\.ts)$/)?.[1];
    return file === undefined ? [] : [{ name, file }];
  });
}

/** Flag tables that tasks share, by the name they import them under. */
const SHARED_TABLES: Record<string, Record<string, unknown>> = {
  BENCH_FLAGS,
  RUN_FLAGS,
  TRAIN_FLAGS,
};

/** The top-level text of the object literal that starts at `open` in `source`. */
function topLevel(source: string, open: number): string {
  let depth = 0;
  let top = "";
  for (const ch of source.slice(open)) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) break;
    else if (depth === 1) top += ch;
  }
  return top;
}

/**
 * The flag names in the first `parseFlags(args, …)` table of `source`: a literal's top-level keys,
 * or those of the constant it names (declared in the file, or a shared table), spreads included.
 */
function flagsInSource(source: string): string[] {
  const call = source.match(/parseFlags(?:AndPositionals)?\(args, (\{|[A-Z_]+)/);
  if (!call) return [];
  const name = call[1];
  if (name in SHARED_TABLES) return Object.keys(SHARED_TABLES[name]);
  const open = name === "{"
    ? source.indexOf("{", call.index)
    : source.indexOf("{", source.indexOf(`const ${name} = `));
  const top = topLevel(source, open);
  return [
    ...[...top.matchAll(/\.\.\.([A-Z_]+)/g)].flatMap((m) => Object.keys(SHARED_TABLES[m[1]] ?? {})),
    ...[...top.matchAll(/"?([a-z][\w-]*)"?\s*:/g)].map((m) => m[1]),
  ];
}

Deno.test("helpRequested: --help or -h anywhere before --, and nothing else", () => {
  const cases: [string[], boolean][] = [
    [["--help"], true],
    [["-h"], true],
    [["--epochs", "2", "-h"], true],
    [["--bogus", "--help"], true],
    [[], false],
    [["--prefix=-h"], false],
    [["--help=yes"], false],
    [["-H"], false],
    [["--", "--help"], false],
    [["-h", "--", "x"], true],
  ];
  for (const [args, expected] of cases) assert.equal(helpRequested(args), expected, args.join(" "));
});

Deno.test("a negative number after a flag is its value, checked against the flag's range", () => {
  const options = { n: { type: "string" }, x: { type: "boolean" } } as const;
  assert.deepEqual({ ...parseFlags(["--n", "-1"], options) }, { n: "-1" });
  assert.deepEqual({ ...parseFlags(["--n", "-0.5", "--x"], options) }, { n: "-0.5", x: true });
  assert.throws(() => parseFlags(["--x", "-1"], options), UsageError); // a boolean takes no value
});

Deno.test("parse errors are a UsageError (exit 2) whose one line points to --help", () => {
  for (const args of [["--bogus"], ["--n"], ["stray"]]) {
    assert.throws(() => parseFlags(args, { n: { type: "string" } }), (err) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /^[^\n]+ \(see --help\)$/);
      return true;
    });
  }
});

Deno.test("every task answers --help and -h with its usage, and an unknown flag with one line", async (t) => {
  const tasks = tasksInDenoJson();
  assert.equal(tasks.length, 13, tasks.map((x) => x.name).join(" "));
  for (const { name, file } of tasks) {
    await t.step(name, async () => {
      const flags = flagsInSource(await Deno.readTextFile(`${ROOT}${file}`));
      assert.ok(flags.length > 0, `no flag table found in ${file}`);
      const help = await runTask(name, ["--help"]);
      assert.equal(help.code, 0, help.stderr);
      assert.equal(help.stderr, "");
      assert.ok(help.stdout.startsWith(`deno task ${name} `), help.stdout);
      assert.ok(help.stdout.trimEnd().endsWith(PATHS_HELP), `${name} says how paths are taken`);
      for (const flag of flags) {
        assert.match(
          help.stdout,
          new RegExp(`--${flag}(?![\\w-])`),
          `--${flag} in ${name}'s usage`,
        );
      }
      const short = await runTask(name, ["--bogus", "-h"]);
      assert.deepEqual(short, help);
      const bad = await runTask(name, ["--bogus"]);
      assert.equal(bad.code, 2, bad.stderr);
      assert.equal(bad.stdout, "");
      assert.match(bad.stderr, /^error: Unknown option '--bogus'[^\n]* \(see --help\)\n$/);
    });
  }
});

Deno.test("bench/onnx_eps.ts answers --help too", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-ffi=node_modules",
      "bench/onnx_eps.ts",
      "-h",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(stdout, /^deno run .*\n {2}bench\/onnx_eps\.ts \[--run DIR\] \[--eps /);
});

Deno.test("shellWord: a path as one word of a command to paste, quoted only where the shell needs it", () => {
  assert.equal(
    shellWord("/tmp/runs/2026-12-02T08-36-59-000Z"),
    "/tmp/runs/2026-12-02T08-36-59-000Z",
  );
  assert.equal(shellWord("/tmp/my runs/a"), "'/tmp/my runs/a'");
  assert.equal(shellWord("/tmp/it's"), "'/tmp/it'\\''s'");
  assert.equal(shellWord("$HOME/*"), "'$HOME/*'");
});
