// deno task bench as it scales: batches made as they are used, results never overwritten.

import assert from "node:assert/strict";
import { join } from "node:path";
import type { BenchResult } from "../src/bench/step_result.ts";
import type { EndToEndResult } from "../src/bench/end_to_end.ts";
import { writeBenchResult } from "../src/bench/cli.ts";
import { findPython } from "../src/io/python.ts";
import { benchBatches } from "../src/bench/train_bench.ts";
import { loadTrainingData } from "../src/data/corpus.ts";
import { dataIterRandom } from "../src/data/iterators.ts";
import { PyRandom } from "../src/random/py_random.ts";
import { SMALL_PRESET } from "../src/train/config.ts";
import { ROOT, runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

Deno.test("bench batches are the random sampler's, epoch after epoch, made only as they are taken", async () => {
  const data = await loadTrainingData({ fetch: null }, SMALL_PRESET.corpusChars);
  const batches = benchBatches(SMALL_PRESET, data);
  const rng = new PyRandom(SMALL_PRESET.seed);
  const { batchSize, numSteps } = SMALL_PRESET;
  const twoEpochs = [
    ...dataIterRandom(data.indices, batchSize, numSteps, rng),
    ...dataIterRandom(data.indices, batchSize, numSteps, rng),
  ];
  for (const expected of twoEpochs) assert.deepEqual(batches.next().value, expected);
});

Deno.test("bench results get a name of their own: a second result never overwrites the first", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  const result = { date: "2026-11-27T10:11:12.000Z", note: "n" };
  const name = { kind: "train", backends: ["cpu"], preset: "small" };
  const first = await writeBenchResult(dir, result, "first\n", name);
  const again = { ...result, note: "again" };
  const second = await writeBenchResult(dir, again, "second\n", name);
  assert.equal(first, join(dir, "train-2026-11-27-101112-cpu-small"));
  assert.equal(second, `${first}-2`);
  assert.equal(await Deno.readTextFile(`${first}.md`), "first\n");
  assert.equal(JSON.parse(await Deno.readTextFile(`${second}.json`)).note, "again");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task bench --iters 1000000000 runs in bounded memory (no batch list built up front)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "--allow-read", "--allow-write", "--allow-env", "--allow-run", "tasks/bench.ts"],
      ...["--preset", "small", "--iters", "1000000000", "--warmup", "0", "--backends", "wasm"],
      ...["--trainers", "batched", "--torch", "none", "--results", dir],
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("round 1 of 1: batched on wasm")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  assert.match(seen, /round 1 of 1: batched on wasm/);
  await new Promise((resolve) => setTimeout(resolve, 4000)); // thousands of steps
  const status = await Deno.readTextFile(`/proc/${child.pid}/status`).catch(() => "");
  const rssKiB = Number(status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1] ?? 0);
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  if (status !== "") assert.ok(rssKiB < 600 * 1024, `resident memory ${rssKiB} KiB`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task bench --end-to-end runs the chapter's program as deno task train does, with the default trainer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
  const res = await runTask("bench", [
    ...["--end-to-end", "--preset", "small", "--epochs", "2", "--backends", "wasm"],
    ...["--threads", "1,2", "--torch", "none", "--results", dir, "--json"],
  ]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  const result: EndToEndResult = JSON.parse(res.stdout);
  assert.equal(result.config.epochs, 2);
  assert.equal(result.rows.length, 2);
  const [row, two] = result.rows;
  assert.match(row.engine, /^rnnlab wasm .*on 1 thread.*, batched trainer$/);
  assert.match(two.engine, /^rnnlab wasm .*on 2 threads.*, batched trainer$/);
  assert.equal(row.speedup, undefined);
  assert.equal(two.speedup!.median, row.runs[0].processSeconds! / two.runs[0].processSeconds!);
  const [run] = row.runs;
  assert.ok(run.processSeconds! > run.loopSeconds! && run.loopSeconds! > run.predictionSeconds!);
  assert.ok(run.predictionSeconds! > 0 && row.finalPerplexity! > 1);
  assert.equal(row.processSeconds!.median, run.processSeconds);
  assert.match(res.stderr, /^Epoch 2\. Perplexity \d+\.\d{6}$/m, "the chapter's lines, as printed");
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(files.map((f) => f.replace(/-\d{4}-\d\d-\d\d-\d{6}-/, "-*-")), [
    "e2e-*-wasm-small.json",
    "e2e-*-wasm-small.md",
  ]);
  const bad = await runTask("bench", ["--end-to-end", "--threads", "2,0"]);
  assert.equal(bad.code, EXIT.usage);
  assert.equal(bad.stderr, "error: --threads must be in [1, Infinity], got 0\n");
  const margin = await runTask("bench", ["--gate-margin", "5"]);
  assert.equal(margin.code, EXIT.usage);
  assert.equal(margin.stderr, "error: --gate-margin goes with --baseline FILE\n");
  const negative = await runTask("bench", ["--baseline", "b.json", "--gate-margin", "-1"]);
  assert.equal(negative.code, EXIT.usage);
  assert.equal(negative.stderr, "error: --gate-margin must be in [0, 100], got -1\n");
  // Checked before any work: the results folder is not made.
  const epochs = await runTask("bench", [
    ...["--end-to-end", "--epochs", "0", "--results", join(dir, "never")],
  ]);
  assert.equal(epochs.code, EXIT.usage);
  assert.equal(epochs.stderr, "error: --epochs must be in [1, Infinity], got 0\n");
  assert.equal(await Deno.stat(join(dir, "never")).then(() => true, () => false), false);
});

Deno.test({
  name:
    "deno task bench --end-to-end: the ratios are to PyTorch eager wherever --torch-impls lists it",
  ignore: (await findPython("torch")).python === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
    const res = await runTask("bench", [
      ...["--end-to-end", "--preset", "small", "--epochs", "1", "--backends", "wasm"],
      ...["--torch-impls", "nn-rnn,eager", "--results", dir, "--json"],
    ]);
    assert.equal(res.code, EXIT.ok, res.stderr);
    const { rows }: EndToEndResult = JSON.parse(res.stdout);
    assert.equal(rows.length, 3);
    const [rnnlab, nnRnn, eager] = rows;
    assert.match(rnnlab.engine, /^rnnlab wasm /);
    assert.match(nnRnn.engine, /^PyTorch .* nn\.RNN /);
    assert.match(eager.engine, /^PyTorch .* eager /);
    const one = (r: typeof rnnlab) => r.runs[0];
    assert.deepEqual(eager.vsTorch!.samples, [1]);
    assert.equal(nnRnn.vsTorch!.median, one(nnRnn).processSeconds! / one(eager).processSeconds!);
    assert.equal(rnnlab.loopVsTorch!.median, one(rnnlab).loopSeconds! / one(eager).loopSeconds!);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "deno task bench: PyTorch's rows carry their ratios to eager and nn.RNN, as the table prints",
  ignore: (await findPython("torch")).python === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-bench-" });
    const res = await runTask("bench", [
      ...["--preset", "small", "--iters", "1", "--warmup", "0", "--backends", "wasm"],
      ...["--trainers", "batched", "--torch-impls", "nn-rnn,eager", "--results", dir, "--json"],
    ]);
    assert.equal(res.code, EXIT.ok, res.stderr);
    const result: BenchResult = JSON.parse(res.stdout);
    const [nnRnn, eager] = result.torch;
    assert.ok(!("unavailable" in nnRnn) && !("unavailable" in eager));
    assert.equal(eager.impl, "eager");
    const ms = (r: { msPerIteration: { median: number } }) => r.msPerIteration.median;
    assert.deepEqual(eager.vsTorch!.samples, [1]);
    assert.deepEqual(nnRnn.vsTorchRnn!.samples, [1]);
    assert.equal(nnRnn.vsTorch!.median, ms(nnRnn) / ms(eager));
    assert.equal(eager.vsTorchRnn!.median, ms(eager) / ms(nnRnn));
    const [row] = result.rows;
    assert.equal(row.vsTorch!.median, ms(row) / ms(eager));
    const md = await Deno.readTextFile(
      join(dir, [...Deno.readDirSync(dir)].find((e) => e.name.endsWith(".md"))!.name),
    );
    assert.match(
      md,
      /^\| PyTorch .* nn\.RNN .* \| same math \| [\d.]+ \| – \| .* \| 1\.00 \| – \|$/m,
    );
    await Deno.remove(dir, { recursive: true });
  },
});
