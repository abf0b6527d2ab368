import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as alternative from "../../fixtures/solutions/alternative.ts";
import * as starter from "./starter/rnn_scratch.ts";
import { encodeJson } from "./codec.ts";
import type { Submission } from "./contract.ts";
import { REFERENCE_PRIMITIVES } from "./reference_primitives.ts";
import * as staff from "./staff_solution.ts";

// Compile-time: the staff solution, the alternative and the starter all satisfy the contract.
const _solutions: Submission[] = [staff, alternative, starter];

Deno.test("the primitives handed to submissions equal the staff solution's", () => {
  const data = tf.tensor2d([[0, 3, 1], [2, 2, 4]], [2, 3], "int32");
  const same = (a: unknown, b: unknown) =>
    assert.deepEqual(JSON.parse(encodeJson(a)), JSON.parse(encodeJson(b)));
  const inputs = REFERENCE_PRIMITIVES.getInputs(data, 5);
  same(inputs, staff.getInputs(data, 5));
  const params = [[5, 4], [4, 4], [4], [4, 5], [5]].map((s, i) =>
    tf.randomNormal(s, 0, 1, "float32", i)
  ) as never;
  const state = tf.randomNormal([2, 4], 0, 1, "float32", 9) as tf.Tensor2D;
  same(REFERENCE_PRIMITIVES.rnn(inputs, state, params), staff.rnn(inputs, state, params));
  same(REFERENCE_PRIMITIVES.gradClipping(params, 1), staff.gradClipping(params, 1));
  const corpus = Array.from({ length: 50 }, (_, i) => i);
  const rng = () => ({ seed: 5, shuffle: (x: number[]) => x.reverse() });
  same([...REFERENCE_PRIMITIVES.dataIterRandom(corpus, 2, 4, rng())], [
    ...staff.dataIterRandom(corpus, 2, 4, rng()),
  ]);
  same([...REFERENCE_PRIMITIVES.dataIterConsecutive(corpus, 3, 4)], [
    ...staff.dataIterConsecutive(corpus, 3, 4),
  ]);
});
