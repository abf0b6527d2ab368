/**
 * A sweep split over machines: shard `index` of `count` (0-based) runs the plan's runs whose
 * position modulo `count` is `index`, so the shards of one plan are disjoint, cover it, and take
 * turns through its order (each gets a share of every part of a grid).
 *
 * `--shard I/N` names the shard; `--shard N` takes `I` from the array job that started it:
 *
 * - Slurm (`sbatch --array=...`): `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN`, so that an array
 *   numbered from 1 (`--array=1-4`) and one numbered from 0 (`--array=0-3`) both give 0…N−1; the
 *   array must be contiguous (no step, no list with gaps) and have N tasks;
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`, which is 0-based.
 *
 * @module
 */

import { UsageError } from "../cli/errors.ts";

/** One shard of a plan. */
export interface Shard {
  /** 0-based. */
  index: number;
  /** How many shards the plan is split into. */
  count: number;
}

/** `shard-2-of-4`: the folder a shard writes into, under the sweep's `--out`. */
export function shardFolderName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

/** Whether `index` (a run's position in the plan) belongs to `shard`. */
export function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index;
}

/** Reads an environment variable where the task may. */
function env(name: string): string | undefined {
  const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
  return state === "granted" ? Deno.env.get(name) : undefined;
}

/** A non-negative integer from `text`, or a one-line error naming `what`. */
function whole(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text.trim())) {
    throw new UsageError(`${what} must be a whole number, got '${text ?? ""}'`);
  }
  return Number(text);
}

/**
 * The shard's index from the array job that started this process (see the module's notes), or
 * `undefined` outside one.
 */
function indexFromEnvironment(count: number): { index: number; from: string } | undefined {
  const task = env("SLURM_ARRAY_TASK_ID");
  if (task !== undefined) {
    const id = whole(task, "SLURM_ARRAY_TASK_ID");
    const min = whole(env("SLURM_ARRAY_TASK_MIN") ?? "0", "SLURM_ARRAY_TASK_MIN");
    const step = env("SLURM_ARRAY_TASK_STEP");
    const tasks = env("SLURM_ARRAY_TASK_COUNT");
    const max = env("SLURM_ARRAY_TASK_MAX");
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
  const completion = env("JOB_COMPLETION_INDEX");
  if (completion !== undefined) {
    return {
      index: whole(completion, "JOB_COMPLETION_INDEX"),
      from: `JOB_COMPLETION_INDEX ${completion}`,
    };
  }
  return undefined;
}

/**
 * Reads `--shard I/N` (I 0-based) or `--shard N` (I from the array job's environment). Throws a
 * one-line {@linkcode UsageError} for anything else.
 */
export function parseShard(text: string): Shard {
  const match = text.match(/^(?:(\d+)\/)?(\d+)$/);
  if (!match) {
    throw new UsageError(
      `--shard must be I/N (I counted from 0) or N (I from the array job), got '${text}'`,
    );
  }
  const count = Number(match[2]);
  if (count < 1) throw new UsageError(`--shard ${text}: there must be at least one shard`);
  let index: number;
  let from = `--shard ${text}`;
  if (match[1] !== undefined) index = Number(match[1]);
  else {
    const found = indexFromEnvironment(count);
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
