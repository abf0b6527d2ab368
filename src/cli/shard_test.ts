import assert from "node:assert/strict";
import { parseShard } from "./shard.ts";

Deno.test("shards: I/N from 0; N alone takes I from Slurm (arrays from 0 or 1) or a Kubernetes Indexed Job", () => {
  const vars = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
  ];
  const saved = vars.map((v) => [v, Deno.env.get(v)] as const);
  const set = (env: Record<string, string>) => {
    vars.forEach((v) => Deno.env.delete(v));
    Object.entries(env).forEach(([k, v]) => Deno.env.set(k, v));
  };
  try {
    set({});
    assert.deepEqual(parseShard("1/3"), { index: 1, count: 3 });
    assert.throws(() => parseShard("3/3"), /shard index 3 .* not below the 3 shards/);
    assert.throws(() => parseShard("3"), /neither is set; give it as --shard I\/3/);
    assert.throws(() => parseShard("a/b"), /--shard must be I\/N/);
    set({ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "4" });
    assert.deepEqual(parseShard("4"), { index: 2, count: 4 }); // --array=1-4
    set({ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_COUNT: "4" });
    assert.deepEqual(parseShard("4"), { index: 3, count: 4 }); // --array=0-3
    assert.deepEqual(parseShard("0/4"), { index: 0, count: 4 }); // explicit wins
    set({ SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_STEP: "2" });
    assert.throws(() => parseShard("2"), /steps by 2/);
    set({ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "3" });
    assert.throws(() => parseShard("4"), /has 3 tasks, but --shard says 4/);
    set({ JOB_COMPLETION_INDEX: "0" });
    assert.deepEqual(parseShard("2"), { index: 0, count: 2 });
    set({ JOB_COMPLETION_INDEX: "2" });
    assert.throws(() => parseShard("2"), /shard index 2 \(from JOB_COMPLETION_INDEX 2\)/);
  } finally {
    for (const [v, value] of saved) {
      value === undefined ? Deno.env.delete(v) : Deno.env.set(v, value);
    }
  }
});
