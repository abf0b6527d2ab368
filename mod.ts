/**
 * rnnlab: the chapter "RNN from scratch" (Dive into Deep Learning, Chinese edition, 2017) in
 * TypeScript, reproducible bit for bit against its Python reference.
 *
 * The public API, in the order the chapter builds it:
 * - data: {@linkcode loadCorpus}, {@linkcode prepareCorpus}, {@linkcode buildVocab},
 *   {@linkcode encode}, {@linkcode dataIterRandom}, {@linkcode dataIterConsecutive};
 * - random numbers that follow CPython and NumPy: {@linkcode PyRandom},
 *   {@linkcode NumpyRandomState};
 * - model: {@linkcode initParams}, {@linkcode getInputs}, {@linkcode rnn}, {@linkcode predictRnn};
 * - training: {@linkcode sequenceLoss}, {@linkcode perplexity}, {@linkcode gradClipping},
 *   {@linkcode sgd}, {@linkcode trainAndPredictRnn}, and {@linkcode runTraining} for a whole
 *   recorded run; {@linkcode TRAINERS}: the reference step, the batched one for CPUs, and
 *   {@linkcode fusedTrainer}, the same step as hand-written WebGPU kernels; the perplexity
 *   curve as an SVG picture, {@linkcode perplexitySvg};
 * - the autograder: the student contract {@linkcode Submission}, {@linkcode Grader},
 *   {@linkcode textReport}, {@linkcode gradescopeResults}.
 *
 * @module
 */

export {
  CHAPTER_CORPUS_CHARS,
  type Corpus,
  CORPUS_ENTRY,
  type CorpusOptions,
  type CorpusSource,
  loadCorpus,
  loadTrainingData,
  prepareCorpus,
  readCorpusZip,
  resolveCorpus,
  type TrainingData,
} from "./src/data/corpus.ts";
export {
  datasetByDigest,
  type DatasetInfo,
  DATASETS,
  DEFAULT_DATASET,
} from "./src/data/registry.ts";
export { buildVocab, decode, encode, type Vocab } from "./src/data/vocab.ts";
export {
  type Batch,
  consecutiveEpochSize,
  dataIterConsecutive,
  dataIterRandom,
  randomEpochSize,
} from "./src/data/iterators.ts";
export { PyRandom } from "./src/random/py_random.ts";
export { NumpyRandomState } from "./src/random/numpy_random.ts";
export { UsageError } from "./src/cli/errors.ts";
export {
  disposeParams,
  INIT_STD,
  initParamArrays,
  initParams,
  PARAM_NAMES,
  type ParamArrays,
  paramList,
  type Params,
  paramsFromArrays,
  paramsToArrays,
} from "./src/model/params.ts";
export { getInputs, initState, rnn } from "./src/model/rnn.ts";
export { checkPrefix, predictRnn } from "./src/model/predict.ts";
export { perplexity, sequenceLoss } from "./src/train/loss.ts";
export { gradClipping, sgd } from "./src/train/sgd.ts";
export {
  CHAPTER_PRESET,
  type IterKind,
  PRESETS,
  SMALL_PRESET,
  type TrainConfig,
} from "./src/train/config.ts";
export {
  chapterForward,
  type EpochRecord,
  type Forward,
  referenceTrainer,
  stepTrainer,
  trainAndPredictRnn,
  type Trainer,
  type TrainerFactory,
  type TrainHooks,
  type TrainResult,
  trainStep,
} from "./src/train/train.ts";
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  selectBackend,
} from "./src/train/backend.ts";
export { type RunOptions, runTraining, type TrainedRun } from "./src/train/run.ts";
export { TRAINER_NAMES, type TrainerName, TRAINERS } from "./src/train/trainers.ts";
export { batchedForward, batchedTrainer, rnnBatched } from "./src/train/batched.ts";
export { fusedTrainer } from "./src/train/fused/trainer.ts";
export { type CurvePoint, perplexitySvg } from "./src/report/plot.ts";
export {
  readRunDir,
  RUN_FILES,
  RUN_FORMAT,
  type RunRecord,
  writeRunDir,
} from "./src/report/run_record.ts";
export {
  type ExerciseName,
  EXERCISES,
  type RnnParams,
  type Submission,
  type TrainParts,
  type TrainRnnConfig,
} from "./src/grade/contract.ts";
export { type GradeOptions, Grader, type GradeReport } from "./src/grade/grader.ts";
export { gradescopeResults, textReport } from "./src/grade/report.ts";
