/**
 * The one-hot product X·W_xh as what it is: picking rows of W_xh. With X the one-hot matrix of
 * `tokens`, X·W = W[tokens] and the gradient Xᵀ·dY adds each row of dY into the row of its token.
 *
 * tfjs has the gather, but its gradient needs `UnsortedSegmentSum`, which the wasm backend lacks;
 * the gradient here is a scatter-add (`scatterND` sums duplicate indices), which every backend has.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

type SaveFn = (tensors: tf.Tensor[]) => void;

const gatherWithGrad = tf.customGrad(
  ((w: tf.Tensor2D, tokens: tf.Tensor1D, save: SaveFn) => {
    save([tokens]); // the backward pass needs the tokens after the forward's tensors are gone
    return {
      value: tf.gather(w, tokens),
      gradFunc: (dy: tf.Tensor2D, [saved]: tf.Tensor[]) => [
        tf.scatterND(tf.expandDims(saved, 1), dy, w.shape), // Xᵀ·dY: each row of dY into its token's row
        tf.zerosLike(saved), // the tokens are not differentiable
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
);

/** `W[tokens]`: the rows of `w` (V × H) for each token, N × H; differentiable in `w`. */
export function gatherRows(w: tf.Tensor2D, tokens: tf.Tensor1D): tf.Tensor2D {
  return gatherWithGrad(w, tokens) as tf.Tensor2D;
}
