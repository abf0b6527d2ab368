import assert from "node:assert/strict";
import {
  derivedTolerance,
  FLOAT32_UNIT_ROUNDOFF as u,
  float32SumBound,
  gamma,
  maxAbsDifference,
  NOISE_MULTIPLE,
} from "./derived_tolerance.ts";

Deno.test("γ_n is n·u/(1 − n·u), and unbounded once n·u reaches 1", () => {
  assert.equal(gamma(1), u / (1 - u));
  assert.ok(Math.abs(gamma(257) / (257 * u) - 1) < 1e-4);
  assert.throws(() => gamma(2 ** 24), RangeError);
});

Deno.test("the float32 sum bound holds for sums rounded at every step, and is nearly reached", () => {
  // n terms of 1 + ε: each partial sum rounds; the bound γ_n·Σ|x| must cover the error.
  let worstRatio = 0;
  for (const n of [10, 100, 1000]) {
    for (const seed of [1, 2, 3]) {
      const terms = Array.from({ length: n }, (_, i) => Math.fround(1 + Math.sin(seed * i) / 3));
      let f32 = 0;
      for (const x of terms) f32 = Math.fround(f32 + x);
      const exact = terms.reduce((a, b) => a + b, 0);
      const bound = float32SumBound(n, terms.reduce((a, b) => a + Math.abs(b), 0));
      assert.ok(Math.abs(f32 - exact) <= bound, `n ${n}: ${Math.abs(f32 - exact)} > ${bound}`);
      worstRatio = Math.max(worstRatio, Math.abs(f32 - exact) / bound);
    }
  }
  assert.ok(worstRatio > 1e-3, "a bound far above every error would say nothing");
});

Deno.test("the derived tolerance is the noise times the multiple, floored; NaN is the worst difference", () => {
  const f64 = [1, 2, 3];
  const t = derivedTolerance([1, 2 + 1e-3, 3], f64, 1e-6);
  assert.equal(t.noise, 2 + 1e-3 - 2);
  assert.equal(t.tol, NOISE_MULTIPLE * t.noise);
  assert.equal(derivedTolerance(f64, f64, 1e-6).tol, 1e-6); // an exact plain forward: the floor
  assert.deepEqual(maxAbsDifference([1, NaN, 3], f64), { worst: NaN, at: 1 });
  assert.deepEqual(maxAbsDifference([1, 2, 4], f64), { worst: 1, at: 2 });
});
