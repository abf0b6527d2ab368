// The derived tolerance of the parity checks (src/verify/derived_tolerance.ts) against the bugs it
// must catch (src/verify/mutations.ts), on the trained model that verify checks
// (golden/trained_small) and on an untrained one of the same shapes: onnxruntime and tfjs pass,
// and every mutation fails, whatever the correct engines measure. A tolerance loose enough to let
// one through fails here. The margins: bench/parity_margins.ts.

import assert from "node:assert/strict";
import { join } from "node:path";
import { initParamArrays, type ParamArrays } from "../src/model/params.ts";
import { readRunDir } from "../src/run/run_dir.ts";
import { ROOT } from "../src/testing.ts";
import { selectBackend } from "../src/train/backend.ts";
import {
  forwardMargins,
  type ForwardOutputs,
  forwardYardstick,
} from "../src/verify/forward_check.ts";
import { MUTATIONS } from "../src/verify/mutations.ts";
import { onnxEngine, parityBatch, tfjsEngine } from "../src/verify/parity.ts";
import { spectralNorm } from "../src/verify/spectral_norm.ts";
import { TRAINED_MODEL } from "../src/verify/verify.ts";

await selectBackend("cpu");
const trained = (await readRunDir(join(ROOT, "golden", TRAINED_MODEL))).params;
const [vocab, hidden] = trained.W_xh.shape;
const untrained = initParamArrays(vocab, hidden, 0);
const { tokens, h0 } = parityBatch(vocab, hidden);

/** Whether two engines' outputs are the same bits. */
function same(a: ForwardOutputs, b: ForwardOutputs): boolean {
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>) =>
    x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  return eq(a.logits, b.logits) && eq(a.hN, b.hN);
}

/** The worse of an engine's logits and state margins against `params`' float64 forward. */
function check(params: ParamArrays) {
  const y = forwardYardstick(params, tokens, h0);
  const margin = (out: ForwardOutputs) => {
    const m = forwardMargins(out, y);
    return Math.max(m.logits.ratio, m.hN.ratio);
  };
  return { y, margin };
}

Deno.test("the trained model of golden/ is in the chapter's regime: ‖W_hh‖₂ > 4, float32 noise > 1e-3 on the logits", () => {
  assert.ok(spectralNorm(trained.W_hh) > 4, `‖W_hh‖₂ ${spectralNorm(trained.W_hh)}`);
  const { y } = check(trained);
  // A fixed 1e-5 between two float32 engines cannot hold here: their own noise is 100× that.
  assert.ok(y.logits.noise > 1e-3 && y.hN.noise > 1e-4, `noise ${y.logits.noise}, ${y.hN.noise}`);
});

for (const [label, params] of [["trained", trained], ["untrained", untrained]] as const) {
  Deno.test(`on the ${label} model, onnxruntime and tfjs pass and every mutation fails`, async () => {
    const { margin } = check(params);
    const right = await onnxEngine()(params, tokens, h0);
    assert.ok(margin(right) <= 1, `onnxruntime: ${margin(right)}`);
    const tfjs = await tfjsEngine(params, tokens, h0);
    assert.ok(margin(tfjs) <= 1, `tfjs: ${margin(tfjs)}`);
    for (const [name, mutation] of Object.entries(MUTATIONS)) {
      const out = await mutation.run(onnxEngine(), params, tokens, h0);
      if (same(out, right)) {
        // No bug to catch: only dropping a bias that is zero (the chapter initialises them so).
        assert.match(name, /^b_[hy] dropped$/);
        const bias = params[name.slice(0, 3) as "b_h" | "b_y"].data;
        assert.ok(bias.every((b) => b === 0), `${name} changed nothing, yet the bias is not zero`);
        continue;
      }
      assert.ok(margin(out) > 1, `${name} passes the ${label} model's check: ${margin(out)}`);
    }
  });
}
