// A run's record as deno task train and the web page build it: the sessions of a resumed run one
// after another, and the parameters' file carrying the checkpoint a resumption starts from.

import assert from "node:assert/strict";
import { decodeSafetensors } from "../io/safetensors.ts";
import { initParamArrays } from "../model/params.ts";
import { PyRandom } from "../random/py_random.ts";
import { SMALL_PRESET } from "../train/config.ts";
import type { EpochRecord } from "../train/train.ts";
import { type Checkpoint, encodeRunParams, type RunFacts, runRecord } from "./record.ts";

const facts: RunFacts = {
  config: { ...SMALL_PRESET, epochs: 3 },
  source: { path: "data/x.zip", sha256: "ab".repeat(32), dataset: undefined },
  vocab: ["a", "b"],
  environment: {
    rnnlab: "0.1.0",
    commit: null,
    dirty: null,
    deno: null,
    v8: null,
    typescript: null,
    browser: "Chromium 131",
    tfjs: "4.22.0",
    onnxruntime: "1.29.0",
    os: "linux",
    osRelease: null,
    arch: "x86_64",
    cpu: null,
    cores: 2,
    memoryBytes: null,
  },
  backend: { name: "wasm", adapter: "wasm simd, 1 thread(s)", reason: "requested" },
  trainer: "batched",
  trainerReason: "auto: the fastest on wasm",
};
const epoch = (e: number): EpochRecord => ({ epoch: e, perplexity: 100 / e, seconds: 0.5 });

Deno.test("runRecord: a resumed session follows the earlier ones, from the run's first start", () => {
  const curve = [epoch(1)];
  const first = runRecord(facts, { startedAt: "t0", fromEpoch: 0 }, curve, "interrupted");
  assert.equal(first.sessions?.[0].machine, "linux x86_64, 2 cores, Chromium 131");
  curve.push(epoch(2), epoch(3));
  const second = runRecord(
    facts,
    { startedAt: "t1", fromEpoch: 1, earlier: first },
    curve,
    "complete",
  );
  assert.equal(second.startedAt, "t0");
  assert.deepEqual(
    second.sessions?.map((s) => [s.startedAt, s.fromEpoch, s.toEpoch, s.status]),
    [["t0", 0, 1, "interrupted"], ["t1", 1, 3, "complete"]],
  );
  assert.deepEqual([second.finalPerplexity, second.totalSeconds], [100 / 3, 1.5]);
  assert.equal(
    runRecord(facts, { startedAt: "t2", fromEpoch: 3 }, curve, "running").finishedAt,
    null,
  );
});

Deno.test("encodeRunParams: the parameters with the checkpoint to resume from in their metadata", () => {
  const params = initParamArrays(2, 4, 0);
  const sampler = new PyRandom(0).getState();
  const record = runRecord(facts, { startedAt: "t0", fromEpoch: 0 }, [epoch(1)], "interrupted");
  const { tensors, metadata } = decodeSafetensors(encodeRunParams(record, params, sampler));
  assert.deepEqual(tensors.W_hh.data, params.W_hh.data);
  const checkpoint: Checkpoint = JSON.parse(metadata.checkpoint);
  assert.deepEqual(
    [checkpoint.epoch, checkpoint.backend, checkpoint.trainer, checkpoint.sampler],
    [1, "wasm", "batched", sampler],
  );
  assert.equal(checkpoint.dataset.sha256, facts.source.sha256);
});
