/**
 * What `deno task verify` re-runs and compares with the goldens: the corpus and vocabulary, the
 * samplers, the model's forward pass, gradients, clipping and predictions, and training curves.
 *
 * Tolerances (stated here, printed in every row):
 * - integer data, text and predictions: exact;
 * - the NumPy model golden (float64) against tfjs (float32): the forward pass within its derived
 *   tolerance (`forward_check.ts`), the loss, gradients and clipping within rtol 1e-4, atol 1e-5;
 * - a curve re-run on the backend that recorded it: rtol 1e-9 (the kernels are deterministic, so
 *   it is bit for bit in practice);
 * - a curve re-run on another backend ({@linkcode crossBackendTolerance}): twice the float64
 *   contract's tolerance for the 2-epoch curves, and the 200-epoch curves not at all (the
 *   chapter's band still applies); predictions are then not compared;
 * - the float64 contract: `contract.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { CorpusOptions } from "../data/corpus.ts";
import { loadTrainingData } from "../data/corpus.ts";
import { dataIterConsecutive, dataIterRandom } from "../data/iterators.ts";
import { DATASETS } from "../data/registry.ts";
import { buildVocab } from "../data/vocab.ts";
import { sha256Text } from "../io/sha256.ts";
import { PARAM_NAMES, paramList, paramsFromArrays } from "../model/params.ts";
import { predictRnn } from "../model/predict.ts";
import { getInputs, rnn } from "../model/rnn.ts";
import { PyRandom } from "../random/py_random.ts";
import {
  CHAPTER_BAND,
  chapterCurve,
  chapterSettingText,
  type IterKind,
  readChapterCurve,
  stateInitMismatch,
} from "../chapter/chapter.ts";
import type { RunRecord } from "../run/record.ts";
import type { BackendChoice } from "../train/backend.ts";
import { sequenceLoss } from "../train/loss.ts";
import { runTraining, type TrainedRun } from "../run/run.ts";
import { gradClipping } from "../train/sgd.ts";
import { CHAPTER_PRESET, type TrainConfig } from "../train/config.ts";
import type { Tolerance } from "../tolerance.ts";
import { type Check, checkClose, checkExact, skipCheck } from "./check.ts";
import { forwardChecks, type ForwardYardstick, forwardYardstick } from "./forward_check.ts";
import { CONTRACT_TOLERANCE } from "./contract.ts";
import {
  type ChapterPrinted,
  type CorpusGolden,
  type CurveCase,
  goldenParams,
  type IteratorGolden,
  type ModelGolden,
  type ToyBatches,
} from "./goldens.ts";

/** The model golden's tolerance for the loss, gradients and clipping: NumPy float64 against tfjs float32. */
export const MODEL_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };
/** A curve on the backend that recorded it. */
export const SAME_BACKEND: Tolerance = { rtol: 1e-9, atol: 0 };
/**
 * The small preset's 2-epoch curves on another backend: each backend is held within the float64
 * contract's tolerance of the same float64 curve, so two of them within twice that (what they
 * measure: golden/README.md).
 */
export const CROSS_BACKEND: Tolerance = { rtol: 2 * CONTRACT_TOLERANCE.small.rtol, atol: 0 };
/** The chapter config's 2-epoch curves on another backend: likewise, twice the contract's tolerance. */
export const CROSS_BACKEND_CHAPTER: Tolerance = {
  rtol: 2 * CONTRACT_TOLERANCE.chapter.rtol,
  atol: 0,
};

/** Whether `config` has the chapter's model and minibatch sizes (hidden 256, batch 32, 35 steps). */
export function chapterSized(config: TrainConfig): boolean {
  const { hidden, batchSize, numSteps } = CHAPTER_PRESET;
  return config.hidden === hidden && config.batchSize === batchSize &&
    config.numSteps === numSteps;
}

/**
 * How closely the recorded curve `c` must reproduce on a backend other than the one that recorded
 * it, or why it is not compared: over 200 epochs, float32 rounding carries a curve as far away as
 * a wrong setting would (golden/README.md), so only the chapter's band tells a right run from a
 * wrong one there.
 */
export function crossBackendTolerance(c: CurveCase): Tolerance | string {
  if (c.config.epochs > 2) {
    return `on another backend than ${c.backend}, ${c.config.epochs} epochs of float32 rounding ` +
      "carry a curve a few per cent away: only the chapter's band applies";
  }
  return chapterSized(c.config) ? CROSS_BACKEND_CHAPTER : CROSS_BACKEND;
}

/** The corpus of each known version (skipped when absent) against `corpus.json`. */
export async function corpusChecks(golden: CorpusGolden, corpus: CorpusOptions): Promise<Check[]> {
  const checks: Check[] = [];
  for (const [version, g] of Object.entries(golden.versions)) {
    const name = `corpus ${version}`;
    let data;
    try {
      data = await loadTrainingData({ ...corpus, dataset: version, fetch: null });
    } catch (err) {
      checks.push(skipCheck(name, (err as Error).message));
      continue;
    }
    const measured = {
      sha256: data.source.sha256,
      chars: data.totalChars,
      first49: data.first49,
      vocabSize: data.vocab.idxToChar.length,
      vocabSha256: await sha256Text(data.vocab.idxToChar.join("")),
      first40Indices: data.indices.slice(0, 40),
      indicesSha256: await sha256Text(data.indices.join(",")),
    };
    checks.push(checkExact(name, measured, { sha256: DATASETS[version].sha256, ...g }));
  }
  return checks;
}

/** The 2017 corpus against what the chapter printed (In [1], [2], [4], [5]). */
export async function chapterCorpusCheck(
  printed: ChapterPrinted,
  corpus: CorpusOptions,
): Promise<Check> {
  const data = await loadTrainingData({ ...corpus, dataset: "2017", fetch: null });
  return checkExact("chapter In [1]-[5]: corpus as printed", {
    chars: data.totalChars,
    first49: data.first49,
    vocabSize: data.vocab.idxToChar.length,
    sample40: data.chars.slice(0, 40).join(""),
  }, printed.corpus);
}

/** Both samplers on 0..29 against the chapter's printed batches (In [7], In [9]). */
export function chapterBatchChecks(toy: ToyBatches): Check[] {
  const seq = Array.from({ length: 30 }, (_, i) => i);
  const rng = new PyRandom(toy.random.pythonSeed);
  return [
    checkExact(
      `chapter In [7]: random batches (seed ${toy.random.pythonSeed})`,
      [...dataIterRandom(seq, toy.batchSize, toy.numSteps, rng)],
      toy.random.batches,
    ),
    checkExact(
      "chapter In [9]: consecutive batches",
      [...dataIterConsecutive(seq, toy.batchSize, toy.numSteps)],
      toy.consecutive.batches,
    ),
  ];
}

/** Both samplers on every golden shape and seed, against `iterators.json`. */
export function iteratorChecks(golden: IteratorGolden): Check[] {
  return golden.cases.flatMap((c) => {
    const seq = Array.from({ length: c.length }, (_, i) => i);
    const shape = `length ${c.length}, batch ${c.batchSize}, steps ${c.numSteps}`;
    return [
      checkExact(
        `consecutive sampler, ${shape}`,
        [...dataIterConsecutive(seq, c.batchSize, c.numSteps)],
        c.consecutive,
      ),
      ...c.random.map(({ seed, epochs }) => {
        const rng = new PyRandom(seed);
        const got = epochs.map(() => [...dataIterRandom(seq, c.batchSize, c.numSteps, rng)]);
        return checkExact(`random sampler, ${shape}, seed ${seed}`, got, epochs);
      }),
    ];
  });
}

/**
 * The derived tolerance of the forward pass on the model golden's parameters and batch
 * (`forward_check.ts`), held to NumPy's float64 outputs (which the float64 forward here equals to
 * 1e-13: `reference_forward_test.ts`). NumPy's state is float64; the engines', like the plain
 * float32 forward's, is that state rounded to float32.
 */
function modelYardstick(g: ModelGolden): ForwardYardstick {
  const tokens = g.data[0].map((_, t) => g.data.map((row) => row[t])); // data is [batch][step]
  const y = forwardYardstick(goldenParams(g), tokens, Float32Array.from(g.state.data));
  const reference = {
    ...y.reference,
    logits: Float64Array.from(g.outputs.data),
    hN: Float64Array.from(g.finalState.data),
  };
  return { ...y, reference };
}

/** The model on the golden's fixed parameters, on the current tfjs backend, against `model.json`. */
export async function modelChecks(g: ModelGolden): Promise<Check[]> {
  const params = paramsFromArrays(goldenParams(g));
  const vars = paramList(params);
  const t = tf.tidy(() => {
    const state = tf.tensor2d(g.state.data, g.state.shape as [number, number]);
    const inputs = getInputs(g.data, g.vocab.length);
    let outputs!: tf.Tensor;
    let last!: tf.Tensor;
    const { value, grads } = tf.variableGrads(() => {
      const r = rnn(inputs, state, params);
      [outputs, last] = [tf.keep(tf.stack(r.outputs)), tf.keep(r.state)];
      return sequenceLoss(r.outputs, g.label);
    }, vars);
    const list = vars.map((v) => grads[v.name]);
    const clipped = gradClipping(list, g.clipTheta);
    return { outputs, last, value, grads: list, norm: clipped.norm, clipped: clipped.grads };
  });
  const read = (x: tf.Tensor) => x.data<"float32">();
  const close = async (name: string, x: tf.Tensor, want: number[]) =>
    checkClose(`model: ${name}`, await read(x), want, MODEL_TOLERANCE);
  const got = { logits: await read(t.outputs), hN: await read(t.last) };
  const checks = [
    ...forwardChecks("model", got, modelYardstick(g), "(NumPy, golden model.json)"),
    await close("summed loss", t.value, [g.lossSum]),
  ];
  for (const [i, n] of PARAM_NAMES.entries()) {
    checks.push(await close(`gradient ${n}`, t.grads[i], g.grads[n]));
  }
  checks.push(await close("gradient norm", t.norm, [g.gradNorm]));
  for (const [i, n] of PARAM_NAMES.entries()) {
    checks.push(await close(`clipped ${n}`, t.clipped[i], g.clipped[n]));
  }
  const vocab = buildVocab(g.vocab);
  for (const p of g.predictions) {
    const got = await predictRnn(p.prefix, p.numChars, params, vocab);
    checks.push(
      checkExact(`model: predictRnn ${JSON.stringify(p.prefix)}, ${p.numChars} chars`, got, p.text),
    );
  }
  tf.dispose([t.outputs, t.last, t.value, t.norm, ...t.grads, ...t.clipped, ...vars]);
  return checks;
}

/**
 * Re-trains a recorded curve with its trainer on `backend` (`auto` = the one that recorded it) and
 * compares the perplexities, and, on the recording backend, the predictions. Returns the run too
 * (the ONNX parity checks use its parameters).
 */
export async function curveChecks(
  c: CurveCase,
  backend: BackendChoice,
  corpus: CorpusOptions,
): Promise<{ checks: Check[]; perplexities: number[]; run: TrainedRun }> {
  const on = backend === "auto" ? c.backend : backend;
  const run = await runTraining(c.config, {
    corpus: { ...corpus, dataset: c.dataset },
    backend: on,
    trainer: c.trainer,
  });
  const { record } = run;
  const perplexities = record.curve.map((r) => r.perplexity);
  const same = record.backend.name === c.backend;
  const name = `curve ${c.name} on ${record.backend.name}`;
  const tolerance = same ? SAME_BACKEND : crossBackendTolerance(c);
  const checks = [
    typeof tolerance === "string"
      ? skipCheck(`${name}: perplexity per epoch`, tolerance)
      : checkClose(`${name}: perplexity per epoch`, perplexities, c.perplexities, tolerance),
  ];
  if (same) {
    const got = Object.fromEntries(
      record.curve.filter((r) => r.predictions).map((r) => [String(r.epoch), r.predictions]),
    );
    checks.push(checkExact(`${name}: predictions`, got, c.predictions));
  }
  return { checks, perplexities, run };
}

/** The ratio ours/chapter at each of the chapter's printed epochs. */
export function chapterRatios(iter: IterKind, perplexities: number[]) {
  return chapterCurve(iter).map(({ epoch, perplexity }) => ({
    epoch,
    chapter: perplexity,
    ours: perplexities[epoch - 1],
    ratio: perplexities[epoch - 1] / perplexity,
  }));
}

/**
 * A check, named `${what}: within ×1.15 …`, that a 200-epoch curve of sampler `iter` stays within
 * {@linkcode CHAPTER_BAND} of the chapter's at each printed epoch up to `throughEpoch` (all of
 * them by default: a missing epoch fails).
 */
export function chapterBandCheck(
  what: string,
  iter: IterKind,
  perplexities: number[],
  throughEpoch = Infinity,
): Check {
  const rows = chapterRatios(iter, perplexities).filter((r) => r.epoch <= throughEpoch);
  const off = (r: typeof rows[number]) =>
    Number.isNaN(r.ratio) ? Infinity : Math.abs(Math.log(r.ratio));
  const worst = rows.reduce((w, r) => off(r) > off(w) ? r : w); // the first missing epoch, if any
  const inside = rows.every((r) => off(r) <= Math.log(CHAPTER_BAND));
  return {
    name: `${what}: within ×${CHAPTER_BAND} of the chapter's printed perplexities`,
    status: inside ? "ok" : "FAIL",
    measured: worst.ours === undefined
      ? `no epoch ${worst.epoch} (the run has ${perplexities.length})`
      : `epoch ${worst.epoch}: ${worst.ours.toFixed(6)}`,
    expected: `chapter ${worst.chapter.toFixed(6)}`,
    worst: `ratio ${worst.ratio.toFixed(3)} (band ${
      (1 / CHAPTER_BAND).toFixed(3)
    }–${CHAPTER_BAND})`,
  };
}

/** Ours beside the chapter's printed perplexities, one line per printed epoch (for `--full`). */
export function chapterComparison(
  iter: IterKind,
  perplexities: number[],
): string[] {
  return chapterRatios(iter, perplexities).map(({ epoch, chapter, ours, ratio }) =>
    `epoch ${String(epoch).padStart(3)}  chapter ${chapter.toFixed(6).padStart(11)}  ` +
    `ours ${(ours?.toFixed(6) ?? "–").padStart(11)}  ratio ${ratio.toFixed(3)}`
  );
}

/**
 * Why a recorded run cannot be set beside the chapter's curve (`verify --run`), or `undefined`
 * when it can: the chapter's setting (see {@linkcode readChapterCurve}) on the 2017 corpus.
 */
function chapterMismatch(record: RunRecord): string | undefined {
  const stateInit = stateInitMismatch(record.config);
  if (stateInit) return `${stateInit}, and printed no curve for this one`;
  if (readChapterCurve(record.config).length === 0) {
    return `not the chapter's setting (${chapterSettingText()})`;
  }
  if (record.dataset.version !== "2017") {
    return `corpus ${record.dataset.version ?? "unknown"}, not the chapter's 2017 one`;
  }
  return undefined;
}

/**
 * A recorded run's curve against the chapter's printed perplexities (`verify --run DIR`):
 * {@linkcode chapterBandCheck} over the printed epochs the run reached when it is the chapter's
 * setting, else a skip that says why.
 */
export function runBandCheck(dir: string, record: RunRecord): Check {
  const { iter } = record.config;
  const epochs = record.curve.length;
  const printed = chapterCurve(iter).map((e) => e.epoch);
  const what = `run ${dir} (${iter}, ${record.backend.name}, ${record.trainer}${
    epochs < printed.at(-1)! ? `, printed epochs up to ${epochs}` : ""
  })`;
  const mismatch = chapterMismatch(record) ??
    (epochs < printed[0]
      ? `${epochs} epochs: the chapter prints none before ${printed[0]}`
      : undefined);
  if (mismatch) return skipCheck(`${what}: the chapter's band`, mismatch);
  return chapterBandCheck(what, iter, record.curve.map((r) => r.perplexity), epochs);
}
