/**
 * The spectral norm `‖W‖₂` of a matrix, its largest singular value: how much one step of the
 * recurrence can stretch a difference in the state. Above 1 (8.3 for `W_hh` after the chapter's
 * 200 epochs), rounding errors grow from step to step until `tanh` saturates them; that is why
 * a trained model is the test of a tolerance.
 *
 * @module
 */

import type { F32Tensor } from "../io/safetensors.ts";

/** `‖W‖₂` of a `rows × cols` matrix by power iteration on `WᵀW`, in float64, until it changes by under 1e-12 relative. */
export function spectralNorm(w: F32Tensor, iterations = 500): number {
  const [rows, cols] = w.shape;
  let v = Float64Array.from({ length: cols }, (_, i) => 1 + Math.sin(i)); // not orthogonal to the top vector in practice
  let norm = 0;
  for (let it = 0; it < iterations; it++) {
    const u = new Float64Array(rows); // u = W v
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) u[r] += w.data[r * cols + c] * v[c];
    }
    const next = new Float64Array(cols); // next = Wᵀ u
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) next[c] += w.data[r * cols + c] * u[r];
    }
    const length = Math.hypot(...next);
    if (length === 0) return 0;
    const estimate = Math.sqrt(length);
    v = next.map((x) => x / length);
    if (Math.abs(estimate - norm) <= 1e-12 * estimate) return estimate;
    norm = estimate;
  }
  return norm;
}
