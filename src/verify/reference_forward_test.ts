import assert from "node:assert/strict";
import { readGolden } from "../testing.ts";
import { maxAbsDifference } from "./derived_tolerance.ts";
import { goldenParams, type ModelGolden } from "./goldens.ts";
import { referenceForward } from "./reference_forward.ts";

const g = readGolden<ModelGolden>("model.json");
const params = goldenParams(g);
// model.json's batch as tokens[t][b] (its data is [batch][step]), from its state.
const tokens = g.data[0].map((_, t) => g.data.map((row) => row[t]));
const h0 = Float64Array.from(g.state.data); // NumPy's state is not float32's

Deno.test("the float64 forward equals NumPy's float64 one (golden/model.json) to float64 rounding", () => {
  const f64 = referenceForward(params, tokens, h0, "float64");
  const close = (got: Float64Array, want: number[]) =>
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-13 * Math.max(1, Math.abs(w))));
  close(f64.logits, g.outputs.data);
  close(f64.hN, g.finalState.data);
});

Deno.test("the float32 forward rounds every value to float32 and lands near, not on, float64", () => {
  const f64 = referenceForward(params, tokens, Float32Array.from(h0), "float64");
  const f32 = referenceForward(params, tokens, Float32Array.from(h0), "float32");
  assert.ok(f32.logits.every((x) => Math.fround(x) === x));
  const { worst } = maxAbsDifference(f32.logits, f64.logits);
  assert.ok(worst > 0 && worst < 1e-5, `float32 noise ${worst}`);
  assert.ok(f32.logitTermSums.every((x) => x === 0)); // only the float64 pass sums them
});

Deno.test("the term sums are the sums of |terms| of each output's last sum", () => {
  const f64 = referenceForward(params, tokens, h0, "float64");
  const [vocab, hidden] = params.W_xh.shape;
  const steps = tokens.length;
  const batch = tokens[0].length;
  // The last step's logits of sequence 0, from the state before them (its hN).
  const at = ((steps - 1) * batch + 0) * vocab;
  for (let j = 0; j < vocab; j++) {
    let abs = Math.abs(params.b_y.data[j]);
    for (let k = 0; k < hidden; k++) abs += Math.abs(f64.hN[k] * params.W_hy.data[k * vocab + j]);
    assert.ok(Math.abs(f64.logitTermSums[at + j] - abs) <= 1e-15 * abs);
  }
});
