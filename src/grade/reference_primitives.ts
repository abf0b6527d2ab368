/**
 * The chapter's primitives as the grader hands them to a submission: `predictRnn` gets this `rnn`
 * and `getInputs`, and `trainRnn` gets any of them whose exercise the student failed, so that one
 * bug costs points once.
 *
 * Only the sandboxed child that grades `predictRnn` or `trainRnn` loads this module (see
 * `child_entry_primitives.ts`): a module the child has loaded can be imported by the submission,
 * and neither exercise's own solution is here. The samplers and `rnn` are the project's
 * (`src/data/`, `src/model/`), the samplers' batches wrapped into int32 tensors.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type Batch, dataIterConsecutive, dataIterRandom } from "../data/iterators.ts";
import { rnn } from "../model/rnn.ts";
import type { PyRandom } from "../random/py_random.ts";
import type { Primitives, RnnParams, Shuffler, TensorBatch } from "./contract.ts";

function batchTensors(batches: Iterable<Batch>): TensorBatch[] {
  return Array.from(batches, ({ data, label }) => [
    tf.tensor2d(data, undefined, "int32"),
    tf.tensor2d(label, undefined, "int32"),
  ]);
}

/** The reference primitives, satisfying the student contract. */
export const REFERENCE_PRIMITIVES: Primitives = {
  dataIterRandom: (corpus, batchSize, numSteps, rng: Shuffler) =>
    batchTensors(dataIterRandom(corpus, batchSize, numSteps, rng as PyRandom)),
  dataIterConsecutive: (corpus, batchSize, numSteps) =>
    batchTensors(dataIterConsecutive(corpus, batchSize, numSteps)),
  getInputs: (data, vocabSize) =>
    tf.unstack(data.transpose()).map((x) =>
      tf.oneHot(x as tf.Tensor1D, vocabSize).toFloat() as tf.Tensor2D
    ),
  rnn: (inputs, state, [wXh, wHh, bH, wHy, bY]: RnnParams) => {
    const { outputs, state: h } = rnn(inputs, state, { wXh, wHh, bH, wHy, bY });
    return [outputs, h];
  },
  gradClipping: (grads, theta) => {
    const norm = Math.sqrt(
      grads.reduce((sum, g) => sum + (g.square().sum().arraySync() as number), 0),
    );
    return norm > theta ? grads.map((g) => g.mul(theta / norm)) : grads;
  },
};
