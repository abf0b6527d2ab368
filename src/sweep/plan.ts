/**
 * A sweep's plan: which runs it holds, each as the train flags it runs with.
 *
 * A plan comes from the command line (`--grid key=v1,v2`, `--seeds 0,1,2`, and any train flag as
 * a value every run shares), from a JSON file (`--plan FILE`, {@linkcode PlanSpec}), or both. It
 * expands to runs in a fixed order: each entry of `runs` (or one empty one), times every point of
 * the grid (the first axis varying slowest), times every seed. Each run's flags are then read by
 * train's own parser (`../run/train_flags.ts`), so a sweep refuses what train refuses, in its
 * words, before any run starts.
 *
 * The expanded plan is written to the sweep folder as `plan.json`, itself a plan file (its runs
 * listed one by one), so that a rerun, a shard on another machine, or `--collect` can tell it is
 * the same sweep.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { readJson } from "../io/fs.ts";
import { sha256Text } from "../io/sha256.ts";
import { parseTrainFlags, type RunChoices, runChoicesFromFlags } from "../run/train_args.ts";
import {
  configFlagValues,
  configFromFlags,
  differingKeys,
  RUN_FLAG_NAMES,
  RUN_FLAGS,
  type RunFlagName,
  TRAIN_FLAGS,
} from "../run/train_flags.ts";
import type { TrainConfig } from "../train/config.ts";

/** The value of a written plan's `format` field. */
export const PLAN_FORMAT = "rnnlab-sweep-plan/1";

/** A flag's value in a plan: text, a number, or `true` for a switch (`allow-unknown-data`). */
export type FlagValue = string | number | boolean;

/**
 * A plan file (`--plan FILE`): every part optional. Keys are train's flags without their dashes
 * (`hidden`, `state-init`, `batch-size`, …).
 */
export interface PlanSpec {
  /** {@linkcode PLAN_FORMAT}; optional in a file written by hand. */
  format?: typeof PLAN_FORMAT;
  /** Values every run shares. */
  fixed?: Record<string, FlagValue>;
  /** Axes: every combination of their values is run. */
  grid?: Record<string, FlagValue[]>;
  /** A list of runs (each a set of values over `fixed`); each is combined with the grid. */
  runs?: Record<string, FlagValue>[];
  /** Seeds: every run above is run once per seed. */
  seeds?: number[];
}

/** One run of a sweep: its flags as given, and what train reads from them. */
export interface PlannedRun {
  /** Its position in the plan (0-based), which decides its shard. */
  index: number;
  /** Its folder's name under `runs/`: its position and the values that vary. */
  name: string;
  /** Its train flags, as the plan gives them (switches as `true`). */
  flags: Partial<Record<RunFlagName, string | true>>;
  /** Its config, as train reads it. */
  config: TrainConfig;
  /** Its backend, trainer and corpus, as train reads them. */
  choices: RunChoices;
  /** Its settings by flag name, as run (defaults filled in): what a summary compares. */
  values: Record<string, string>;
}

/** An expanded plan. */
export interface Plan {
  /** The runs, in order. */
  runs: PlannedRun[];
  /** The settings whose values differ between runs (`seed` included), in flag order. */
  varying: string[];
  /** The SHA-256 of `plan.json`'s runs: the same for the same runs, wherever expanded. */
  digest: string;
}

/** Flags a plan cannot set: the sweep sets where each run goes and what it prints. */
const SWEEP_OWNED = Object.keys(TRAIN_FLAGS).filter((f) => !(f in RUN_FLAGS));

/** Checks that `key` names a run flag; a one-line {@linkcode UsageError} otherwise. */
function checkKey(key: string, where: string): RunFlagName {
  if ((RUN_FLAG_NAMES as string[]).includes(key)) return key as RunFlagName;
  if (SWEEP_OWNED.includes(key)) {
    throw new UsageError(
      `${where}: --${key} is not a run setting (the sweep gives each run its folder and output)`,
    );
  }
  throw new UsageError(`${where}: unknown key '${key}' (deno task train has no --${key})`);
}

/** Reads a flag's value from JSON or the command line: text, or `true` for a switch. */
function flagValue(key: RunFlagName, value: unknown, where: string): string | true | undefined {
  const isSwitch = RUN_FLAGS[key].type === "boolean";
  if (isSwitch) {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return undefined;
    throw new UsageError(`${where}: --${key} is a switch; give true or false, got ${value}`);
  }
  if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) {
    return String(value);
  }
  throw new UsageError(`${where}: --${key} takes text or a number, got ${JSON.stringify(value)}`);
}

/** Checks that `value` is a JSON object whose values are flag values. */
function flagObject(value: unknown, where: string): Record<string, FlagValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${where} must be an object of flag values`);
  }
  return value as Record<string, FlagValue>;
}

/** Checks the shape of a parsed plan file. */
function checkPlanSpec(value: unknown, where: string): PlanSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${where} is not a plan: it must be a JSON object`);
  }
  const spec = value as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!["format", "fixed", "grid", "runs", "seeds"].includes(key)) {
      throw new UsageError(
        `${where}: unknown field '${key}' (a plan has format, fixed, grid, runs and seeds)`,
      );
    }
  }
  if (spec.format !== undefined && spec.format !== PLAN_FORMAT) {
    throw new UsageError(`${where}: format is ${JSON.stringify(spec.format)}, not ${PLAN_FORMAT}`);
  }
  if (spec.fixed !== undefined) flagObject(spec.fixed, `${where}: fixed`);
  if (spec.grid !== undefined) {
    for (const [key, values] of Object.entries(flagObject(spec.grid, `${where}: grid`))) {
      if (!Array.isArray(values)) {
        throw new UsageError(`${where}: grid.${key} must be a list of values`);
      }
    }
  }
  if (spec.runs !== undefined) {
    if (!Array.isArray(spec.runs) || spec.runs.length === 0) {
      throw new UsageError(`${where}: runs must be a non-empty list`);
    }
    spec.runs.forEach((r, i) => flagObject(r, `${where}: runs[${i}]`));
  }
  if (spec.seeds !== undefined) {
    if (!Array.isArray(spec.seeds)) throw new UsageError(`${where}: seeds must be a list`);
  }
  return spec as PlanSpec;
}

/** Reads `--grid key=v1,v2,...` into its key and values. */
export function parseGridFlag(text: string): [string, string[]] {
  const at = text.indexOf("=");
  if (at <= 0) throw new UsageError(`--grid ${text}: write it as key=value1,value2,...`);
  const key = text.slice(0, at);
  const values = text.slice(at + 1).split(",").filter((v) => v !== "");
  if (values.length === 0) throw new UsageError(`--grid ${text}: the axis ${key} has no values`);
  return [key, values];
}

/** Reads `--seeds 0,1,2` (or `0-4`, a range). */
export function parseSeedsFlag(text: string): number[] {
  const range = text.match(/^(\d+)-(\d+)$/);
  if (range) {
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    if (hi < lo) throw new UsageError(`--seeds ${text}: the range is empty`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  const seeds = text.split(",").filter((s) => s !== "");
  if (seeds.length === 0) throw new UsageError(`--seeds ${text}: no seeds`);
  return seeds.map((s) => {
    if (!/^\d+$/.test(s.trim())) {
      throw new UsageError(
        `--seeds must be integers separated by commas (or a range a-b), got '${s}'`,
      );
    }
    return Number(s);
  });
}

/**
 * Combines a plan file's spec with the command line's: its grid axes are added (an axis given
 * twice is refused), its seeds replace the file's, and its values apply to every run, over the
 * file's (a value that is also an axis is refused).
 */
export function mergeSpecs(file: PlanSpec, cli: PlanSpec): PlanSpec {
  const grid = { ...file.grid };
  for (const [key, values] of Object.entries(cli.grid ?? {})) {
    if (key in grid) throw new UsageError(`--grid ${key}: the plan already has the axis ${key}`);
    grid[key] = values;
  }
  const fixed = cli.fixed ?? {};
  return {
    fixed: { ...file.fixed, ...fixed },
    grid,
    runs: file.runs?.map((r) => ({ ...r, ...fixed })),
    seeds: cli.seeds ?? file.seeds,
  };
}

/** `hidden=64`, as names and messages show a value (switches as their name). */
function shown(key: string, value: string | true): string {
  return value === true ? key : `${key}=${value}`;
}

/** A value as a folder name may hold it: letters, digits, `.`, `+`, `-`; at most 24 of them. */
function nameSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9.+-]+/g, "_").slice(0, 24);
}

/** The argv that `flags` stand for: `--key value`, or `--key` for a switch. */
export function flagsToArgs(flags: PlannedRun["flags"]): string[] {
  return Object.entries(flags).flatMap(([k, v]) => v === true ? [`--${k}`] : [`--${k}=${v}`]);
}

/** Every combination of the axes' values, the first axis varying slowest. */
function gridPoints(
  axes: [RunFlagName, (string | true | undefined)[]][],
): Record<string, string | true | undefined>[] {
  return axes.reduce<Record<string, string | true | undefined>[]>(
    (points, [key, values]) => points.flatMap((p) => values.map((v) => ({ ...p, [key]: v }))),
    [{}],
  );
}

/**
 * Expands `spec` into its runs and checks every one with train's parser: an unknown key, an empty
 * axis, a value train refuses, or a conflict is one {@linkcode UsageError}, before anything runs.
 */
export async function expandPlan(spec: PlanSpec, where = "the plan"): Promise<Plan> {
  const runs = combine(readSpec(spec, where)).map((flags, index) =>
    plannedRun(flags, index, where)
  );
  // The settings that vary, in flag order with the seed last (it names runs of one setting).
  const varying = differingKeys(runs).sort((a, b) => Number(a === "seed") - Number(b === "seed"));
  const width = String(Math.max(runs.length - 1, 0)).length;
  for (const run of runs) {
    run.name = [
      String(run.index).padStart(width, "0"),
      ...varying.map((k) => `${k}=${nameSafe(run.values[k] ?? "")}`),
    ].join("_");
  }
  return { runs, varying, digest: await sha256Text(planJson(runs)) };
}

/** A flag and its value as train reads it (`true` for a switch turned on). */
type ReadValue = readonly [RunFlagName, string | true | undefined];

/** A plan's parts with their keys and values read as train's flags, and checked against each other. */
interface ReadSpec {
  fixed: ReadValue[];
  axes: [RunFlagName, (string | true | undefined)[]][];
  entries: ReadValue[][];
  seeds?: number[];
}

/**
 * Reads `spec`'s keys and values as train's flags, refusing (with `where` in the one line) an
 * unknown key, an empty or repeating axis or seed list, and a key both an axis and a set value.
 */
function readSpec(spec: PlanSpec, where: string): ReadSpec {
  const read = (obj: Record<string, FlagValue>, what: string) =>
    Object.entries(obj).map(([key, value]) => {
      const flag = checkKey(key, what);
      return [flag, flagValue(flag, value, what)] as const;
    });
  const fixed = read(spec.fixed ?? {}, `${where}: fixed`);
  const axes = Object.entries(spec.grid ?? {}).map(([key, values]) => {
    const flag = checkKey(key, `${where}: grid`);
    if (values.length === 0) throw new UsageError(`${where}: the axis ${key} has no values`);
    const read = values.map((v) => flagValue(flag, v, `${where}: grid ${key}`));
    if (new Set(read).size !== read.length) {
      throw new UsageError(`${where}: the axis ${key} lists a value twice`);
    }
    return [flag, read] as [RunFlagName, (string | true | undefined)[]];
  });
  const entries = (spec.runs ?? [{}]).map((r, i) => read(r, `${where}: runs[${i}]`));
  const seeds = spec.seeds;
  if (seeds !== undefined) {
    if (seeds.length === 0) throw new UsageError(`${where}: the seeds are an empty list`);
    if (new Set(seeds).size !== seeds.length) {
      throw new UsageError(`${where}: the seeds list a seed twice`);
    }
  }
  for (const [key] of axes) {
    if (fixed.some(([k]) => k === key) || entries.some((e) => e.some(([k]) => k === key))) {
      throw new UsageError(`${where}: ${key} is both an axis of the grid and a set value`);
    }
  }
  if (seeds && [fixed, ...entries, axes].some((list) => list.some(([k]) => k === "seed"))) {
    throw new UsageError(`${where}: the seed is set both by seeds and as a value or an axis`);
  }
  return { fixed, axes, entries, seeds };
}

/** Every run's flags: each entry, times every point of the grid, times every seed, in that order. */
function combine({ fixed, axes, entries, seeds }: ReadSpec): PlannedRun["flags"][] {
  const flagSets: PlannedRun["flags"][] = [];
  for (const entry of entries) {
    for (const point of gridPoints(axes)) {
      for (const seed of seeds ?? [undefined]) {
        const merged: Record<string, string | true | undefined> = {
          ...Object.fromEntries(fixed),
          ...Object.fromEntries(entry),
          ...point,
          ...(seed !== undefined && { seed: String(seed) }),
        };
        // In flag order, without the switches turned off: one spelling for the same run.
        flagSets.push(Object.fromEntries(
          RUN_FLAG_NAMES.filter((k) => merged[k] !== undefined).map((k) => [k, merged[k]!]),
        ));
      }
    }
  }
  return flagSets;
}

/** The run `index` of a plan, its `flags` read by train's own parser (named yet). */
function plannedRun(flags: PlannedRun["flags"], index: number, where: string): PlannedRun {
  let config: TrainConfig, choices: RunChoices;
  try {
    const parsed = parseTrainFlags(flagsToArgs(flags));
    config = configFromFlags(parsed);
    choices = runChoicesFromFlags(parsed);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const what = Object.entries(flags).map(([k, v]) => shown(k, v)).join(" ");
    throw new UsageError(`${where}, run ${index} (${what || "defaults"}): ${err.message}`);
  }
  const values: Record<string, string> = {
    ...configFlagValues(config),
    backend: choices.backend,
    trainer: choices.trainer ?? "auto",
    ...(flags.dataset !== undefined && { dataset: String(flags.dataset) }),
    ...(flags.data !== undefined && { data: String(flags.data) }),
  };
  return { index, name: "", flags, config, choices, values };
}

/**
 * The train flags every one of `runs` was given, with the same value, as a command line would
 * give them (`--preset small --epochs 2`): the part of the plan that its runs share as written.
 */
export function sharedFlags(runs: readonly Pick<PlannedRun, "flags">[]): string {
  const first = runs[0]?.flags ?? {};
  return Object.entries(first)
    .filter(([k, v]) => runs.every((r) => r.flags[k as RunFlagName] === v))
    .map(([k, v]) => v === true ? `--${k}` : `--${k} ${v}`)
    .join(" ");
}

/** `plan.json` for `runs`: a plan file that lists them one by one. */
export function planJson(runs: readonly Pick<PlannedRun, "flags">[]): string {
  const spec: PlanSpec = { format: PLAN_FORMAT, runs: runs.map((r) => r.flags) };
  return JSON.stringify(spec, null, 2) + "\n";
}

/**
 * Reads a plan file; a missing or malformed one is a one-line {@linkcode UsageError} naming `what`
 * (`--plan FILE` by default).
 */
export async function readPlanFile(path: string, what = `--plan ${path}`): Promise<PlanSpec> {
  const value = await readJson<unknown>(path, what);
  if (value === undefined) throw new UsageError(`${what} cannot be read: no such file`);
  return checkPlanSpec(value, path);
}
