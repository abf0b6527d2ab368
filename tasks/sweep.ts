/**
 * `deno task sweep`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { EXIT, UsageError } from "../src/errors.ts";
import { numberFlag, shellWord } from "../src/cli/flag_values.ts";
import { parseFlagsAndPositionals } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { stopOnSignals } from "../src/cli/signals.ts";
import { textTable } from "../src/report/text_table.ts";
import { RUN_FLAG_NAMES, RUN_FLAGS } from "../src/run/train_flags.ts";
import {
  expandPlan,
  type FlagValue,
  mergeSpecs,
  parseGridFlag,
  parseSeedsFlag,
  type Plan,
  type PlanSpec,
  readPlanFile,
} from "../src/sweep/plan.ts";
import { parseShard, type Shard } from "../src/cli/shard.ts";
import { inShard, shardFolderName } from "../src/sweep/shard_runs.ts";
import {
  checkPlan,
  collectSweep,
  defaultCollectOut,
  memoryWarning,
  openSweepFolder,
  readFolderPlan,
  runSweep,
  SWEEP_FILES,
  writeFolderPlan,
} from "../src/sweep/sweep.ts";
import { aggregateTable, countStatuses, type Summary } from "../src/sweep/summary.ts";

/** `text` broken into lines of at most 100 characters, at spaces. */
function wrap(text: string): string {
  const lines = [""];
  for (const word of text.split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== "" && last.length + 1 + word.length > 100) lines.push(word);
    else lines[lines.length - 1] = last === "" ? word : `${last} ${word}`;
  }
  return lines.join("\n");
}

/** The usage and description that `--help` prints. */
const USAGE = `deno task sweep [--grid KEY=V1,V2,...]... [--plan FILE] [--seeds 0,1,2 | 0-4]
                [any train flag, e.g. --epochs 40 --trainer batched] [--jobs N] [--out DIR]
                [--plan-only] [--shard I/N | --shard N]
deno task sweep --out DIR                        (continues the sweep in DIR)
deno task sweep --collect DIR... [--out DIR]

Trains a set of runs: every combination of the --grid axes (KEY is a train flag without its
dashes: hidden, lr, iter, state-init, trainer, ...), times each entry of a --plan file's list,
times every seed. Any train flag given once is a value every run shares; they are
${wrap(RUN_FLAG_NAMES.map((f) => `--${f}`).join(", "))}.
Every run is checked by train's own rules before any starts: an unknown key, an empty axis or a
value train refuses is one line and exit 2.

Each run is an ordinary run folder, DIR/runs/<name>/ (verify --run, export, train --resume work on
it), trained by one of --jobs worker processes (default: the number of cores). A line is printed as
each run ends, above a status line on a terminal. DIR/summary.csv, summary.json and summary.md (a
row per run, and mean ± sd over seeds), curves.svg and report.html are kept up to date as runs end.

Rerunning the same command (or deno task sweep --out DIR) continues the sweep: finished runs are
skipped, interrupted ones resume from their checkpoint, failed ones start again. Ctrl-C (or
SIGTERM) stops every worker at its next step, keeps their epochs, and exits 130 (143). A run that
fails is recorded as failed and the sweep goes on; the exit code is then 1.

Beyond one machine: --plan-only writes DIR/plan.json and stops. --shard I/N runs only the runs
whose position modulo N is I (I counted from 0) into DIR/shard-I-of-N/; --shard N takes I from
SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN, so arrays numbered from 1 or 0 both work) or
JOB_COMPLETION_INDEX (Kubernetes, from 0). --collect merges shard folders (or folders holding them)
into one summary, by default in the folder holding them. See docs/sweeps.md.

A plan file is JSON: {"fixed": {KEY: value}, "grid": {KEY: [values]}, "runs": [{KEY: value}],
"seeds": [0, 1]}, every part optional; plan.json is one too.

${PATHS_HELP}`;

/** The sweep's own flags, beside train's run flags (which are values every run shares). */
const SWEEP_FLAGS = {
  ...RUN_FLAGS,
  grid: { type: "string", multiple: true },
  plan: { type: "string" },
  seeds: { type: "string" },
  jobs: { type: "string" },
  out: { type: "string" },
  "plan-only": { type: "boolean" },
  shard: { type: "string" },
  collect: { type: "boolean" },
} as const;

/** The aggregate table and where the files are, for the terminal. */
function report(dir: string, summary: Summary): string {
  const over = aggregateTable(summary);
  return [
    "",
    textTable(over.head, over.rows, over.head.map((_, i) => i >= summary.varying.length)),
    "",
    `${summary.runs.length} runs: ${countStatuses(summary.runs)}`,
    `Summary: ${join(dir, SWEEP_FILES.summaryMd)} (and .csv, .json); report: ${
      join(dir, SWEEP_FILES.report)
    }`,
  ].join("\n");
}

/** The plan's runs with the shard each falls in, for `--plan-only`. */
function planTable(plan: Plan, shard: Shard | undefined): string {
  const rows = plan.runs.map((r) => [
    r.name,
    ...(shard ? [inShard(r.index, shard) ? "this shard" : ""] : []),
  ]);
  return textTable(["run", ...(shard ? [`shard ${shard.index} of ${shard.count}`] : [])], rows);
}

async function collect(dirs: string[], out: string | undefined): Promise<number> {
  if (dirs.length === 0) throw new UsageError("--collect needs the sweep folders to merge");
  const into = out ?? await defaultCollectOut(dirs);
  const summary = await collectSweep(dirs, into);
  console.log(report(into, summary).trimStart());
  const missing = summary.runs.filter((r) => r.status === "missing").length;
  if (missing > 0) {
    console.error(`error: ${missing} of ${summary.runs.length} runs are in none of the folders`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

async function main(args: string[]): Promise<number> {
  const { values: flags, positionals } = parseFlagsAndPositionals(args, SWEEP_FLAGS, Infinity);
  const out = flags.out === undefined ? undefined : userPath(flags.out);
  if (flags.collect) {
    const others = Object.keys(flags).filter((f) => f !== "collect" && f !== "out");
    if (others.length > 0) {
      throw new UsageError(`--collect takes folders and --out only, not --${others[0]}`);
    }
    return await collect(positionals.map(userPath), out);
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument '${positionals[0]}' (see --help)`);
  }

  const fixed: Record<string, FlagValue> = {};
  for (const key of RUN_FLAG_NAMES) {
    if (flags[key] !== undefined) fixed[key] = flags[key] as FlagValue;
  }
  const grid: Record<string, FlagValue[]> = {};
  for (const text of flags.grid ?? []) {
    const [key, values] = parseGridFlag(text);
    if (key in grid) throw new UsageError(`--grid ${key} is given twice`);
    grid[key] = values;
  }
  const cli: PlanSpec = {
    ...(Object.keys(fixed).length > 0 && { fixed }),
    ...(Object.keys(grid).length > 0 && { grid }),
    ...(flags.seeds !== undefined && { seeds: parseSeedsFlag(flags.seeds) }),
  };
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const workers = flags.jobs === undefined
    ? navigator.hardwareConcurrency
    : numberFlag("jobs", flags.jobs, { integer: true, min: 1, max: 256 });
  const dir = out ?? join(Deno.cwd(), "sweeps", new Date().toISOString().replace(/[:.]/g, "-"));

  let plan: Plan;
  if (flags.plan === undefined && Object.keys(cli).length === 0) {
    // No plan given: continue the one in --out (that of the shards, for a shard).
    const there = out === undefined ? undefined : await readFolderPlan(dir) ??
      (shard ? await readFolderPlan(join(dir, shardFolderName(shard))) : undefined);
    if (there === undefined) {
      throw new UsageError(
        out === undefined
          ? "nothing to sweep: give --grid, --plan, --seeds or train flags (see --help)"
          : `--out ${dir} holds no plan to continue; give --grid, --plan or train flags`,
      );
    }
    plan = there;
  } else {
    const file = flags.plan === undefined ? {} : await readPlanFile(userPath(flags.plan));
    plan = await expandPlan(mergeSpecs(file, cli), flags.plan ?? "the command line");
  }

  if (flags["plan-only"]) {
    await writeFolderPlan(dir, plan);
    console.log(planTable(plan, shard));
    console.log(`\n${plan.runs.length} runs planned in ${join(dir, SWEEP_FILES.plan)}`);
    return EXIT.ok;
  }
  const checked = await checkPlan(plan, shard);
  const warning = memoryWarning(checked, workers);
  if (warning) console.error(`warning: ${warning}`);
  const folder = await openSweepFolder(dir, plan, shard);
  const share = plan.runs.filter((r) => inShard(r.index, shard)).length;
  console.log(
    `Sweep of ${share} run${share === 1 ? "" : "s"}${
      shard ? ` (shard ${shard.index} of ${shard.count})` : ""
    } in ` +
      `${folder.dir}/, ${workers} worker${workers === 1 ? "" : "s"}`,
  );
  const stop = stopOnSignals();
  const outcome = await runSweep(folder, { workers, signal: stop.signal, print: console.log });
  stop.dispose();
  console.log(report(folder.dir, outcome.summary));
  if (outcome.interrupted) {
    const again = shard ? ` --shard ${shard.index}/${shard.count}` : "";
    console.error(
      `Interrupted; the epochs done are kept. Continue with:\n` +
        `  deno task sweep --out ${shellWord(resolve(dir))}${again}`,
    );
    return stop.exitCode() || EXIT.sigint;
  }
  return outcome.summary.runs.some((r) => r.status === "failed") ? EXIT.failed : EXIT.ok;
}

await runMain(main, USAGE);
