import assert from "node:assert/strict";
import { spectralNorm } from "./spectral_norm.ts";

Deno.test("‖W‖₂ of a diagonal, a rank-one and a zero matrix", () => {
  const diag = { shape: [3, 3], data: Float32Array.of(2, 0, 0, 0, -5, 0, 0, 0, 1) };
  assert.ok(Math.abs(spectralNorm(diag) - 5) < 1e-9);
  // u vᵀ with |u| = 5 (3, 4) and |v| = 2 (2, 0, 0): ‖·‖₂ = 10.
  const rankOne = { shape: [2, 3], data: Float32Array.of(6, 0, 0, 8, 0, 0) };
  assert.ok(Math.abs(spectralNorm(rankOne) - 10) < 1e-9);
  assert.equal(spectralNorm({ shape: [2, 2], data: new Float32Array(4) }), 0);
});
