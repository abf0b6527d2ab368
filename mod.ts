/**
 * rnnlab: the chapter "RNN from scratch" (Dive into Deep Learning, Chinese edition, 2017) in
 * TypeScript, reproducible bit for bit against its Python reference.
 *
 * The public API, in the order the chapter builds it:
 * - data: {@linkcode loadCorpus}, {@linkcode prepareCorpus}, {@linkcode buildVocab},
 *   {@linkcode encode}, {@linkcode dataIterRandom}, {@linkcode dataIterConsecutive};
 * - random numbers that follow CPython and NumPy: {@linkcode PyRandom},
 *   {@linkcode NumpyRandomState};
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
  prepareCorpus,
  readCorpusZip,
  resolveCorpus,
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
  type ExerciseName,
  EXERCISES,
  type RnnParams,
  type Submission,
  type TrainConfig,
  type TrainParts,
} from "./src/grade/contract.ts";
export { type GradeOptions, Grader, type GradeReport } from "./src/grade/grader.ts";
export { gradescopeResults, textReport } from "./src/grade/report.ts";
