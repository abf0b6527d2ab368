/**
 * `--shard`: one share of a job split over machines, for `deno task sweep` and
 * `deno task grade --batch`. Shard `index` of `count` counts from 0. `--shard I/N` names it;
 * `--shard N` takes `I` from the array job that started the process:
 *
 * - Slurm (`sbatch --array=...`): `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN`, so that an array
 *   numbered from 1 (`--array=1-4`) and one numbered from 0 (`--array=0-3`) both give 0…N−1; the
 *   array must be contiguous (no step, no list with gaps) and have N tasks;
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`, which is 0-based.
 *
 * A CI matrix passes `--shard I/N` itself.
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** One share of a job. */
export interface Shard {
  /** 0-based. */
  index: number;
  /** How many shares the job is split into. */
  count: number;
}

/** The environment variables a shard's index may come from. */
export const SHARD_VARIABLES = [
  "SLURM_ARRAY_TASK_ID",
  "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_MAX",
  "SLURM_ARRAY_TASK_STEP",
  "SLURM_ARRAY_TASK_COUNT",
  "JOB_COMPLETION_INDEX",
] as const;

/** Their values, where set. */
export type ShardEnv = Partial<Record<typeof SHARD_VARIABLES[number], string>>;

/** The most shares a job may be split into. */
const MAX_SHARDS = 10_000;

/** The variables of {@linkcode SHARD_VARIABLES} that are set and that the task may read. */
function shardEnvironment(): ShardEnv {
  const env: ShardEnv = {};
  for (const name of SHARD_VARIABLES) {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") continue;
    const value = Deno.env.get(name);
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env;
}

/** A non-negative integer from `text`, or a one-line error naming `what`. */
function whole(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text.trim())) {
    throw new UsageError(`${what} must be a whole number, got '${text ?? ""}'`);
  }
  return Number(text);
}

/** The shard's index from the array job's variables (see the module's notes), if any. */
function indexFromEnvironment(
  count: number,
  env: ShardEnv,
): { index: number; from: string } | undefined {
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = whole(env.SLURM_ARRAY_TASK_ID, "SLURM_ARRAY_TASK_ID");
    const min = whole(env.SLURM_ARRAY_TASK_MIN ?? "0", "SLURM_ARRAY_TASK_MIN");
    const { SLURM_ARRAY_TASK_STEP: step, SLURM_ARRAY_TASK_COUNT: tasks } = env;
    const max = env.SLURM_ARRAY_TASK_MAX;
    if (step !== undefined && whole(step, "SLURM_ARRAY_TASK_STEP") !== 1) {
      throw new UsageError(
        `the Slurm array steps by ${step}; --shard ${count} needs a contiguous array ` +
          `(e.g. --array=0-${count - 1} or --array=1-${count})`,
      );
    }
    if (tasks !== undefined && whole(tasks, "SLURM_ARRAY_TASK_COUNT") !== count) {
      throw new UsageError(`the Slurm array has ${tasks} tasks, but --shard says ${count}`);
    }
    if (max !== undefined && whole(max, "SLURM_ARRAY_TASK_MAX") - min + 1 !== count) {
      throw new UsageError(
        `the Slurm array runs from ${min} to ${max}, not ${count} contiguous tasks as --shard ` +
          `${count} needs`,
      );
    }
    return { index: id - min, from: `SLURM_ARRAY_TASK_ID ${id} − SLURM_ARRAY_TASK_MIN ${min}` };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    return {
      index: whole(env.JOB_COMPLETION_INDEX, "JOB_COMPLETION_INDEX"),
      from: `JOB_COMPLETION_INDEX ${env.JOB_COMPLETION_INDEX}`,
    };
  }
  return undefined;
}

/**
 * Reads `--shard I/N` (I from 0) or `--shard N` (I from the array job's variables in `env`).
 * Throws a one-line {@linkcode UsageError} for anything else.
 */
export function parseShard(text: string, env: ShardEnv = shardEnvironment()): Shard {
  const match = text.trim().match(/^(?:(\d+)\/)?(\d+)$/);
  if (!match) {
    throw new UsageError(
      `--shard must be I/N (I counted from 0) or N (I from the array job), got '${text}'`,
    );
  }
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) {
    throw new UsageError(`--shard ${text}: N must be in [1, ${MAX_SHARDS}], got ${count}`);
  }
  let index: number;
  let from = `--shard ${text}`;
  if (match[1] !== undefined) index = Number(match[1]);
  else {
    const found = indexFromEnvironment(count, env);
    if (!found) {
      throw new UsageError(
        `--shard ${count} takes the shard's index from SLURM_ARRAY_TASK_ID or ` +
          `JOB_COMPLETION_INDEX, and neither is set; give it as --shard I/${count}`,
      );
    }
    ({ index, from } = found);
  }
  if (index >= count) {
    throw new UsageError(
      `shard index ${index} (from ${from}) is not below the ${count} shards (counted from 0)`,
    );
  }
  return { index, count };
}
