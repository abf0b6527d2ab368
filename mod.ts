/**
 * rnnlab: the chapter "RNN from scratch" (Dive into Deep Learning, Chinese edition, 2017) in
 * TypeScript, reproducible bit for bit against its Python reference. This entry point is the
 * chapter's API, for whoever learns from it, in the order the chapter builds it:
 *
 * - data: {@linkcode loadCorpus}, {@linkcode prepareCorpus}, {@linkcode buildVocab},
 *   {@linkcode encode}, {@linkcode decode}, or {@linkcode loadTrainingData} for all of them at
 *   once; the samplers {@linkcode dataIterRandom} and {@linkcode dataIterConsecutive};
 * - random numbers that follow CPython and NumPy: {@linkcode PyRandom},
 *   {@linkcode NumpyRandomState};
 * - model: {@linkcode initParams}, {@linkcode getInputs}, {@linkcode initState}, {@linkcode rnn},
 *   {@linkcode predictRnn};
 * - training: {@linkcode sequenceLoss}, {@linkcode perplexity}, {@linkcode gradClipping},
 *   {@linkcode sgd}, {@linkcode trainAndPredictRnn} with the configs {@linkcode CHAPTER_PRESET}
 *   and {@linkcode SMALL_PRESET}; {@linkcode selectBackend} picks tfjs's backend (and installs
 *   the faster, accurate wasm kernels);
 * - trainers, the way to compute the steps another way: a {@linkcode TrainerFactory} (the
 *   extension point, with an example), {@linkcode TRAINERS} (the reference step, the batched one
 *   for CPUs, the fused WebGPU one), {@linkcode stepTrainer} for another forward pass or loss;
 * - {@linkcode perplexitySvg} draws a curve.
 *
 * Two more entry points: `@rnnlab/rnnlab/run` (recorded runs, sweeps, comparisons, the
 * verification, the benchmarks) and `@rnnlab/rnnlab/grade` (the autograder). Everything else in
 * `src/` is internal: import it from there, knowing it may change.
 *
 * @example The chapter's In [7]: the random sampler on 0..29
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataIterRandom, PyRandom } from "@rnnlab/rnnlab";
 *
 * const batches = [...dataIterRandom([...Array(30).keys()], 2, 3, new PyRandom(20030))];
 * assert.equal(batches.length, 4); // (30 - 1) // 3 = 9 examples, 4 batches of 2
 * ```
 *
 * @module
 */

export { type CorpusOptions, loadCorpus, loadTrainingData } from "./src/data/corpus.ts";
export {
  type Corpus,
  type CorpusSource,
  prepareCorpus,
  type TrainingData,
} from "./src/data/read_corpus.ts";
export type { DatasetInfo } from "./src/data/registry.ts";
export { buildVocab, decode, encode, type Vocab } from "./src/data/vocab.ts";
export { type Batch, dataIterConsecutive, dataIterRandom } from "./src/data/iterators.ts";
export { PyRandom, type PyRandomState } from "./src/random/py_random.ts";
export { NumpyRandomState } from "./src/random/numpy_random.ts";
export {
  initParams,
  PARAM_NAMES,
  type ParamArrays,
  type ParamName,
  type Params,
  type ParamTensors,
} from "./src/model/params.ts";
export type { F32Tensor } from "./src/io/safetensors.ts";
export { getInputs, initState, rnn } from "./src/model/rnn.ts";
export { predictRnn } from "./src/model/predict.ts";
export { perplexity, sequenceLoss } from "./src/train/loss.ts";
export { gradClipping, sgd } from "./src/train/sgd.ts";
export { CHAPTER_PRESET, SMALL_PRESET, type TrainConfig } from "./src/train/config.ts";
export {
  type EpochRecord,
  type EpochState,
  type Forward,
  type Loss,
  referenceTrainer,
  stepTrainer,
  trainAndPredictRnn,
  type TrainEnd,
  type Trainer,
  type TrainerFactory,
  type TrainHooks,
  type TrainResult,
  type TrainStart,
} from "./src/train/train.ts";
export type { IterKind, StateInit } from "./src/chapter/chapter.ts";
export { type BackendChoice, type BackendInfo, selectBackend } from "./src/train/backend.ts";
export {
  TRAINER_BACKENDS,
  type TrainerChoice,
  type TrainerName,
  TRAINERS,
} from "./src/train/trainers.ts";
export { type CurvePoint, perplexitySvg, type PlotInput } from "./src/report/plot.ts";
