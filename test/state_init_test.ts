// The chapter's second exercise: --state-init batch|epoch. What the loop hands each step, what the
// run records, and that verify --run gives it no chapter band. (Resuming it bit for bit, on every
// trainer, is in run_test.ts.)

import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTrainingData, type TrainConfig } from "../mod.ts";
import { openRunDirToResume, readRunDir } from "../src/run/run_dir.ts";
import { RUN_FORMAT, type RunRecord } from "../src/run/record.ts";
import { selectBackend } from "../src/train/backend.ts";
import { CHAPTER_PRESET } from "../src/train/config.ts";
import { referenceTrainer, trainAndPredictRnn, type TrainerFactory } from "../src/train/train.ts";
import { environment } from "../src/run/environment.ts";
import { runBandCheck } from "../src/verify/checks.ts";
import { runTask, tinyConfig } from "./_helpers.ts";

const TINY = tinyConfig({ predPeriod: 10 });

/** Trains `config` on cpu with a trainer that records, per step, its epoch and the state it got. */
async function statesSeen(config: TrainConfig) {
  await selectBackend("cpu");
  const data = await loadTrainingData({ fetch: null }, config.corpusChars);
  const seen: { epoch: number; state: number[]; returned: number[] }[] = [];
  let epoch = 1;
  const spy: TrainerFactory = (params, c) => {
    const inner = referenceTrainer(params, c);
    return {
      step(state, x, y) {
        const next = inner.step(state, x, y);
        seen.push({ epoch, state: [...state.dataSync()], returned: [...next.dataSync()] });
        return next;
      },
      takeLossSum: inner.takeLossSum,
    };
  };
  const { params, curve } = await trainAndPredictRnn(config, data.indices, data.vocab, {
    onEpoch: () => void epoch++,
  }, spy);
  tf.dispose(Object.values(params));
  return { seen, curve: curve.map((r) => r.perplexity) };
}

const zero = (xs: number[]) => xs.every((x) => x === 0);

Deno.test("--state-init: batch starts every minibatch from zeros; epoch starts each epoch from zeros and carries the state", async () => {
  for (const iter of ["random", "consecutive"] as const) {
    const batch = await statesSeen({ ...TINY, iter, stateInit: "batch" });
    assert.ok(batch.seen.length > 4);
    assert.ok(batch.seen.every((s) => zero(s.state)), `${iter}/batch: a state that is not zero`);

    const epoch = await statesSeen({ ...TINY, iter, stateInit: "epoch" });
    epoch.seen.forEach((s, i) => {
      const first = i === 0 || epoch.seen[i - 1].epoch !== s.epoch;
      if (first) {
        assert.ok(zero(s.state), `${iter}/epoch: step ${i} starts an epoch, not from zeros`);
      } else {
        assert.ok(!zero(s.state), `${iter}/epoch: step ${i} got zeros`);
        assert.deepEqual(s.state, epoch.seen[i - 1].returned, `${iter}/epoch: step ${i}`);
      }
    });
    assert.notDeepEqual(batch.curve, epoch.curve);
  }
  // Left out, it is the chapter's for the sampler, bit for bit.
  const { stateInit: _, ...random } = { ...TINY, iter: "random" as const };
  assert.deepEqual(
    (await statesSeen(random)).curve,
    (await statesSeen({ ...random, stateInit: "batch" })).curve,
  );
  const consecutive = { ...random, iter: "consecutive" as const };
  assert.deepEqual(
    (await statesSeen(consecutive)).curve,
    (await statesSeen({ ...consecutive, stateInit: "epoch" })).curve,
  );
});

Deno.test("deno task train --state-init: recorded in run.json and the checkpoint; the default recorded too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-state-init-" });
  const base = ["--preset", "small", "--epochs", "1", "--corpus-chars", "600", "--backend", "cpu"];
  const cases = [
    [["--state-init", "epoch"], "epoch"],
    [["--iter", "consecutive"], "epoch"],
    [[], "batch"],
  ] as const;
  for (const [i, [args, expected]] of cases.entries()) {
    const out = join(dir, String(i));
    const res = await runTask("train", [...base, ...args, "--out", out]);
    assert.equal(res.code, 0, res.stderr);
    const { record } = await readRunDir(out);
    assert.equal(record.config.stateInit, expected);
    const resumable = await openRunDirToResume(out);
    resumable.lock.release();
    assert.equal(resumable.checkpoint.config.stateInit, expected);
    const html = await Deno.readTextFile(join(out, "report.html"));
    assert.match(html, new RegExp(`--state-init</dt><dd>${expected}</dd>`));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verify --run: --state-init epoch is a setting of its own, with no chapter band (a skip with the reason)", () => {
  const record = (stateInit: "batch" | "epoch"): RunRecord => ({
    format: RUN_FORMAT,
    status: "complete",
    config: { ...CHAPTER_PRESET, epochs: 20, stateInit },
    dataset: { version: "2017", sha256: "", path: "" },
    vocab: [],
    environment: environment(),
    backend: { name: "wasm", adapter: "", reason: "" },
    trainer: "batched",
    curve: Array.from({ length: 20 }, (_, i) => ({ epoch: i + 1, perplexity: 300, seconds: 1 })),
    finalPerplexity: 300,
    predictions: [],
    startedAt: "",
    finishedAt: "",
    totalSeconds: 20,
    params: { file: "", sha256: "" },
  });
  const own = runBandCheck("runs/x", record("epoch"));
  assert.equal(own.status, "skip");
  assert.match(
    own.expected + own.measured + own.worst + own.name,
    /--state-init epoch is a setting of its own: the chapter initialises the random sampler's state per batch/,
  );
  assert.notEqual(runBandCheck("runs/x", record("batch")).status, "skip");
});
