/**
 * The fused trainer: the chapter's minibatch step (In [17]: forward, summed softmax
 * cross-entropy, BPTT, clipping, SGD) as 20 hand-written WebGPU kernel launches (and a tfjs slice
 * for the state to carry), with no readback inside an epoch, and the predictions as one more
 * (`predict.ts`). Same math as the reference trainer,
 * term for term; only the order of floating-point sums differs, so the curves agree to float32
 * rounding (see the tests).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { stepMajor } from "../../data/step_major.ts";
import { paramList } from "../../model/params.ts";
import type { TrainerFactory } from "../train.ts";
import type { Dims } from "./kernel.ts";
import { predictFused } from "./predict.ts";
import { sumOfSquares } from "./norm.ts";
import { hiddenGradFromOutput, outputLogits } from "./output_layer.ts";
import { bpttSteps, forwardSteps } from "./recurrence.ts";
import { softmaxCrossEntropy } from "./softmax_xent.ts";
import { clipSgdUpdate } from "./update.ts";
import {
  columnSums,
  inputWeightGrad,
  outputWeightGrad,
  recurrentWeightGrad,
  rowsByToken,
} from "./weight_grads.ts";

/**
 * The fused trainer for the webgpu backend (`TRAINERS.fused` refuses any other). It updates the
 * parameters' buffers in place, after first giving each variable a buffer of its own; a tensor
 * that shares a variable's data later (`tf.clone`) sees the updates. The step losses stay on the
 * device until `takeLossSum`, which reads them in one transfer and sums them in float64, in order.
 */
export const fusedTrainer: TrainerFactory = (params, config) => {
  const vars = paramList(params);
  tf.tidy(() => vars.forEach((v) => v.assign(tf.add(v, 0)))); // a private copy to update in place
  const [vocab, hidden] = params.wXh.shape;
  const losses: tf.Scalar[] = [];
  return {
    step(state, data, label) {
      const d: Dims = { vocab, hidden, batch: data.length, steps: data[0].length };
      const rows = d.steps * d.batch;
      const tokens = stepMajor(data);
      const byToken = rowsByToken(tokens, vocab);
      const { loss, next } = tf.tidy(() => {
        const tok = tf.tensor1d(tokens, "int32");
        const hAll = forwardSteps(tok, state, params, d);
        const logits = outputLogits(hAll, params.wHy, params.bY, d);
        const { loss, dY } = softmaxCrossEntropy(logits, tf.tensor1d(stepMajor(label), "int32"), d);
        const dZ = bpttSteps(hiddenGradFromOutput(dY, params.wHy, d), hAll, params.wHh, d);
        const starts = tf.tensor1d(byToken.starts, "int32");
        const grads = [ // in paramList's order: W_xh, W_hh, b_h, W_hy, b_y
          inputWeightGrad(dZ, starts, tf.tensor1d(byToken.rows, "int32"), d),
          recurrentWeightGrad(hAll, dZ, d),
          columnSums(dZ, rows, hidden),
          outputWeightGrad(hAll, dY, d),
          columnSums(dY, rows, vocab),
        ];
        const sumSq = sumOfSquares(grads);
        vars.forEach((v, i) => clipSgdUpdate(v, grads[i], sumSq, config.lr, config.theta));
        // The state to carry: H at the last step, block `steps` of hAll (detached: data only).
        return { loss, next: tf.slice(hAll, [d.steps * d.batch, 0], [d.batch, hidden]) };
      });
      losses.push(loss);
      return next as tf.Tensor2D;
    },
    async takeLossSum() {
      if (losses.length === 0) return 0;
      const taken = losses.splice(0);
      const stacked = tf.stack(taken);
      const values = await stacked.data<"float32">();
      tf.dispose([stacked, ...taken]);
      return values.reduce((sum: number, v: number) => sum + v, 0);
    },
    predict: (prefixes, numChars, vocab) => predictFused(prefixes, numChars, params, vocab),
  };
};
