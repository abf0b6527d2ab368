// Beyond one machine, for real: a single-node Slurm cluster (`_slurm.ts`) runs an `sbatch --array`
// of a sweep's shards (`deno task sweep --shard N`) and of a class's (`deno task grade --batch
// --shard N`); `--collect` then gives what one process gives (times aside). The daemons are
// stopped at the end. Skipped, with the reason, where Slurm cannot start.

import assert from "node:assert/strict";
import { join } from "node:path";
import { gradesWithoutTime, ROOT, runTask, SHARED, summaryOf, timeless } from "./_helpers.ts";
import { LocalSlurm, whyNoSlurm } from "./_slurm.ts";

const why = await whyNoSlurm();
const DATA = { RNNLAB_DATA: `${SHARED}data` };
const TINY = [
  ...["--preset", "small", "--corpus-chars", "600", "--hidden", "8", "--batch-size", "3"],
  ...["--num-steps", "5", "--pred-len", "5", "--prefixes", "分开", "--backend", "cpu"],
  ...["--epochs", "2", "--grid", "lr=0.1,0.2", "--seeds", "0,1"],
];

/** A batch script that runs `command` from the checkout, its output into `log`-<task>.txt. */
async function batchScript(dir: string, name: string, command: string): Promise<string> {
  const path = join(dir, `${name}.sh`);
  await Deno.writeTextFile(path, `#!/bin/sh\nset -e\ncd ${JSON.stringify(ROOT)}\n${command}\n`);
  return path;
}

/** `sbatch --wait --array=0-(n-1)` of `script`; every task must succeed. */
async function arrayJob(slurm: LocalSlurm, dir: string, script: string, n: number) {
  const run = await slurm.run("sbatch", [
    "--wait",
    `--array=0-${n - 1}`,
    "--ntasks=1",
    "--cpus-per-task=1",
    `--output=${join(dir, `${script.split("/").pop()}-%a.log`)}`,
    script,
  ], { ...DATA, PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/root" });
  const logs = await Promise.all(
    Array.from(
      { length: n },
      (_, i) => Deno.readTextFile(join(dir, `${script.split("/").pop()}-${i}.log`)).catch(() => ""),
    ),
  );
  assert.equal(run.code, 0, `${run.stdout}${run.stderr}\n${logs.join("\n---\n")}`);
  return logs;
}

Deno.test({
  name: why === undefined
    ? "on a real single-node Slurm: an sbatch array of a sweep's shards and of a class's, collected, equal one process"
    : `on a real Slurm: skipped, ${why}`,
  ignore: why !== undefined,
  fn: async () => {
    const started = await LocalSlurm.start();
    if (typeof started === "string") {
      console.log(`skipped: Slurm could not start here: ${started}`);
      return;
    }
    const slurm = started;
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-slurm-test-" });
    try {
      // The sweep: one process, then a plan and three shards as an array job, then --collect.
      const one = await runTask("sweep", [...TINY, "--jobs", "2", "--out", join(dir, "one")]);
      assert.equal(one.code, 0, one.stderr);
      const sweep = join(dir, "sweep");
      assert.equal((await runTask("sweep", [...TINY, "--plan-only", "--out", sweep])).code, 0);
      const sweepJob = await batchScript(
        dir,
        "sweep",
        `deno task --quiet sweep --plan ${sweep}/plan.json --shard 3 --jobs 1 --out ${sweep}`,
      );
      const sweepLogs = await arrayJob(slurm, dir, sweepJob, 3);
      assert.ok(sweepLogs.some((l) => /\(shard 1 of 3\)/.test(l)), sweepLogs.join("\n"));
      const collected = await runTask("sweep", ["--collect", sweep]);
      assert.equal(collected.code, 0, collected.stderr);
      assert.deepEqual(
        timeless(await summaryOf(sweep)),
        timeless(await summaryOf(join(dir, "one"))),
      );

      // The class: one process, then two shards as an array job, then --collect.
      const klass = join(dir, "class");
      await Deno.mkdir(join(klass, "bob"), { recursive: true });
      await Deno.copyFile(join(ROOT, "src/grade/staff_solution.ts"), join(klass, "alice.ts"));
      await Deno.copyFile(join(ROOT, "fixtures/solutions/alternative.ts"), join(klass, "carol.ts"));
      await Deno.copyFile(
        join(ROOT, "fixtures/solutions/bug_one_hot_axis.ts"),
        join(klass, "bob", "rnn_scratch.ts"),
      );
      await Deno.copyFile(
        join(ROOT, "fixtures/solutions/alternative.ts"),
        join(klass, "bob", "alternative.ts"),
      );
      await Deno.copyFile(join(ROOT, "src/grade/starter/rnn_scratch.ts"), join(klass, "dave.ts"));
      const grading = ["--only", "getInputs,gradClipping", "--no-type-check", "--jobs", "1"];
      const single = await runTask("grade", [
        "--batch",
        klass,
        "--out",
        join(dir, "graded"),
        ...grading,
      ], {
        env: DATA,
      });
      assert.equal(single.code, 0, single.stderr);
      const gradeJob = await batchScript(
        dir,
        "grade",
        `deno task --quiet grade --batch ${klass} --shard 2 ${grading.join(" ")} ` +
          `--out ${dir}/shard-$SLURM_ARRAY_TASK_ID`,
      );
      const gradeLogs = await arrayJob(slurm, dir, gradeJob, 2);
      assert.ok(gradeLogs.every((l) => /^wrote .*grades\.csv/m.test(l)), gradeLogs.join("\n"));
      const merged = await runTask("grade", [
        "--collect",
        join(dir, "shard-0"),
        join(dir, "shard-1"),
        "--out",
        join(dir, "merged"),
      ]);
      assert.equal(merged.code, 0, merged.stderr);
      assert.deepEqual(
        await gradesWithoutTime(join(dir, "merged")),
        await gradesWithoutTime(join(dir, "graded")),
      );
      assert.equal(
        await Deno.readTextFile(join(dir, "merged", "summary.md")),
        await Deno.readTextFile(join(dir, "graded", "summary.md")),
      );
    } finally {
      await slurm.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
    // The daemons are gone: no process holds the cluster's folder any more.
    const ps = await new Deno.Command("ps", { args: ["-eo", "args"], stdout: "piped" }).output();
    assert.ok(!new TextDecoder().decode(ps.stdout).includes(slurm.dir), "a daemon is left running");
  },
});
