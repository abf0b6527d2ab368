import assert from "node:assert/strict";
import { NumpyRandomState } from "../random/numpy_random.ts";
import { initParamArrays } from "./params.ts";

Deno.test("initParamArrays follows the RNG contract: W_xh, W_hh, W_hy from one RandomState, zero biases", () => {
  const [v, h, seed] = [11, 4, 5];
  const p = initParamArrays(v, h, seed);
  const draws = Float32Array.from(
    new NumpyRandomState(seed).normal(0, 0.01, v * h + h * h + h * v),
  );
  assert.deepEqual(p.W_xh.data, draws.subarray(0, v * h));
  assert.deepEqual(p.W_hh.data, draws.subarray(v * h, v * h + h * h));
  assert.deepEqual(p.W_hy.data, draws.subarray(v * h + h * h));
  assert.deepEqual([p.W_xh.shape, p.W_hh.shape, p.W_hy.shape], [[v, h], [h, h], [h, v]]);
  assert.ok(p.b_h.data.every((x) => x === 0) && p.b_y.data.length === v);
});
