// The fused WebGPU trainer (src/train/fused/): each kernel against tfjs's own ops, its curves
// against the reference trainer's, and determinism. Runs on whatever WebGPU adapter Deno finds (a
// software one here: llvmpipe) and is skipped where there is none. Small sizes throughout: the
// first run of each new shader on llvmpipe compiles for seconds (Mesa caches them on disk).

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildVocab,
  getInputs,
  gradClipping,
  loadTrainingData,
  type Params,
  predictRnn,
  rnn,
  selectBackend,
  sequenceLoss,
  sgd,
  SMALL_PRESET,
  trainAndPredictRnn,
  type TrainConfig,
} from "../mod.ts";
import { readRunDir, runTraining } from "../run.ts";
import { paramList } from "../src/model/params.ts";
import { predictRnnBatch } from "../src/model/predict.ts";
import { predictFused } from "../src/train/fused/predict.ts";
import { profilePrograms } from "../src/bench/profile.ts";
import { PyRandom } from "../src/random/py_random.ts";
import { probeAdapter } from "../src/train/backend.ts";
import type { Dims } from "../src/train/fused/kernel.ts";
import { microTile, runMatmul } from "../src/train/fused/matmul.ts";
import { sumOfSquares } from "../src/train/fused/norm.ts";
import { hiddenGradFromOutput, outputLogits } from "../src/train/fused/output_layer.ts";
import { bpttSteps, forwardSteps, recurrenceKind } from "../src/train/fused/recurrence.ts";
import { softmaxCrossEntropy } from "../src/train/fused/softmax_xent.ts";
import { fusedTrainer } from "../src/train/fused/trainer.ts";
import { stepMajor } from "../src/data/step_major.ts";
import { clipSgdUpdate } from "../src/train/fused/update.ts";
import {
  columnSums,
  inputWeightGrad,
  outputWeightGrad,
  recurrentWeightGrad,
  rowsByToken,
} from "../src/train/fused/weight_grads.ts";
import type { CurveCase } from "../src/verify/goldens.ts";
import { readGolden, runTask, tinyConfig } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const adapter = await probeAdapter();
const ignore = adapter === undefined;
if (!ignore) await selectBackend("webgpu");

/** Runs `fn` and fails on any WebGPU validation error it caused (those are silent otherwise). */
async function gpuChecked<T>(fn: () => Promise<T>): Promise<T> {
  const device = (tf.backend() as WebGPUBackend).device;
  device.pushErrorScope("validation");
  const result = await fn();
  const error = await device.popErrorScope();
  assert.equal(error, null, `WebGPU validation error: ${error?.message}`);
  return result;
}

/** max |got − want| ≤ tol · max |want|, with the numbers in the message. */
async function assertClose(name: string, got: tf.Tensor, want: tf.Tensor, tol: number) {
  assert.deepEqual(got.shape, want.shape, `${name}: shape`);
  const [g, w] = await Promise.all([got.data(), want.data()]);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < w.length; i++) {
    worst = Math.max(worst, Math.abs(g[i] - w[i]) || (g[i] === w[i] ? 0 : Infinity));
    scale = Math.max(scale, Math.abs(w[i]));
  }
  assert.ok(worst <= tol * scale, `${name}: worst difference ${worst}, scale ${scale}, tol ${tol}`);
}

/** Kernel tests' sizes: none a multiple of a tile, so every bound is exercised. */
const D: Dims = { vocab: 37, hidden: 20, batch: 3, steps: 4 };
/** The kernels' tolerance, relative to the largest reference value (float32 sums, other orders). */
const KERNEL_TOL = 1e-5;

/** Random parameters of D's sizes, large enough to leave tanh's linear range. */
function randomParams(seed: number): Params {
  const v = (shape: number[], k: number) =>
    tf.variable(tf.randomNormal(shape, 0, 0.5, "float32", seed + k));
  return {
    wXh: v([D.vocab, D.hidden], 1),
    wHh: v([D.hidden, D.hidden], 2),
    bH: v([D.hidden], 3),
    wHy: v([D.hidden, D.vocab], 4),
    bY: v([D.vocab], 5),
  };
}

/** A batch × steps matrix of token indices from a fixed seed. */
function randomTokens(seed: number): number[][] {
  const rng = new PyRandom(seed);
  return Array.from(
    { length: D.batch },
    () => Array.from({ length: D.steps }, () => rng.randbelow(D.vocab)),
  );
}

/** The fused forward pass and gradients of one step, beside tfjs's (autograd, as trainStep). */
function bothSteps(params: Params, state: tf.Tensor2D, data: number[][], label: number[][]) {
  const tokens = stepMajor(data);
  const hAll = forwardSteps(tf.tensor1d(tokens, "int32"), state, params, D);
  const logits = outputLogits(hAll, params.wHy, params.bY, D);
  const { loss, dY } = softmaxCrossEntropy(logits, tf.tensor1d(stepMajor(label), "int32"), D);
  const dZ = bpttSteps(hiddenGradFromOutput(dY, params.wHy, D), hAll, params.wHh, D);
  const rows = D.steps * D.batch;
  const { starts, rows: byToken } = rowsByToken(tokens, D.vocab);
  const fused = {
    hAll,
    logits,
    loss,
    dY,
    grads: [
      inputWeightGrad(dZ, tf.tensor1d(starts, "int32"), tf.tensor1d(byToken, "int32"), D),
      recurrentWeightGrad(hAll, dZ, D),
      columnSums(dZ, rows, D.hidden),
      outputWeightGrad(hAll, dY, D),
      columnSums(dY, rows, D.vocab),
    ],
  };
  const vars = paramList(params);
  let outputs!: tf.Tensor2D[];
  let last!: tf.Tensor2D;
  const { value, grads } = tf.variableGrads(() => {
    const r = rnn(getInputs(data, D.vocab), state, params);
    [outputs, last] = [r.outputs.map((y) => tf.keep(y)), tf.keep(r.state)];
    return sequenceLoss(outputs, label);
  }, vars);
  const refLogits = tf.concat(outputs, 0);
  const refDY = tf.grad((y: tf.Tensor) => sequenceLoss([y as tf.Tensor2D], label))(refLogits);
  const reference = {
    last,
    logits: refLogits,
    loss: value,
    dY: refDY,
    grads: vars.map((v) => grads[v.name]),
  };
  return { fused, reference };
}

Deno.test({
  name:
    "fused kernels equal tfjs's ops: forward steps, output layer, loss and dY, BPTT, weight gradients",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      const params = randomParams(1);
      const state = tf.randomNormal([D.batch, D.hidden], 0, 0.5, "float32", 7) as tf.Tensor2D;
      const { fused, reference } = bothSteps(params, state, randomTokens(2), randomTokens(3));
      const { batch: B, hidden: H, steps: T } = D;
      await assertClose("H_0 (block 0)", fused.hAll.slice([0, 0], [B, H]), state, 0);
      await assertClose("H_T", fused.hAll.slice([T * B, 0], [B, H]), reference.last, KERNEL_TOL);
      await assertClose("logits", fused.logits, reference.logits, KERNEL_TOL);
      await assertClose("loss", fused.loss, reference.loss, KERNEL_TOL);
      await assertClose("dY", fused.dY, reference.dY, KERNEL_TOL);
      for (const [i, name] of ["dW_xh", "dW_hh", "db_h", "dW_hy", "db_y"].entries()) {
        await assertClose(name, fused.grads[i], reference.grads[i], KERNEL_TOL);
      }
    }),
});

Deno.test({
  name:
    "the recurrence kernels, both kinds, with more hidden units than a workgroup has invocations equal a float64 loop",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      // Hidden 300 > 256 invocations, so an invocation takes units n and n + 256 (perUnit), or
      // 5 units of one of the 4 ranges of k (cooperative). (tfjs's own webgpu ops at these sizes
      // take minutes to compile on llvmpipe, hence plain loops.)
      assert.equal(recurrenceKind(256), "cooperative", "the chapter's size, on any device");
      assert.equal(recurrenceKind(300, 16384), "cooperative");
      assert.equal(recurrenceKind(820, 16384), "perUnit");
      const d: Dims = { vocab: 5, hidden: 300, batch: 2, steps: 3 };
      const { vocab: V, hidden: H, batch: B, steps: T } = d;
      const normal = (shape: number[], seed: number) =>
        tf.randomNormal(shape, 0, 0.1, "float32", seed);
      const params = {
        wXh: tf.variable(normal([V, H], 1)),
        wHh: tf.variable(normal([H, H], 2)),
        bH: tf.variable(normal([H], 3)),
      };
      const state = normal([B, H], 4);
      const dHout = normal([T * B, H], 5);
      const tokens = Int32Array.from({ length: T * B }, (_, r) => (3 * r + 1) % V);
      const [wXh, wHh, bH, h0, dH] = await Promise.all(
        [params.wXh, params.wHh, params.bH, state, dHout].map((t) => t.data()),
      );
      // H_t = tanh(W_xh[x_t] + H_{t-1} W_hh + b_h), then dZ_t = (dH_t + dZ_{t+1} W_hhᵀ) ⊙ (1 − H_t²).
      const h = new Float64Array((T + 1) * B * H);
      h.set(h0);
      for (let r = 0; r < T * B; r++) {
        for (let n = 0; n < H; n++) {
          let acc = wXh[tokens[r] * H + n] + bH[n];
          for (let k = 0; k < H; k++) acc += h[r * H + k] * wHh[k * H + n];
          h[(r + B) * H + n] = Math.tanh(acc);
        }
      }
      const dz = new Float64Array(T * B * H);
      for (let r = T * B - 1; r >= 0; r--) {
        for (let n = 0; n < H; n++) {
          let acc = dH[r * H + n];
          for (let k = 0; r + B < T * B && k < H; k++) acc += dz[(r + B) * H + k] * wHh[n * H + k];
          const hn = h[(r + B) * H + n];
          dz[r * H + n] = acc * (1 - hn * hn);
        }
      }
      for (const kind of ["cooperative", "perUnit"] as const) {
        const hAll = forwardSteps(tf.tensor1d(tokens, "int32"), state, params, d, kind);
        const dZ = bpttSteps(dHout, hAll, params.wHh, d, kind);
        const want = tf.tensor2d(Float32Array.from(h), [(T + 1) * B, H]);
        await assertClose(`hAll (${kind})`, hAll, want, KERNEL_TOL);
        const wantDz = tf.tensor2d(Float32Array.from(dz), [T * B, H]);
        await assertClose(`dZ (${kind})`, dZ, wantDz, KERNEL_TOL);
      }
    }),
});

Deno.test({
  name:
    "the tiled product with larger micro-tiles (as on a GPU) equals tf.matMul, transposed operands too",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      const [M, N, K] = [37, 53, 21];
      const a = tf.randomNormal([K, M], 0, 1, "float32", 11); // stored transposed: Aᵀ
      const b = tf.randomNormal([K, N], 0, 1, "float32", 12);
      const c = runMatmul("test_t", {
        m: M,
        n: N,
        k: K,
        tm: 2,
        tn: 3,
        aLayout: "colMajor",
        bLayout: "rowMajor",
        readA: `return a[k * ${M} + m];`,
        readB: `return b[k * ${N} + n];`,
        write: `result[m * ${N} + n] = acc;`,
      }, [["a", a], ["b", b]]);
      await assertClose("Aᵀᵀ·B", c, tf.matMul(a, b, true, false), KERNEL_TOL);
    }),
});

Deno.test({
  name:
    "predictFused (one launch for all prefixes) and predictRnnBatch give predictRnn's text on webgpu",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      // A model driven by its inputs (W_hh small): the kernel's sums run in another order than
      // tfjs's, so only a model that amplifies rounding (a chaotic one) could tell them apart.
      const normal = (shape: number[], std: number, seed: number) =>
        tf.variable(tf.randomNormal(shape, 0, std, "float32", seed));
      const params: Params = {
        wXh: normal([D.vocab, D.hidden], 1, 41),
        wHh: normal([D.hidden, D.hidden], 0.1, 42),
        bH: normal([D.hidden], 0.1, 43),
        wHy: normal([D.hidden, D.vocab], 1, 44),
        bY: normal([D.vocab], 0.1, 45),
      };
      const vocab = buildVocab(Array.from("abcdefghijklmnopqrstuvwxyz0123456789 "));
      assert.equal(vocab.idxToChar.length, D.vocab);
      const prefixes = ["ab", "c", "hello world", "z9", "Q"]; // "Q" is lowered
      for (const numChars of [0, 1, 40]) {
        const one = [];
        for (const p of prefixes) one.push(await predictRnn(p, numChars, params, vocab));
        assert.deepEqual(await predictFused(prefixes, numChars, params, vocab), one);
        assert.deepEqual(await predictRnnBatch(prefixes, numChars, params, vocab), one);
        if (numChars === 40) assert.ok(new Set(one.join("")).size > 20, one.join("\n"));
      }
      assert.deepEqual(await predictFused([], 3, params, vocab), []);
      // Equal maxima: with W_hy = 0 the logits are b_y, largest at 7 and at 30; the first wins.
      const tied: Params = {
        ...params,
        wHy: tf.variable(tf.zeros([D.hidden, D.vocab])),
        bY: tf.variable(tf.tensor1d(vocab.idxToChar.map((_, v) => v === 7 || v === 30 ? 1 : 0))),
      };
      const first = await predictRnn("ab", 3, tied, vocab);
      assert.match(first, new RegExp(`^ab${vocab.idxToChar[7]}+$`));
      assert.deepEqual(await predictFused(["ab"], 3, tied, vocab), [first]);
      tf.dispose([tied.wHy, tied.bY, ...paramList(params)]);
    }),
});

Deno.test({
  name:
    "the global norm is a deterministic tree sum; clip+SGD updates the variables in place as sgd(gradClipping())",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      const shapes = [[70, 60], [5000], [7], [1], [33, 2]]; // 5000 > one workgroup's slice
      const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1, "float32", 20 + i));
      const sumSq = sumOfSquares(grads);
      const refNorm = gradClipping(grads, 1).norm;
      await assertClose("‖g‖²", sumSq, tf.square(refNorm), KERNEL_TOL);
      assert.deepEqual(await sumOfSquares(grads).data(), await sumSq.data(), "same bits again");
      for (const theta of [1, 1e6]) { // clipping active, then not
        const fused = grads.map((g, i) =>
          tf.variable(tf.randomNormal(g.shape, 0, 1, "float32", 30 + i))
        );
        const ref = fused.map((v) => tf.variable(tf.add(v, 0)));
        fused.forEach((v, i) => clipSgdUpdate(v, grads[i], sumSq, 0.2, theta));
        sgd(ref, gradClipping(grads, theta).grads, 0.2);
        for (const [i, v] of fused.entries()) {
          await assertClose(`param ${i}, θ=${theta}`, v, ref[i], KERNEL_TOL);
        }
      }
    }),
});

/** The webgpu comparison's config: the tiny config at the small preset's sizes, 7 batches an epoch. */
const TINY: TrainConfig = tinyConfig({
  hidden: SMALL_PRESET.hidden,
  batchSize: SMALL_PRESET.batchSize,
  numSteps: SMALL_PRESET.numSteps,
  predLen: 10,
});

/** A run's curve and predictions. */
async function curveOf(config: TrainConfig, fused: boolean) {
  const data = await loadTrainingData({ fetch: null }, config.corpusChars);
  const { params, curve } = await trainAndPredictRnn(
    config,
    data.indices,
    data.vocab,
    {},
    fused ? fusedTrainer : undefined,
  );
  tf.dispose(Object.values(params));
  return {
    perplexities: curve.map((r) => r.perplexity),
    predictions: curve.map((r) => r.predictions),
  };
}

/** Relative agreement of fused and reference perplexities (measured here: ≤ 1.5e-7). */
const CURVE_TOL = 1e-6;

function assertCurvesClose(got: number[], want: number[], what: string) {
  assert.equal(got.length, want.length);
  got.forEach((p, i) =>
    assert.ok(
      Math.abs(p - want[i]) <= CURVE_TOL * want[i],
      `${what}, epoch ${i + 1}: ${p} vs ${want[i]}`,
    )
  );
}

for (const iter of ["random", "consecutive"] as const) {
  Deno.test({
    name:
      `${iter} sampler: fused and reference trainers on webgpu give the same curve and predictions`,
    ignore,
    fn: () =>
      gpuChecked(async () => {
        const config = { ...TINY, iter };
        const fused = await curveOf(config, true);
        const reference = await curveOf(config, false);
        assertCurvesClose(fused.perplexities, reference.perplexities, `${iter} on webgpu`);
        assert.deepEqual(fused.predictions, reference.predictions);
      }),
  });
}

Deno.test({
  name:
    "fused on webgpu equals the reference trainer's recorded cpu curves (golden/curves.json, both samplers)",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      const cases = readGolden<{ cases: CurveCase[] }>("curves.json").cases;
      for (const iter of ["random", "consecutive"]) {
        const golden = cases.find((c) => c.name === `small-${iter}` && c.backend === "cpu")!;
        const fused = await curveOf(golden.config, true);
        assertCurvesClose(fused.perplexities, golden.perplexities, `${iter} vs cpu`);
        const predictions = Object.fromEntries(
          fused.predictions.map((p, i) => [String(i + 1), p]).filter(([, p]) => p),
        );
        assert.deepEqual(predictions, golden.predictions);
      }
    }),
});

Deno.test({
  name:
    "the fused trainer is deterministic: two runs give the same curve bit for bit, and no tensor leaks",
  ignore,
  fn: async () => {
    const before = tf.memory().numTensors;
    const [a, b] = [await curveOf(TINY, true), await curveOf(TINY, true)];
    assert.deepEqual(a, b);
    assert.equal(tf.memory().numTensors, before);
  },
});

Deno.test({
  name:
    "profilePrograms times each of a fused step's kernels on the GPU, named by kernel and sizes",
  ignore,
  fn: () =>
    gpuChecked(async () => {
      const params = randomParams(70);
      const trainer = fusedTrainer(params, TINY);
      const state = tf.zeros([D.batch, D.hidden]) as tf.Tensor2D;
      const p = await profilePrograms(() => {
        trainer.step(state, randomTokens(71), randomTokens(72)).dispose();
      }, 100); // every kernel in a row of its own

      await trainer.takeLossSum();
      assert.equal(p.calls, 21, "20 kernels and tfjs's slice of the state");
      const calls = (name: string) => p.byKernel.find((r) => r.name === name)?.calls;
      assert.deepEqual([calls("fwd"), calls("bptt"), calls("SliceProgram")], [1, 1, 1]);
      const { tm, tn } = microTile(4, 4); // 1 × 1 on a software adapter
      assert.equal(
        p.byShape.find((r) => r.name.startsWith("logits "))?.name,
        `logits v37h20b3t4_mm12x37x20_${tm}${tn}rr`,
      );
      assert.ok(p.kernelMs > 0 && p.byKernel.every((r) => r.ms >= 0), JSON.stringify(p.byKernel));
      tf.dispose([state, ...paramList(params)]);
    }),
});

Deno.test({
  name: "runTraining on webgpu trains with the fused trainer by default (auto) and records it",
  ignore,
  fn: async () => {
    const out = join(await Deno.makeTempDir({ prefix: "rnnlab-fused-" }), "run");
    const config = { ...TINY, epochs: 1 };
    await runTraining(config, { corpus: { fetch: null }, backend: "webgpu", out });
    const { record } = await readRunDir(out);
    assert.equal(record.trainer, "fused");
    assert.equal(record.trainerReason, "auto: the fastest on webgpu");
    assert.equal(record.backend.name, "webgpu");
  },
});

Deno.test("deno task train --trainer fused without webgpu is one line and exit code 2", async () => {
  const out = join(await Deno.makeTempDir({ prefix: "rnnlab-fused-" }), "run");
  const res = await runTask("train", [
    "--preset",
    "small",
    "--backend",
    "cpu",
    "--trainer",
    "fused",
    "--out",
    out,
  ]);
  assert.equal(res.code, EXIT.usage, res.stderr);
  assert.equal(
    res.stderr,
    "error: --trainer fused needs the webgpu backend, but the run would use cpu\n",
  );
  const bad = await runTask("train", ["--trainer", "jit"]);
  assert.equal(bad.code, EXIT.usage);
  assert.equal(
    bad.stderr,
    "error: --trainer must be one of auto, reference, batched, fused, got 'jit'\n",
  );
});
