// `--help` on every task, run as a user would (the mechanism itself: src/cli/flags_test.ts).

import assert from "node:assert/strict";
import { BENCH_FLAGS } from "../src/bench/cli.ts";
import { PATHS_HELP } from "../src/cli/paths.ts";
import { RUN_FLAGS, TRAIN_FLAGS } from "../src/run/train_flags.ts";
import { SWEEP_FLAGS } from "../src/sweep/sweep_flags.ts";
import { editDistance, unknownFlagMessage } from "../src/cli/nearest_flag.ts";
import { oneLetterTypos } from "../src/testing.ts";
import { ROOT, runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

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
  SWEEP_FLAGS,
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

Deno.test("every task answers --help and -h with its usage, and an unknown flag with one line", async (t) => {
  const tasks = tasksInDenoJson();
  assert.equal(tasks.length, 13, tasks.map((x) => x.name).join(" "));
  for (const { name, file } of tasks) {
    await t.step(name, async () => {
      const flags = flagsInSource(await Deno.readTextFile(`${ROOT}${file}`));
      assert.ok(flags.length > 0, `no flag table found in ${file}`);
      const help = await runTask(name, ["--help"]);
      assert.equal(help.code, EXIT.ok, help.stderr);
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
      assert.equal(bad.code, EXIT.usage, bad.stderr);
      assert.equal(bad.stdout, "");
      assert.match(
        bad.stderr,
        /^error: unknown flag --bogus; the nearest known flag is --[\w-]+ \(see --help\)\n$/,
      );
      const flag = flags.find((f) => f.length > 3) ?? flags[0];
      const typo = await runTask(name, [`--${flag.slice(0, -1)}`, "1"]);
      assert.equal(typo.code, EXIT.usage, typo.stderr);
      assert.equal(
        typo.stderr,
        `error: unknown flag --${flag.slice(0, -1)}; did you mean --${flag}? (see --help)\n`,
      );
    });
  }
});

Deno.test("a one-letter typo of any task's flag suggests that flag (or one as near)", async () => {
  for (const { name, file } of tasksInDenoJson()) {
    const flags = [...flagsInSource(await Deno.readTextFile(`${ROOT}${file}`)), "help"];
    for (const flag of flags) {
      for (const typo of oneLetterTypos(flag).filter((t) => !flags.includes(t))) {
        const message = unknownFlagMessage(`--${typo}`, flags);
        const near = flags.filter((f) => editDistance(typo, f) === 1);
        assert.ok(near.length > 0 && near.includes(flag), `${name}: ${typo}`);
        const suggested = message.match(/did you mean --([\w-]+)\?$/)?.[1];
        assert.ok(suggested !== undefined && near.includes(suggested), `${name}: ${message}`);
        if (near.length === 1) assert.equal(suggested, flag, `${name}: ${message}`);
      }
    }
  }
});

/** Every docs/*.md, as one text. */
function docsText(): string {
  return [...Deno.readDirSync(`${ROOT}docs`)]
    .filter((e) => e.name.endsWith(".md"))
    .map((e) => Deno.readTextFileSync(`${ROOT}docs/${e.name}`))
    .join("\n");
}

Deno.test("every flag a task's --help names is documented in docs/", async () => {
  const docs = docsText();
  const missing: string[] = [];
  for (const { name } of tasksInDenoJson()) {
    const help = await runTask(name, ["--help"]);
    const flags = new Set([...help.stdout.matchAll(/--[a-z][\w-]*/g)].map((m) => m[0]));
    for (const flag of flags) {
      if (!new RegExp(`${flag}(?![\\w-])`).test(docs)) missing.push(`${name} ${flag}`);
    }
  }
  assert.deepEqual(missing, [], "flags in --help that no page of docs/ mentions");
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
  assert.equal(out.code, EXIT.ok, new TextDecoder().decode(out.stderr));
  assert.match(stdout, /^deno run .*\n {2}bench\/onnx_eps\.ts \[--run DIR\] \[--eps /);
});
