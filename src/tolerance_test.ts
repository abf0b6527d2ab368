import assert from "node:assert/strict";
import { isClose } from "./tolerance.ts";

const TOL = { rtol: 1e-3, atol: 1e-6 };

Deno.test("isClose is |got − want| ≤ atol + rtol·|want|, relative to want, both ends included", () => {
  assert.equal(isClose(1.001, 1, TOL), true); // 0.001 ≤ 1e-6 + 1e-3
  assert.equal(isClose(1.0011, 1, TOL), false);
  assert.equal(isClose(0, 1e-6, TOL), true); // atol alone near zero
  assert.equal(isClose(0, 2e-6, { rtol: 0, atol: 1e-6 }), false);
  // Relative to want, not to got: 999 is within 0.1% of 1000 but 1000 is not within 0.1% of 999.
  assert.equal(isClose(999, 1000, { rtol: 1e-3, atol: 0 }), true);
  assert.equal(isClose(1000, 999, { rtol: 1e-3, atol: 0 }), false);
  assert.equal(isClose(-1.001, -1, TOL), true);
  assert.equal(isClose(1.001, -1, TOL), false);
});

Deno.test("isClose: infinities are close to themselves only; NaN to NaN only when asked", () => {
  assert.equal(isClose(Infinity, Infinity, TOL), true);
  assert.equal(isClose(-Infinity, Infinity, TOL), false);
  assert.equal(isClose(1e308, Infinity, { rtol: 1, atol: 1 }), false);
  assert.equal(isClose(Infinity, 1e308, { rtol: 1, atol: 1 }), false);
  assert.equal(isClose(NaN, NaN, TOL), false);
  assert.equal(isClose(NaN, NaN, TOL, true), true);
  assert.equal(isClose(NaN, 1, TOL, true), false);
  assert.equal(isClose(1, NaN, TOL, true), false);
});
