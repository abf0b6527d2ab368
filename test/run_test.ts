// Runs that survive (src/run/): checkpoints, resuming bit for bit, interrupts, locks, limits and
// divergence, in-process and as a user runs `deno task train`.

import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTrainingData, SMALL_PRESET, type TrainConfig } from "../mod.ts";
import { PARAM_NAMES } from "../src/model/params.ts";
import { encodeRnnModel } from "../src/onnx/model.ts";
import { checkModelAgainstRun } from "../src/onnx/run_model.ts";
import { readRnnModel } from "../src/onnx/model.ts";
import { resumeTraining, runTraining } from "../src/run/run.ts";
import { readRunDir, writeRunDir } from "../src/run/run_dir.ts";
import { RUN_FILES, type RunRecord } from "../src/run/record.ts";
import { type BackendChoice, probeAdapter, selectBackend } from "../src/train/backend.ts";
import { trainAndPredictRnn, type TrainerFactory } from "../src/train/train.ts";
import { referenceTrainer } from "../src/train/train.ts";
import type { TrainerName } from "../src/train/trainers.ts";
import { ROOT, runTask, SHARED, tinyConfig } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const tempDir = () => Deno.makeTempDir({ prefix: "rnnlab-run-" });

/** The tiny config, a little larger and 4 epochs (a run stopped after epoch 2 has 2 to go). */
const TINY: TrainConfig = tinyConfig({
  epochs: 4,
  corpusChars: 1000,
  hidden: 16,
  batchSize: 4,
  numSteps: 6,
});

/** Asserts two run folders hold the same curve and, bit for bit, the same parameters. */
async function assertSameRun(a: string, b: string): Promise<void> {
  const [x, y] = [await readRunDir(a), await readRunDir(b)];
  assert.equal(x.record.status, "complete");
  assert.equal(y.record.status, "complete");
  assert.deepEqual(x.record.config, y.record.config);
  assert.deepEqual(
    x.record.curve.map((r) => [r.epoch, r.perplexity, r.predictions]),
    y.record.curve.map((r) => [r.epoch, r.perplexity, r.predictions]),
  );
  assert.deepEqual(x.record.predictions, y.record.predictions);
  for (const name of PARAM_NAMES) {
    const bytes = (p: typeof x.params) => new Uint8Array(p[name].data.buffer);
    assert.deepEqual(bytes(x.params), bytes(y.params), `${name} differs`);
  }
}

/** Trains `config` straight into one folder, and stopped after epoch 2 then resumed into another. */
async function straightAndResumed(
  config: TrainConfig,
  backend: BackendChoice,
  trainer: TrainerName,
): Promise<void> {
  const dir = await tempDir();
  const corpus = { fetch: null };
  await runTraining(config, { corpus, backend, trainer, out: join(dir, "straight") });
  const stop = new AbortController();
  const stopped = await runTraining(config, {
    corpus,
    backend,
    trainer,
    out: join(dir, "resumed"),
    // the checkpoint of epoch 2 is written after its lines are printed: stop in epoch 3
    print: (line) => line.startsWith("Epoch 2.") && stop.abort(),
    signal: stop.signal,
  });
  assert.equal(stopped.record.status, "interrupted");
  assert.deepEqual(stopped.end, { status: "interrupted", epoch: 3, batch: 0 });
  assert.equal(stopped.record.curve.length, 2);
  const resumed = await resumeTraining(join(dir, "resumed"));
  assert.equal(resumed.record.sessions?.length, 2);
  await assertSameRun(join(dir, "straight"), join(dir, "resumed"));
  await Deno.remove(dir, { recursive: true });
}

/** The samplers and state initialisations a resume must repeat: the chapter's two, and exercise 2. */
const SETTINGS = [
  { iter: "random", stateInit: "batch" },
  { iter: "consecutive", stateInit: "epoch" },
  { iter: "random", stateInit: "epoch" },
] as const;

for (const backend of ["cpu", "wasm"] as const) {
  for (const trainer of ["reference", "batched"] as const) {
    Deno.test(`resume on ${backend}, ${trainer} trainer: 4 epochs straight = 2, interrupted, + 2, bit for bit, both samplers and --state-init epoch`, async () => {
      for (const setting of SETTINGS) {
        await straightAndResumed({ ...TINY, ...setting }, backend, trainer);
      }
    });
  }
}

const adapter = await probeAdapter();
Deno.test({
  name:
    "resume on webgpu, fused trainer: 4 epochs straight = 2, interrupted, + 2, bit for bit, with --state-init epoch too",
  ignore: adapter === undefined,
  fn: async () => {
    for (const setting of SETTINGS) {
      await straightAndResumed({ ...TINY, ...setting }, "webgpu", "fused");
    }
  },
});

Deno.test("--epochs with --resume trains a complete run further: 2 + 2 = 4 straight, bit for bit", async () => {
  const dir = await tempDir();
  const corpus = { fetch: null };
  const out = (name: string) => join(dir, name);
  await runTraining(TINY, { corpus, backend: "cpu", out: out("straight") });
  await runTraining({ ...TINY, epochs: 2 }, { corpus, backend: "cpu", out: out("extended") });
  const run = await resumeTraining(out("extended"), { epochs: 4 });
  assert.equal(run.record.config.epochs, 4);
  await assertSameRun(out("straight"), out("extended"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run folder holds a checkpoint from the start, and every record says where it stands", async () => {
  const dir = join(await tempDir(), "run");
  const stop = new AbortController();
  stop.abort(); // before the first step
  const run = await runTraining(TINY, {
    corpus: { fetch: null },
    backend: "cpu",
    out: dir,
    signal: stop.signal,
  });
  assert.deepEqual(run.end, { status: "interrupted", epoch: 1, batch: 0 });
  const record: RunRecord = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.record)));
  assert.equal(record.status, "interrupted");
  assert.equal(record.finalPerplexity, null);
  assert.deepEqual(record.curve, []);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), [
    RUN_FILES.params,
    RUN_FILES.plot,
    RUN_FILES.report,
    RUN_FILES.record,
  ]);
  assert.match(await Deno.readTextFile(join(dir, RUN_FILES.plot)), /no epoch finished/);
  const resumed = await resumeTraining(dir, { epochs: 1 });
  assert.equal(resumed.record.status, "complete");
  assert.deepEqual(resumed.record.sessions?.map((s) => [s.fromEpoch, s.toEpoch, s.status]), [
    [0, 0, "interrupted"],
    [0, 1, "complete"],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("divergence is found at the end of an epoch when the trainer cannot tell sooner", async () => {
  await selectBackend("cpu");
  const data = await loadTrainingData({ fetch: null }, TINY.corpusChars);
  const blind: TrainerFactory = (params, config) => {
    const { step, takeLossSum } = referenceTrainer(params, config);
    return { step, takeLossSum }; // no lastLossFinite: as the fused trainer on a GPU
  };
  const config = { ...TINY, lr: 1e38 };
  const { params, curve, end } = await trainAndPredictRnn(
    config,
    data.indices,
    data.vocab,
    {},
    blind,
  );
  tf.dispose(Object.values(params));
  assert.deepEqual(curve, []);
  assert.deepEqual(end, { status: "diverged", epoch: 1, reason: "the perplexity is not finite" });
  const fast = await trainAndPredictRnn(config, data.indices, data.vocab);
  tf.dispose(Object.values(fast.params));
  assert.deepEqual(fast.end, {
    status: "diverged",
    epoch: 1,
    reason: "the loss of batch 2 is not finite",
  });
});

/** Runs `deno task train` and returns its result. */
function train(args: string[]) {
  return runTask("train", args);
}

/** The small preset on `backend`. */
const small = (backend: string) => ["--preset", "small", "--backend", backend];

/** Asserts a task failed with `code` and exactly one line on stderr matching `pattern`. */
function assertOneLine(r: { code: number; stderr: string }, code: number, pattern: RegExp) {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
}

Deno.test("deno task train: limits are checked before work, one line and exit 2", async () => {
  const out = join(await tempDir(), "run");
  const cases: [string[], RegExp][] = [
    [
      ["--hidden", "20000", "--backend", "wasm"],
      /^error: this config needs about \d+\.\d GiB on wasm \(hidden 20000, vocab 317, batch 8 × 10 steps, batched trainer\), more than wasm's 4 GiB heap; lower --hidden/,
    ],
    [
      ["--hidden", "100000", "--backend", "cpu", "--trainer", "batched"],
      /^error: this config needs about \d+\.\d GiB on cpu .*, more than the .* of memory available; /,
    ],
  ];
  if (adapter) {
    cases.push([
      ["--hidden", "16384", "--backend", "webgpu", "--trainer", "fused"],
      /^error: this config needs a 1\.0 GiB tensor on webgpu .*, more than the adapter's /,
    ]);
  }
  for (const [args, pattern] of cases) {
    assertOneLine(await train(["--preset", "small", ...args, "--out", out]), EXIT.usage, pattern);
  }
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "nothing was written");
});

Deno.test("deno task train --lr 1e30: diverged, one line naming the epoch, exit 3; export and generate refuse", async () => {
  const dir = await tempDir();
  const out = join(dir, "run");
  const r = await train([...small("cpu"), "--lr", "1e30", "--epochs", "3", "--out", out]);
  assertOneLine(
    r,
    3,
    /^error: the run diverged in epoch 1: the perplexity is not finite \(try a lower --lr\); no epoch was done yet$/,
  );
  const record: RunRecord = JSON.parse(await Deno.readTextFile(join(out, RUN_FILES.record)));
  assert.equal(record.status, "diverged");
  assert.deepEqual(record.divergence, { epoch: 1, reason: "the perplexity is not finite" });
  assert.match(await Deno.readTextFile(join(out, RUN_FILES.plot)), /diverged in epoch 1/);
  assertOneLine(
    await runTask("export", ["--run", out]),
    EXIT.usage,
    /^error: run .* diverged in epoch 1 /,
  );
  assertOneLine(
    await train(["--resume", out]),
    2,
    /^error: run .* diverged; resuming it would repeat the same steps/,
  );
  // Parameters that are not finite, however they came: export refuses them, generate too.
  const nan = await trainedRun(dir);
  const { record: good, params } = await readRunDir(nan);
  params.W_hh.data[3] = NaN;
  await writeRunDir(nan, good, params, undefined);
  assertOneLine(
    await runTask("export", ["--run", nan]),
    2,
    /^error: run .* has parameters that are not finite; they are no model$/,
  );
  const model = join(dir, "nan.onnx");
  await Deno.writeFile(model, encodeRnnModel(params, { vocab: JSON.stringify(good.vocab) }));
  assertOneLine(
    await runTask("generate", ["--model", model, "--prefix", "分开", "--ep", "cpu"]),
    2,
    /^error: model .*nan\.onnx has weights that are not finite/,
  );
  await Deno.remove(dir, { recursive: true });
});

let trained: Promise<string> | undefined;

/** One small trained run folder per test process (1 epoch, cpu), copied into `dir`. */
async function trainedRun(dir: string): Promise<string> {
  trained ??= (async () => {
    const out = join(await tempDir(), "run");
    await runTraining({ ...TINY, epochs: 1 }, { corpus: { fetch: null }, backend: "cpu", out });
    return out;
  })();
  const copy = join(dir, `run-${crypto.randomUUID()}`);
  await Deno.mkdir(copy);
  for (const name of [RUN_FILES.params, RUN_FILES.record]) {
    await Deno.copyFile(join(await trained, name), join(copy, name));
  }
  return copy;
}

Deno.test("a run recorded before runs had a status or a choice of trainer reads back as complete, on the reference trainer", async () => {
  const dir = await tempDir();
  const run = await trainedRun(dir);
  const path = join(run, RUN_FILES.record);
  const { status: _, trainer: __, ...old } = JSON.parse(await Deno.readTextFile(path));
  await Deno.writeTextFile(path, JSON.stringify(old));
  const { record } = await readRunDir(run);
  assert.deepEqual([record.status, record.trainer], ["complete", "reference"]);
  const compared = await runTask("compare", [run]);
  assert.equal(compared.code, EXIT.ok, compared.stderr);
  assert.match(compared.stdout.split("\n")[2], / complete .* cpu +reference$/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("run folders: a non-empty --out is refused with the hint that works there; --force clears only a run's files", async () => {
  const dir = await tempDir();
  const run = await trainedRun(dir);
  const before = await Deno.readFile(join(run, RUN_FILES.params));
  const once = [...small("cpu"), "--epochs", "1"];
  assertOneLine(
    await train([...once, "--out", run]),
    2,
    /^error: --out .* holds a run \(complete\); pass --force to replace it, or train it further with deno task train --resume .* --epochs N$/,
  );
  assert.deepEqual(await Deno.readFile(join(run, RUN_FILES.params)), before, "nothing replaced");
  assertOneLine(
    await train(["--resume", run, "--lr", "0.1"]),
    2,
    /^error: --resume continues a run with its own settings; --lr cannot change them/,
  );
  assertOneLine(
    await train(["--resume", run]),
    2,
    /^error: run .* has 1 epochs done already; pass --epochs N with N > 1 to train it further$/,
  );
  assertOneLine(
    await train(["--resume", run, "--epochs", "2", "--backend", "wasm"]),
    2,
    /^error: run .* trained with --backend cpu; it continues only so \(got --backend wasm\)/,
  );
  assertOneLine(
    await runTask("train", ["--resume", run, "--epochs", "2", "--dataset", "2018"]),
    2,
    /^error: the corpus found \(.*2018.*\) is not the one run .* trained on/,
  );
  await Deno.writeTextFile(join(run, RUN_FILES.model), "the old run's model");
  const forced = await train([...once, "--out", run, "--force", "--json"]);
  assert.equal(forced.code, EXIT.ok, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).config.hidden, SMALL_PRESET.hidden, "a new run there");
  await assert.rejects(Deno.stat(join(run, RUN_FILES.model)), Deno.errors.NotFound);
  await Deno.writeTextFile(join(run, "notes.txt"), "mine");
  assertOneLine(
    await train([...once, "--out", run, "--force"]),
    2,
    /^error: --out .* holds files that are not a run's \(notes\.txt\), which --force leaves alone; /,
  );
  assert.equal(await Deno.readTextFile(join(run, "notes.txt")), "mine");
  await Deno.remove(dir, { recursive: true });
});

/** `deno task train ...` started as a user starts it, to be signalled. */
function spawnTrain(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "train", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits until the run folder `dir` records `epochs` epochs done. */
async function epochsDone(dir: string, epochs: number): Promise<RunRecord> {
  for (let i = 0; i < 1200; i++) {
    try {
      const record = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.record)));
      if (record.curve.length >= epochs) return record;
    } catch {
      // not written yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${dir} never reached ${epochs} epochs`);
}

Deno.test("deno task train: SIGINT/SIGTERM keep the epochs done and print how to resume; two processes never share a folder", async () => {
  const dir = join(await tempDir(), "run");
  const first = spawnTrain([...small("wasm"), "--epochs", "500", "--out", dir]);
  await epochsDone(dir, 1);
  const busy =
    /^error: run folder .* is in use by process \d+ \(since .*\); two runs never share a folder$/;
  assertOneLine(await train([...small("wasm"), "--out", dir]), EXIT.usage, busy);
  assertOneLine(await train([...small("wasm"), "--out", dir, "--force"]), EXIT.usage, busy);
  assertOneLine(await train(["--resume", dir, "--epochs", "600"]), EXIT.usage, busy);
  first.kill("SIGINT");
  const stopped = await first.output();
  const stderr = new TextDecoder().decode(stopped.stderr);
  assert.equal(stopped.code, EXIT.sigint, stderr);
  assert.match(
    stderr,
    /\nInterrupted during epoch \d+; epochs? 1(–\d+)? (is|are) kept in .*\/run\/\. Resume with:\n {2}deno task train --resume \/.*\/run\n$/,
  );
  const interrupted: RunRecord = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.record)));
  assert.equal(interrupted.status, "interrupted");
  assert.equal(
    (await Array.fromAsync(Deno.readDir(dir))).some((e) => e.name === RUN_FILES.lock),
    false,
  );
  const done = interrupted.curve.length;

  // The command it printed resumes the run; --epochs ends it one epoch later.
  const resumed = await train(["--resume", dir, "--epochs", String(done + 1), "--json"]);
  assert.equal(resumed.code, EXIT.ok, resumed.stderr);
  const record: RunRecord = JSON.parse(resumed.stdout);
  assert.equal(record.status, "complete");
  assert.deepEqual(record.curve.slice(0, done), interrupted.curve);
  assert.match(
    resumed.stderr,
    new RegExp(`^Resuming .*run after epoch ${done} of ${done + 1}$`, "m"),
  );

  const second = spawnTrain(["--resume", dir, "--epochs", "500"]);
  await epochsDone(dir, done + 2);
  second.kill("SIGTERM");
  const terminated = await second.output();
  assert.equal(terminated.code, EXIT.sigterm, new TextDecoder().decode(terminated.stderr));
  const last: RunRecord = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.record)));
  assert.equal(last.status, "interrupted");

  // A lock file whose process is gone (killed without a chance to clean up) is taken over.
  await Deno.writeTextFile(join(dir, RUN_FILES.lock), '{"pid": 2147483646, "since": "then"}');
  const again = await train(["--resume", dir, "--epochs", String(last.curve.length + 1)]);
  assert.equal(again.code, EXIT.ok, again.stderr);
  assert.match(again.stdout, /^\(took over run\.lock from process 2147483646, which has ended\)$/m);
  await Deno.remove(join(dir, ".."), { recursive: true });
});

Deno.test("export records the parameters' digest; generate refuses a model.onnx its run no longer matches, verify warns", async () => {
  const dir = await tempDir();
  const run = await trainedRun(dir);
  assert.equal((await runTask("export", ["--run", run])).code, EXIT.ok);
  const model = join(run, RUN_FILES.model);
  const args = ["--model", model, "--prefix", "分开", "--chars", "3", "--ep", "cpu"];
  const ok = await runTask("generate", args);
  assert.equal(ok.code, EXIT.ok, ok.stderr);
  assert.equal(ok.stderr, "");
  const { record } = await readRunDir(run);
  assert.equal((await readRnnModel(model)).metadata.params_sha256, record.params.sha256);

  const more = await train(["--resume", run, "--epochs", "2"]);
  assert.equal(more.code, EXIT.ok, more.stderr);
  assertOneLine(
    await runTask("generate", args),
    2,
    /^error: model .*model\.onnx was exported from other parameters than its run's \(params_sha256 [0-9a-f]{12}…, the run's [0-9a-f]{12}…\); re-export it: deno task export --run /,
  );
  const verify = await runTask("verify", ["--run", run]);
  assert.match(verify.stderr, /^warning: model .*model\.onnx was exported from other parameters/m);

  // A model exported before the digest was recorded cannot be told to match: a warning.
  const { params } = await readRunDir(run);
  await Deno.writeFile(model, encodeRnnModel(params, { vocab: JSON.stringify(record.vocab) }));
  const old = await checkModelAgainstRun(model, await readRnnModel(model));
  assert.match(String(old), /does not record which parameters it was exported from/);
  await Deno.remove(dir, { recursive: true });
});

/** The environment without `$INIT_CWD`. */
function withoutInitCwd(): Record<string, string> {
  const { INIT_CWD: _, ...rest } = Deno.env.toObject();
  return rest;
}

Deno.test("paths typed in a subfolder are taken from there, by every task that takes one", async () => {
  await Deno.mkdir(join(ROOT, "runs"), { recursive: true });
  const sub = await Deno.makeTempDir({ dir: join(ROOT, "runs"), prefix: "paths-test-" });
  await Deno.copyFile(
    join(SHARED, "data", "jaychou_lyrics-2017.txt.zip"),
    join(sub, "corpus.zip"),
  );
  /** `deno task NAME ...` typed in `sub`. */
  const inSub = async (name: string, args: string[], code = 0) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", name, ...args],
      cwd: sub,
      // deno task keeps an $INIT_CWD it inherits (as npm does): this test runs under one.
      clearEnv: true,
      env: { ...withoutInitCwd(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    const r = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    assert.equal(r.code, code, `${name} ${args.join(" ")}: ${r.stderr}`);
    return r;
  };
  try {
    await inSub("train", [
      ...["--preset", "small", "--epochs", "1", "--backend", "wasm"],
      ...["--data", "corpus.zip", "--out", "myrun"],
    ]);
    assert.ok((await Deno.stat(join(sub, "myrun", RUN_FILES.params))).isFile);
    await inSub("export", ["--run", "myrun", "--out", "m.onnx"]);
    assert.ok((await Deno.stat(join(sub, "m.onnx"))).isFile);
    await inSub("generate", [
      "--model",
      "m.onnx",
      "--prefix",
      "分开",
      "--chars",
      "2",
      "--ep",
      "cpu",
    ]);
    await inSub("corpus", ["--data", "corpus.zip"]);
    await inSub("verify", ["--run", "myrun"]);
    await inSub("grade", ["--init", "hw"]);
    assert.ok((await Deno.stat(join(sub, "hw", "rnn_scratch.ts"))).isFile);
    const missing = await inSub("grade", ["hw/missing.ts"], 2);
    assert.match(missing.stderr, new RegExp(`^error: submission ${sub}/hw/missing\\.ts is not`));
    await inSub("bench", [
      ...["--preset", "small", "--iters", "1", "--warmup", "0", "--backends", "cpu"],
      ...["--trainers", "reference", "--torch", "none", "--results", "bench"],
    ]);
    assert.equal((await Array.fromAsync(Deno.readDir(join(sub, "bench")))).length, 2);
  } finally {
    await Deno.remove(sub, { recursive: true });
  }
});

/**
 * A folder that exists and cannot be written, even by root (read-only, then immutable where
 * `chattr` works), or `undefined` where neither holds; `release` makes it removable again.
 */
async function unwritableFolder(): Promise<
  { dir: string; release: () => Promise<void> } | undefined
> {
  const dir = await tempDir();
  const writable = () => Deno.writeTextFile(join(dir, "probe"), "").then(() => true, () => false);
  await Deno.chmod(dir, 0o555);
  let immutable = false;
  if (await writable()) {
    const chattr = (flag: string) =>
      new Deno.Command("chattr", { args: [flag, dir], stderr: "null" }).output()
        .then((o) => o.success, () => false);
    await Deno.remove(join(dir, "probe"));
    immutable = await chattr("+i");
    if (!immutable || await writable()) {
      if (immutable) await chattr("-i");
      await Deno.remove(dir, { recursive: true });
      return undefined;
    }
  }
  return {
    dir,
    release: async () => {
      if (immutable) await new Deno.Command("chattr", { args: ["-i", dir] }).output();
      await Deno.chmod(dir, 0o755);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("outputs that cannot be written are one plain line and exit 2, for every task that writes", async () => {
  const cases: [string, string[], RegExp][] = [
    [
      "grade",
      ["--init", "/proc/rnnlab"],
      /^error: --init \/proc\/rnnlab cannot be written: that place/,
    ],
    [
      "bench",
      ["--torch", "none", "--results", "/proc/rnnlab"],
      /^error: --results \/proc\/rnnlab cannot be written: /,
    ],
    [
      "site",
      ["--no-corpus", "--out", "/proc/rnnlab"],
      /^error: --out \/proc\/rnnlab cannot be written: that place/,
    ],
    [
      "sweep",
      ["--seeds", "0", "--plan-only", "--out", "/proc/rnnlab"],
      /^error: --out \/proc\/rnnlab cannot be written: that place/,
    ],
    [
      "sweep",
      [...small("cpu"), "--seeds", "0", "--jobs", "1", "--out", "/proc/rnnlab"],
      /^error: --out \/proc\/rnnlab cannot be written: that place/,
    ],
  ];
  for (const [name, args, pattern] of cases) {
    assertOneLine(await runTask(name, args), EXIT.usage, pattern);
  }
  // grade's --results must name a folder that exists (Deno cannot even look into /proc): one that
  // exists and refuses files.
  const folder = await unwritableFolder();
  if (folder === undefined) {
    console.warn("skipped grade --results: no folder here refuses files to this user");
    return;
  }
  try {
    const results = join(folder.dir, "r.json");
    assertOneLine(
      await runTask("grade", ["x.ts", "--results", results]),
      2,
      new RegExp(`^error: --results ${folder.dir} cannot be written: permission denied`),
    );
  } finally {
    await folder.release();
  }
});
