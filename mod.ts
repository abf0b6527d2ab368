/**
 * rnnlab: the chapter "RNN from scratch" (Dive into Deep Learning, Chinese edition, 2017) in
 * TypeScript, reproducible bit for bit against its Python reference.
 *
 * The public API, in the order the chapter builds it:
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
 *   the faster, accurate wasm kernels); {@linkcode TRAINERS}: the reference step, the batched one
 *   for CPUs, and the fused WebGPU one; {@linkcode perplexitySvg} draws a curve;
 * - a whole recorded run: {@linkcode runTraining}, {@linkcode resumeTraining}, and
 *   {@linkcode readRunDir} to read a run folder back;
 * - the autograder: the student contract {@linkcode Submission}, {@linkcode Grader},
 *   {@linkcode textReport}, {@linkcode gradescopeResults}.
 *
 * Everything else in `src/` is internal: import it from there, knowing it may change.
 *
 * @module
 */

export { type CorpusOptions, loadCorpus, loadTrainingData } from "./src/data/corpus.ts";
export { type Corpus, prepareCorpus, type TrainingData } from "./src/data/read_corpus.ts";
export { buildVocab, decode, encode, type Vocab } from "./src/data/vocab.ts";
export { type Batch, dataIterConsecutive, dataIterRandom } from "./src/data/iterators.ts";
export { PyRandom } from "./src/random/py_random.ts";
export { NumpyRandomState } from "./src/random/numpy_random.ts";
export { initParams, type Params } from "./src/model/params.ts";
export { getInputs, initState, rnn } from "./src/model/rnn.ts";
export { predictRnn } from "./src/model/predict.ts";
export { perplexity, sequenceLoss } from "./src/train/loss.ts";
export { gradClipping, sgd } from "./src/train/sgd.ts";
export { CHAPTER_PRESET, SMALL_PRESET, type TrainConfig } from "./src/train/config.ts";
export { type EpochRecord, trainAndPredictRnn, type TrainResult } from "./src/train/train.ts";
export { type BackendChoice, type BackendInfo, selectBackend } from "./src/train/backend.ts";
export { type TrainerName, TRAINERS } from "./src/train/trainers.ts";
export {
  type ResumeOptions,
  resumeTraining,
  type RunOptions,
  runTraining,
  type TrainedRun,
} from "./src/run/run.ts";
export { readRunDir } from "./src/run/run_dir.ts";
export { type RunRecord } from "./src/run/record.ts";
export { type CurvePoint, perplexitySvg, type PlotInput } from "./src/report/plot.ts";
export { type Submission } from "./src/grade/contract.ts";
export { type GradeOptions, Grader, type GradeReport } from "./src/grade/grader.ts";
export { gradescopeResults, textReport } from "./src/grade/feedback.ts";
