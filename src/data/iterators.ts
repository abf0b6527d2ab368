/**
 * The chapter's "时序数据的批量采样" cells (In [6] and [8]): the random and the consecutive
 * minibatch samplers over the corpus indices. Each batch is `batchSize` rows of `numSteps` indices;
 * the label is the data shifted by one character.
 *
 * @module
 */

import type { PyRandom } from "../random/py_random.ts";

/** One minibatch: `data[b][t]` and `label[b][t] = corpus[position of data[b][t] + 1]`. */
export interface Batch {
  /** batchSize × numSteps character indices. */
  data: number[][];
  /** The same positions shifted by one: the characters to predict. */
  label: number[][];
}

function checkPositive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  }
}

function checkEpoch(epochSize: number, length: number, batchSize: number, numSteps: number) {
  if (epochSize < 1) {
    throw new RangeError(
      `corpus of ${length} indices is too short for one batch of ${batchSize} × ${numSteps} steps`,
    );
  }
}

/**
 * How many batches one epoch of {@linkcode dataIterRandom} yields:
 * `num_examples = (len - 1) // num_steps; epoch_size = num_examples // batch_size`.
 * Throws a `RangeError` for arguments the sampler rejects.
 */
export function randomEpochSize(length: number, batchSize: number, numSteps: number): number {
  checkPositive("batchSize", batchSize);
  checkPositive("numSteps", numSteps);
  const numExamples = Math.floor((length - 1) / numSteps);
  const epochSize = Math.floor(numExamples / batchSize);
  checkEpoch(epochSize, length, batchSize, numSteps);
  return epochSize;
}

/**
 * How many batches one epoch of {@linkcode dataIterConsecutive} yields:
 * `batch_len = len // batch_size; epoch_size = (batch_len - 1) // num_steps`.
 * Throws a `RangeError` for arguments the sampler rejects.
 */
export function consecutiveEpochSize(length: number, batchSize: number, numSteps: number): number {
  checkPositive("batchSize", batchSize);
  checkPositive("numSteps", numSteps);
  const batchLen = Math.floor(length / batchSize);
  const epochSize = Math.floor((batchLen - 1) / numSteps);
  checkEpoch(epochSize, length, batchSize, numSteps);
  return epochSize;
}

/**
 * In [6] `data_iter_random`: cut the corpus into `(len - 1) // numSteps` examples of `numSteps`
 * characters, shuffle their order with `rng.shuffle` (one shuffle per call, i.e. per epoch), and
 * yield them `batchSize` at a time. Arguments are checked before the first batch.
 *
 * @example The chapter's In [7]: 0..29 in batches of 2 × 3 steps
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataIterRandom, PyRandom } from "@rnnlab/rnnlab";
 *
 * const corpus = Array.from({ length: 30 }, (_, i) => i);
 * const [first] = dataIterRandom(corpus, 2, 3, new PyRandom(20030));
 * assert.deepEqual(first.data, [[6, 7, 8], [3, 4, 5]]);
 * assert.deepEqual(first.label, [[7, 8, 9], [4, 5, 6]]); // one character later
 * ```
 */
export function dataIterRandom(
  corpusIndices: readonly number[],
  batchSize: number,
  numSteps: number,
  rng: PyRandom,
): Generator<Batch> {
  const epochSize = randomEpochSize(corpusIndices.length, batchSize, numSteps);
  const numExamples = Math.floor((corpusIndices.length - 1) / numSteps);
  const exampleIndices = Array.from({ length: numExamples }, (_, i) => i);
  rng.shuffle(exampleIndices);
  // 返回num_steps个数据: the numSteps characters starting at pos
  const slice = (pos: number) => corpusIndices.slice(pos, pos + numSteps);
  return (function* () {
    for (let i = 0; i < epochSize; i++) {
      const batchIndices = exampleIndices.slice(i * batchSize, (i + 1) * batchSize);
      yield {
        data: batchIndices.map((j) => slice(j * numSteps)),
        label: batchIndices.map((j) => slice(j * numSteps + 1)),
      };
    }
  })();
}

/**
 * In [8] `data_iter_consecutive`: lay the corpus out as `batchSize` rows of `len // batchSize`
 * characters and walk along the rows `numSteps` at a time, so that batch i+1 continues batch i
 * row by row. Arguments are checked before the first batch.
 *
 * @example The chapter's In [9]: batch 2 continues batch 1, row by row
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataIterConsecutive } from "@rnnlab/rnnlab";
 *
 * const corpus = Array.from({ length: 30 }, (_, i) => i);
 * const [first, second] = dataIterConsecutive(corpus, 2, 3);
 * assert.deepEqual(first.data, [[0, 1, 2], [15, 16, 17]]);
 * assert.deepEqual(second.data, [[3, 4, 5], [18, 19, 20]]);
 * ```
 */
export function dataIterConsecutive(
  corpusIndices: readonly number[],
  batchSize: number,
  numSteps: number,
): Generator<Batch> {
  const epochSize = consecutiveEpochSize(corpusIndices.length, batchSize, numSteps);
  const batchLen = Math.floor(corpusIndices.length / batchSize);
  const rows = Array.from(
    { length: batchSize },
    (_, b) => corpusIndices.slice(b * batchLen, (b + 1) * batchLen),
  );
  return (function* () {
    for (let i = 0; i < epochSize; i++) {
      const t = i * numSteps;
      yield {
        data: rows.map((row) => row.slice(t, t + numSteps)),
        label: rows.map((row) => row.slice(t + 1, t + numSteps + 1)),
      };
    }
  })();
}
