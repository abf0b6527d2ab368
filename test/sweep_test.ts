// deno task sweep (src/sweep/): plans, bad input, workers, resuming, failures, shards and
// collecting, all on a config that trains in a fraction of a second per epoch on cpu.

import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunDir } from "../src/run/run_dir.ts";
import { ROOT, runTask, summaryOf, timeless, tinyFlags } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const tempDir = () => Deno.makeTempDir({ prefix: "rnnlab-sweep-" });

/** Train flags for runs of a fraction of a second per epoch on cpu: the tiny config's. */
const TINY = [...tinyFlags(), "--backend", "cpu"];

/** A one-line error and exit code 2, with nothing on stdout. */
function assertUsageError(res: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  assert.equal(res.code, EXIT.usage, res.stderr);
  assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  assert.match(res.stderr.trim(), pattern);
  assert.equal(res.stdout, "");
}

/** A sweep report's table of machines: one, on which all 4 runs ran. */
const MACHINE_OF_4 =
  /<th>machine<\/th><th>runs<\/th><\/tr><\/thead><tbody><tr><td>[^<]+<\/td><td class="num">4<\/td><\/tr><\/tbody>/;

Deno.test("deno task sweep: bad input is one line and exit 2 before any run starts", async () => {
  // Every mistake the flags and plans can hold is src/sweep/sweep_flags_test.ts, in-process; here,
  // that each kind reaches the user as one line and exit 2, with no folder made.
  const dir = await tempDir();
  // Not JSON, over lines: the parser's message quotes them, line breaks and all.
  const broken = join(dir, "broken.json");
  await Deno.writeTextFile(broken, '{\n  "grid": x,\n  "seeds": [0]\n}\n');
  const out = join(dir, "out");
  const cases: [string[], RegExp, string[]?][] = [
    [
      ["--grid", "bogus=1,2"],
      /^error: the command line: grid: unknown key 'bogus' \(deno task train has no --bogus\)$/,
    ],
    [
      ["--grid", "theta=1,abc"],
      /^error: the command line, run 1 \(.*theta=abc.*\): --theta must be a number, got 'abc'$/,
    ],
    [
      ["--grid", "corpus-chars=600,10"],
      /^error: run 1_corpus-chars=10: corpus of 10 indices is too short for one batch of 3 × 5 steps$/,
      TINY.filter((_, i) => TINY[i] !== "--corpus-chars" && TINY[i - 1] !== "--corpus-chars"),
    ],
    [["--plan", broken], /^error: --plan .*broken\.json is not valid JSON$/],
    [["--jobs", "0"], /^error: --jobs must be in \[1, 256\], got 0$/],
  ];
  for (const [args, pattern, base = TINY] of cases) {
    assertUsageError(
      await runTask("sweep", [...base, "--epochs", "1", ...args, "--out", out]),
      pattern,
    );
    assert.equal(await Deno.stat(out).then(() => true, () => false), false, `${args}: --out made`);
  }
  // A sweep folder's own plan.json, not valid JSON: named as it is, not as a --plan.
  await Deno.mkdir(out);
  await Deno.copyFile(broken, join(out, "plan.json"));
  assertUsageError(
    await runTask("sweep", ["--out", out]),
    /^error: \/.*\/out\/plan\.json is not valid JSON$/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task sweep: runs on workers into ordinary run folders, summarised; a rerun skips what is finished", async () => {
  const dir = await tempDir();
  const out = join(dir, "sweep");
  const args = [...TINY, "--epochs", "2", "--grid", "lr=0.1,0.2", "--seeds", "0,1", "--jobs", "2"];
  const first = await runTask("sweep", [...args, "--out", out]);
  assert.equal(first.code, EXIT.ok, first.stderr);
  assert.match(first.stdout, /^Sweep of 4 runs in .*, 2 workers$/m);
  assert.equal(
    first.stdout.match(/^\[\d\/4\] \d_lr=0\.\d_seed=\d: complete, 2\/2 epochs/gm)?.length,
    4,
  );
  const summary = await summaryOf(out);
  assert.deepEqual(summary.varying, ["lr"]);
  assert.deepEqual(summary.runs.map((r) => r.name), [
    "0_lr=0.1_seed=0",
    "1_lr=0.1_seed=1",
    "2_lr=0.2_seed=0",
    "3_lr=0.2_seed=1",
  ]);
  for (const row of summary.runs) {
    const { record } = await readRunDir(join(out, row.dir)); // an ordinary run folder
    assert.equal(row.status, "complete");
    assert.equal(row.finalPerplexity, record.finalPerplexity);
    assert.deepEqual(row.curve, record.curve.map((r) => r.perplexity));
    assert.equal(row.predictions[0].text, record.predictions[0].text);
    assert.equal(record.config.lr, Number(row.values.lr));
    assert.equal(record.config.seed, row.seed);
  }
  assert.deepEqual(summary.aggregate.map((a) => [a.values.lr, a.complete]), [["0.1", 2], [
    "0.2",
    2,
  ]]);
  const csv = await Deno.readTextFile(join(out, "summary.csv"));
  assert.equal(csv.trim().split("\n").length, 5);
  assert.match(
    csv.split("\n")[0],
    /^name,lr,seed,status,epochs,.*,final_perplexity,best_perplexity,.*prediction:分开/,
  );
  const md = await Deno.readTextFile(join(out, "summary.md"));
  assert.match(md, /## Runs\n\n\| run \| lr \| seed \| status/);
  assert.match(
    md,
    /## Over seeds \(mean ± sd of the complete runs\)\n\n\| lr \| complete runs \| final ppl/,
  );
  for (const f of ["report.html", "plan.json", "sweep.json", "logs/0_lr=0.1_seed=0.log"]) {
    assert.ok((await Deno.stat(join(out, f))).isFile, f);
  }
  // Each setting's mean curve, plotted; the machine the runs ran on, counted.
  assert.match(await Deno.readTextFile(join(out, "curves.svg")), /0\.2 \(mean of 2\)/);
  const page = await Deno.readTextFile(join(out, "report.html"));
  assert.match(page, MACHINE_OF_4);
  // What every run shares, above the plot: a smoke test is not taken for the chapter's results.
  const shared = page.indexOf("<h2>Shared by every run</h2>");
  assert.ok(shared >= 0 && shared < page.indexOf("<h2>Perplexity</h2>"), "shared settings first");
  assert.match(page.slice(shared), /<dt>flags given<\/dt><dd>--preset small [^<]*--epochs 2/);
  assert.match(page.slice(shared), /<dt>epochs<\/dt><dd>2<\/dd>/);
  assert.match(
    md,
    /\nShared by every run: --preset small --epochs 2 .*\(iter random, .*epochs 2, /,
  );

  const again = await runTask("sweep", [...args, "--out", out]);
  assert.equal(again.code, EXIT.ok, again.stderr);
  assert.match(again.stdout, /^4 of 4 runs are finished already$/m);
  const { record } = await readRunDir(join(out, "runs", "0_lr=0.1_seed=0"));
  assert.equal(record.sessions?.length, 1);
  // Another plan in the same folder is refused; the folder's own plan continues without flags.
  assertUsageError(
    await runTask("sweep", [...TINY, "--epochs", "3", "--out", out]),
    /holds another sweep .* deno task sweep --out/,
  );
  assert.equal((await runTask("sweep", ["--out", out])).code, EXIT.ok);
  // The run folders are ordinary ones: train --resume extends one, verify --run reads it.
  const run = join(out, "runs", "3_lr=0.2_seed=1");
  const resumed = await runTask("train", ["--resume", run, "--epochs", "3"]);
  assert.equal(resumed.code, EXIT.ok, resumed.stderr);
  const verify = await runTask("verify", ["--run", run]);
  assert.equal(verify.code, EXIT.ok, verify.stderr);
  assert.match(verify.stdout, /skip/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task sweep: Ctrl-C stops every worker cleanly and a rerun continues; the result equals an uninterrupted sweep", async () => {
  const dir = await tempDir();
  const args = [...TINY, "--epochs", "8", "--grid", "lr=0.1,0.2", "--jobs", "2"];
  const straight = await runTask("sweep", [...args, "--out", join(dir, "straight")]);
  assert.equal(straight.code, EXIT.ok, straight.stderr);

  const out = join(dir, "stopped sweep"); // a path that a pasted command must quote
  // The task's own command line (deno task would stand between the signal and the sweep).
  const task: string = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks.sweep;
  const command = task.replace(/^deno run /, `run --config ${ROOT}deno.json `)
    .replace(/ tasks\//, ` ${ROOT}tasks/`).split(" ");
  const child = new Deno.Command(Deno.execPath(), {
    args: [...command, ...args, "--out", out],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  // Stop once each run has a few epochs done: run.json records them.
  const epochsDone = async (name: string) => {
    const text = await Deno.readTextFile(join(out, "runs", name, "run.json")).catch(() => "{}");
    return JSON.parse(text).curve?.length ?? 0;
  };
  for (let i = 0; i < 600; i++) {
    const done = [await epochsDone("0_lr=0.1"), await epochsDone("1_lr=0.2")];
    if (done.every((n) => n >= 2)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // As Ctrl-C, to the sweep alone: it closes its workers' stdin, on which they stop.
  child.kill("SIGINT");
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  assert.equal(status.code, EXIT.sigint, stdout + stderr);
  assert.match(
    stderr,
    /^Interrupted; the epochs done are kept\. Continue with:\n {2}deno task sweep --out '\/.*\/stopped sweep'\n/m,
  );
  const stopped = await summaryOf(out);
  assert.ok(stopped.runs.some((r) => r.status === "interrupted"), JSON.stringify(stopped.runs));
  assert.ok(stopped.runs.every((r) => r.status !== "running" && r.status !== "failed"));
  for (const name of ["0_lr=0.1", "1_lr=0.2"]) {
    await Deno.stat(join(out, "runs", name, "run.lock")).then(
      () => assert.fail(`${name}: its lock is left`),
      () => {},
    );
  }

  const rest = await runTask("sweep", [...args, "--out", out]);
  assert.equal(rest.code, EXIT.ok, rest.stderr);
  const resumed = await summaryOf(out);
  assert.deepEqual(timeless(resumed), timeless(await summaryOf(join(dir, "straight"))));
  const { record } = await readRunDir(join(out, "runs", "0_lr=0.1"));
  assert.ok((record.sessions?.length ?? 0) >= 2, "run 0 was resumed");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task sweep: a failed run is recorded as failed, the others run; a diverged run is a result; a rerun retries the failure", async () => {
  const dir = await tempDir();
  const out = join(dir, "sweep");
  const args = [...TINY, "--epochs", "2", "--grid", "lr=0.1,1e30,0.2", "--jobs", "2", "--out", out];
  // A stray file in run 2's folder: its worker refuses to clear the folder (as train --force does).
  await Deno.mkdir(join(out, "runs", "2_lr=0.2"), { recursive: true });
  await Deno.writeTextFile(join(out, "runs", "2_lr=0.2", "notes.txt"), "mine");
  const res = await runTask("sweep", args);
  assert.equal(res.code, EXIT.failed, res.stderr);
  const summary = await summaryOf(out);
  assert.deepEqual(summary.runs.map((r) => r.status), ["complete", "diverged", "failed"]);
  assert.match(
    summary.runs[2].error!,
    /holds files that are not a run's \(notes\.txt\), which --force leaves alone/,
  );
  assert.match(res.stdout, /2_lr=0\.2: failed: --out .* holds files that are not a run's/);
  assert.match(
    await Deno.readTextFile(join(out, "summary.md")),
    /failed: --out .* holds files that are not a run's/,
  );

  await Deno.remove(join(out, "runs", "2_lr=0.2", "notes.txt"));
  const again = await runTask("sweep", args);
  assert.equal(again.code, EXIT.ok, again.stderr);
  assert.deepEqual((await summaryOf(out)).runs.map((r) => r.status), [
    "complete",
    "diverged",
    "complete",
  ]);
  assert.match(again.stdout, /^2 of 3 runs are finished already$/m);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task sweep: --plan-only, N shards (I from --shard, Slurm from 1, a Kubernetes index), --collect: the same summary as one process but for the times", async () => {
  const dir = await tempDir();
  const args = [...TINY, "--epochs", "2", "--grid", "lr=0.1,0.2", "--seeds", "0,1"];
  const one = await runTask("sweep", [...args, "--jobs", "2", "--out", join(dir, "one")]);
  assert.equal(one.code, EXIT.ok, one.stderr);

  const out = join(dir, "sharded");
  const planOnly = await runTask("sweep", [...args, "--plan-only", "--out", out]);
  assert.equal(planOnly.code, EXIT.ok, planOnly.stderr);
  assert.match(planOnly.stdout, /4 runs planned in .*plan\.json/);
  const plan = join(out, "plan.json");
  const shards: { args: string[]; env: Record<string, string> }[] = [
    { args: ["--shard", "0/3"], env: {} },
    {
      args: ["--shard", "3"],
      env: { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "3" },
    },
    { args: ["--shard", "3"], env: { JOB_COMPLETION_INDEX: "2" } },
  ];
  const results = await Promise.all(
    shards.map((s) =>
      runTask("sweep", ["--plan", plan, ...s.args, "--jobs", "1", "--out", out], { env: s.env })
    ),
  );
  results.forEach((r, i) => assert.equal(r.code, EXIT.ok, `shard ${i}: ${r.stderr}`));
  assert.match(results[1].stdout, /^Sweep of 1 run \(shard 1 of 3\)/m);

  // One shard alone: the others' runs are missing.
  const partial = await runTask("sweep", [
    "--collect",
    join(out, "shard-0-of-3"),
    "--out",
    join(dir, "partial"),
  ]);
  assert.equal(partial.code, EXIT.failed);
  assert.match(partial.stderr, /^error: 2 of 4 runs are in none of the folders$/m);

  const collected = await runTask("sweep", ["--collect", out]);
  assert.equal(collected.code, EXIT.ok, collected.stderr);
  const merged = await summaryOf(out);
  assert.deepEqual(timeless(merged), timeless(await summaryOf(join(dir, "one"))));
  assert.deepEqual(merged.runs.map((r) => r.dir.split("/")[0]), [
    "shard-0-of-3",
    "shard-1-of-3",
    "shard-2-of-3",
    "shard-0-of-3",
  ]);
  assert.match(await Deno.readTextFile(join(out, "report.html")), MACHINE_OF_4);
  await Deno.remove(dir, { recursive: true });
});
