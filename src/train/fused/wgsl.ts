/**
 * WGSL pieces several fused kernels share: tanh as tfjs-webgpu computes it, and a deterministic
 * workgroup reduction.
 *
 * @module
 */

/**
 * `fn tanhF(a: f32) -> f32`, the formula of tfjs-webgpu's own Tanh kernel (stable for large |a|),
 * so the fused forward pass rounds as the reference trainer's does on the same GPU.
 */
export const TANH_FN = `
fn tanhF(a : f32) -> f32 {
  let e2x = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e2x) / (1.0 + e2x);
}`;

/**
 * WGSL declaring `var<workgroup> red_<name> : array<f32, size>` and
 * `fn reduce_<name>(v : f32) -> f32`, which combines every invocation's `v` with `op` (a WGSL
 * expression in `a` and `b`) over a fixed binary tree and returns the result to all of them. No
 * atomics: the same inputs give the same bits on every run. `size` is the workgroup's
 * invocation count, a power of two; call it in uniform control flow.
 */
export function treeReduceFn(name: string, size: number, op: string): string {
  if (size & (size - 1)) throw new RangeError(`tree reduction over ${size}: not a power of two`);
  return `
var<workgroup> red_${name} : array<f32, ${size}>;
fn reduce_${name}(v : f32) -> f32 {
  let i = i32(localIndex);
  red_${name}[i] = v;
  workgroupBarrier();
  for (var s = ${size / 2}; s > 0; s = s / 2) {
    if (i < s) {
      let a = red_${name}[i];
      let b = red_${name}[i + s];
      red_${name}[i] = ${op};
    }
    workgroupBarrier();
  }
  let r = red_${name}[0];
  workgroupBarrier();
  return r;
}`;
}
