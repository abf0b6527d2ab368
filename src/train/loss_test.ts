import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { selectBackend } from "./backend.ts";
import { sequenceLoss, sequenceLossStacked } from "./loss.ts";

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`sequenceLossStacked equals sequenceLoss bit for bit on ${backend}, value and gradient`, async () => {
    await selectBackend(backend);
    const [batch, steps, vocab] = [5, 7, 61];
    const logits = tf.randomNormal([steps * batch, vocab], 0, 3, "float32", 9) as tf.Tensor2D;
    const label = Array.from(
      { length: batch },
      (_, b) => Array.from({ length: steps }, (_, t) => (b * 17 + t * 5) % vocab),
    );
    const both = [
      (y: tf.Tensor) => sequenceLoss([y as tf.Tensor2D], label),
      (y: tf.Tensor) => sequenceLossStacked(y as tf.Tensor2D, label),
    ].map((f) => tf.valueAndGrad(f)(logits));
    assert.deepEqual(await both[1].value.data(), await both[0].value.data());
    const [a, b] = [await both[1].grad.data(), await both[0].grad.data()];
    assert.ok(a.every((x, i) => Object.is(x, b[i])), "the gradients differ");
  });
}
