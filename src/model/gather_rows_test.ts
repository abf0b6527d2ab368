import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectBackend } from "../train/backend.ts";
import { gatherRows } from "./gather_rows.ts";

Deno.test("gatherRows equals the one-hot product, and so does its gradient (scatter-add of rows)", async () => {
  await selectBackend("wasm");
  const w = tf.randomNormal([7, 3], 0, 1, "float32", 1) as tf.Tensor2D;
  const tokens = [2, 5, 2, 0, 6, 2];
  const oneHot = tf.oneHot(tf.tensor1d(tokens, "int32"), 7).toFloat() as tf.Tensor2D;
  const dy = tf.randomNormal([tokens.length, 3], 0, 1, "float32", 2);
  const viaGather = tf.grad((x: tf.Tensor) =>
    tf.sum(tf.mul(gatherRows(x as tf.Tensor2D, tf.tensor1d(tokens, "int32")), dy))
  )(w);
  const viaMatMul = tf.grad((x: tf.Tensor) =>
    tf.sum(tf.mul(tf.matMul(oneHot, x as tf.Tensor2D), dy))
  )(w);
  assert.deepEqual(
    await gatherRows(w, tf.tensor1d(tokens, "int32")).data(),
    await tf.matMul(oneHot, w).data(),
  );
  const [a, b] = [await viaGather.data(), await viaMatMul.data()];
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-6, `dW[${i}]: ${x} vs ${b[i]}`));
});
