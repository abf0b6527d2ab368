/**
 * What the accurate wasm sums (`src/train/wasm_reductions.ts`) cost against tfjs-backend-wasm's
 * own float32 ones, on the sums a chapter-sized step takes: the row sums of log-softmax over the
 * 1120 × 1465 logits, their column sums (b_y's gradient in the batched trainer), the whole loss,
 * the squares of one 1465 × 256 gradient (the norm), and the batched trainer's segment sum of dZ's
 * 1120 rows into dW_xh. Each pair runs in the same process, tfjs's kernel as the baseline.
 *
 *     deno bench --allow-read --allow-env bench/wasm_reductions_bench.ts
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { selectBackend } from "../src/train/backend.ts";

const NAMES = ["Sum", "ScatterNd"];
const ownKernels = NAMES.map((name) => tf.getKernel(name, "wasm")); // before selectBackend replaces them
await selectBackend("wasm");
const accurateKernels = NAMES.map((name) => tf.getKernel(name, "wasm"));

/** Registers tfjs's own kernels or the accurate ones. */
function use(kernels: tf.KernelConfig[]): void {
  for (const k of kernels) {
    tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel(k);
  }
}

const logits = tf.randomNormal([1120, 1465], 0, 1, "float32", 1);
const grad = tf.square(tf.randomNormal([1465, 256], 0, 1e-3, "float32", 2));
const dZ = tf.randomNormal([1120, 256], 0, 1e-3, "float32", 3);
const tokens = tf.tensor2d(
  Array.from({ length: 1120 }, (_, i) => (i * 37) % 1465),
  [1120, 1],
  "int32",
);

const cases: Record<string, () => tf.Tensor> = {
  "Sum 1120×1465 rows (log-softmax)": () => tf.sum(logits, 1, true),
  "Sum 1120×1465 columns (db_y)": () => tf.sum(logits, 0),
  "Sum 1120×1465 all (the loss)": () => tf.sum(logits),
  "Sum of 375,040 squares (the norm)": () => tf.sum(grad),
  "ScatterNd 1120 rows of 256 into 1465×256 (dW_xh)": () => tf.scatterND(tokens, dZ, [1465, 256]),
};

for (const [name, f] of Object.entries(cases)) {
  for (const [variant, kernels] of [["tfjs", ownKernels], ["accurate", accurateKernels]] as const) {
    Deno.bench({
      name: `${variant}: ${name}`,
      group: name,
      baseline: variant === "tfjs",
      fn: (b) => {
        use(kernels);
        b.start();
        tf.tidy(() => {
          f().dataSync(); // run, and wait for it
        });
        b.end();
      },
    });
  }
}
