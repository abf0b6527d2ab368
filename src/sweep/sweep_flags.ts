/**
 * `deno task sweep`'s flags, read into a plan: train's run flags as values every run shares, the
 * `--grid` axes, the `--seeds`, and a `--plan` file; or, with none of them, the plan of the sweep
 * the `--out` folder holds, to continue it.
 *
 * @module
 */

import { join } from "node:path";
import { numberFlag } from "../cli/flag_values.ts";
import type { parseFlags } from "../cli/flags.ts";
import { userPath } from "../cli/paths.ts";
import type { Shard } from "../cli/shard.ts";
import { UsageError } from "../errors.ts";
import { RUN_FLAG_NAMES, RUN_FLAGS } from "../run/train_flags.ts";
import {
  expandPlan,
  type FlagValue,
  mergeSpecs,
  parseGridFlag,
  parseSeedsFlag,
  type Plan,
  type PlanSpec,
  readPlanFile,
} from "./plan.ts";
import { shardFolderName } from "./shard_runs.ts";
import { readFolderPlan } from "./sweep.ts";

/** The sweep's own flags, beside train's run flags (which are values every run shares). */
export const SWEEP_FLAGS = {
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

/** The sweep's flags as `parseFlags` reads them. */
export type SweepFlags = ReturnType<typeof parseFlags<typeof SWEEP_FLAGS>>;

/**
 * The plan the command line states: the run flags given (values every run shares), the `--grid`
 * axes (a key given twice is a usage error) and the `--seeds`; `{}` when it states none.
 */
export function planSpecFromFlags(flags: SweepFlags): PlanSpec {
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
  return {
    ...(Object.keys(fixed).length > 0 && { fixed }),
    ...(Object.keys(grid).length > 0 && { grid }),
    ...(flags.seeds !== undefined && { seeds: parseSeedsFlag(flags.seeds) }),
  };
}

/** `--jobs`: the worker processes, the number of cores by default. */
export function workersFromFlags(flags: SweepFlags): number {
  return flags.jobs === undefined
    ? navigator.hardwareConcurrency
    : numberFlag("jobs", flags.jobs, { integer: true, min: 1, max: 256 });
}

/**
 * The sweep's plan: the `--plan` file (`planFile`) and the command line's plan (`cli`, from
 * {@linkcode planSpecFromFlags}) merged and expanded; or, when neither states one, the plan the
 * sweep folder `dir` holds (that of the shards, for a shard), to continue it. `out` says whether
 * `dir` was given (`--out`) or is a new default folder.
 */
export async function sweepPlan(
  cli: PlanSpec,
  planFile: string | undefined,
  dir: string,
  opts: { out: boolean; shard?: Shard },
): Promise<Plan> {
  if (planFile !== undefined || Object.keys(cli).length > 0) {
    const file = planFile === undefined ? {} : await readPlanFile(userPath(planFile));
    return await expandPlan(mergeSpecs(file, cli), planFile ?? "the command line");
  }
  const { shard } = opts;
  const there = !opts.out ? undefined : await readFolderPlan(dir) ??
    (shard ? await readFolderPlan(join(dir, shardFolderName(shard))) : undefined);
  if (there === undefined) {
    throw new UsageError(
      !opts.out
        ? "nothing to sweep: give --grid, --plan, --seeds or train flags (see --help)"
        : `--out ${dir} holds no plan to continue; give --grid, --plan or train flags`,
    );
  }
  return there;
}
