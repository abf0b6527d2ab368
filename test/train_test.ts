import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { zipSync } from "fflate";
import { loadTrainingData, selectBackend, SMALL_PRESET, trainAndPredictRnn } from "../mod.ts";
import { readRunDir } from "../run.ts";
import { EXIT } from "../src/errors.ts";
import { runTask } from "./_helpers.ts";

const tempDir = () => Deno.makeTempDir({ prefix: "rnnlab-train-" });

Deno.test("same seed, backend and config give the same curve bit for bit; tensors do not leak", async () => {
  await selectBackend("cpu");
  const config = { ...SMALL_PRESET, epochs: 4, predPeriod: 2 };
  const data = await loadTrainingData({ fetch: null }, config.corpusChars);
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const tensors: number[] = [];
    const { params, curve } = await trainAndPredictRnn(config, data.indices, data.vocab, {
      onEpoch: () => tensors.push(tf.memory().numTensors),
    });
    tf.dispose(Object.values(params));
    assert.equal(new Set(tensors).size, 1, `tensors per epoch: ${tensors}`);
    runs.push(curve.map((r) => [r.perplexity, r.predictions]));
  }
  assert.deepEqual(runs[0], runs[1]);
  assert.ok((runs[0][3][0] as number) < (runs[0][0][0] as number), "perplexity falls");
});

Deno.test("deno task train writes run.json, params.safetensors and perplexity.svg; --json prints the record", async () => {
  const out = join(await tempDir(), "run");
  const res = await runTask("train", [
    "--preset",
    "small",
    "--backend",
    "cpu",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  const printed = JSON.parse(res.stdout);
  assert.match(res.stderr, /^Will use cpu/m);
  assert.match(res.stderr, /^Epoch 2\. Perplexity \d+\.\d{6}$/m);
  assert.match(res.stderr, /^ - {2}不分开/m);
  assert.match(res.stderr, /^Elapsed /m);
  const { record, params } = await readRunDir(out);
  assert.deepEqual(printed, record);
  assert.equal(record.config.epochs, 2);
  assert.equal(record.dataset.version, "2017");
  assert.equal(
    record.dataset.sha256,
    "182180582bd7811aa93f4eb954f9a8d7990177044c374b16bd9304132d2dc39c",
  );
  assert.equal(record.backend.name, "cpu");
  assert.equal(record.curve.length, 2);
  assert.ok(record.curve.every((r) => r.seconds > 0 && r.perplexity > 1));
  assert.equal(record.predictions.length, 2);
  assert.equal(record.status, "complete");
  assert.equal(record.environment.tfjs, "4.22.0");
  assert.equal(record.environment.onnxruntime, "1.29.0");
  assert.equal(record.environment.cores, navigator.hardwareConcurrency);
  assert.ok(record.environment.memoryBytes! > 0, "the task may read the memory size");
  assert.match(record.environment.osRelease!, /\S/);
  assert.match(String(record.environment.commit), /^([0-9a-f]{40}|null)$/); // git may be absent
  assert.deepEqual(record.sessions?.map((s) => [s.fromEpoch, s.toEpoch, s.status]), [
    [0, 2, "complete"],
  ]);
  assert.deepEqual(params.W_hh.shape, [32, 32]);
  assert.equal(params.W_xh.shape[0], record.vocab.length);
  const svg = await Deno.readTextFile(join(out, "perplexity.svg"));
  assert.match(svg, /^<svg/);
  assert.match(svg, /perplexity \(log scale\)/);
});

Deno.test("deno task train: bad flags and inputs are one line and exit 2, before any training", async () => {
  const dir = await tempDir();
  const file = join(dir, "a-file");
  await Deno.writeTextFile(file, "");
  const base = ["--preset", "small", "--backend", "cpu"];
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^error: unknown flag --bogus; /],
    [["--epochs", "two"], /^error: --epochs must be an integer, got 'two'$/],
    [["--epochs", "0"], /^error: --epochs must be in \[1, Infinity\], got 0$/],
    [["--lr=-1"], /^error: --lr must be in \[0, Infinity\], got -1$/],
    [["--lr", "-1"], /^error: --lr must be in \[0, Infinity\], got -1$/],
    [["--epochs", "-1"], /^error: --epochs must be in \[1, Infinity\], got -1$/],
    [["--pred-len", "10000000"], /^error: --pred-len must be in \[0, 100000\], got 10000000$/],
    [["--iter", "shuffled"], /^error: --iter must be one of random, consecutive, got 'shuffled'$/],
    [["--state-init", "never"], /^error: --state-init must be one of batch, epoch, got 'never'$/],
    [["--backend", "tpu"], /^error: --backend must be one of auto, webgpu, wasm, cpu, got 'tpu'$/],
    [["--preset", "huge"], /^error: --preset must be one of chapter, small, got 'huge'$/],
    [
      ["--prefixes", "分开,战争"],
      /^error: prefix "战争" has "战" \(U\+6218\), which is not in the vocabulary$/,
    ],
    [
      ["--batch-size", "5000"],
      /^error: corpus of 2000 indices is too short for one batch of 5000 × 10 steps$/,
    ],
    [["--out", join(file, "sub")], /^error: --out .*a-file\/sub cannot be written: a part of /],
    [["--out", "/proc/rnnlab"], /^error: --out \/proc\/rnnlab cannot be written: that place /],
    [["--data", join(dir, "none.zip")], /^error: --data .*none\.zip: no such file or folder$/],
  ];
  for (const [args, pattern] of cases) {
    const res = await runTask("train", [
      ...base,
      ...args,
      ...(args[0] === "--out" ? [] : ["--out", join(dir, "x")]),
    ]);
    assert.equal(res.code, EXIT.usage, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr.trim(), pattern);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
    assert.equal(res.stdout, "");
  }
});

Deno.test("deno task train: a corpus of one distinct character is refused before any work, no run folder written", async () => {
  const dir = await tempDir();
  const data = join(dir, "one.zip");
  await Deno.writeFile(
    data,
    zipSync({ "jaychou_lyrics.txt": new TextEncoder().encode("a".repeat(3000)) }),
  );
  const out = join(dir, "run");
  const res = await runTask("train", [
    ..."--preset small --backend cpu --epochs 1 --allow-unknown-data --prefixes a".split(" "),
    ...["--data", data, "--out", out],
  ]);
  assert.equal(res.code, EXIT.usage, res.stderr);
  assert.match(
    res.stderr,
    /^error: the corpus has 1 distinct character \("a"\) in its first \d+; [^\n]*\n$/,
  );
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "no run folder");
  await Deno.remove(dir, { recursive: true });
});
