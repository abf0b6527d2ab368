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

/**
 * WGSL statements by which a workgroup of `threads` invocations computes the partial sums of the
 * row-times-matrix product `vec · W` (vec: K values in workgroup memory, W: K × N row-major in
 * the array `w`): the sum over k is cut into `slices` ranges of consecutive k, and `part[s·N + n]`
 * receives range s's Σ_k vec[k]·W[k, n], summed in increasing k. Invocation i takes range
 * i / (threads / slices) and the units n ≡ i (mod threads / slices), so each holds a few
 * independent sums and adjacent invocations read adjacent elements of W. No barrier inside.
 */
export function rowTimesMatrixParts(
  w: string,
  k: number,
  n: number,
  slices: number,
  threads: number,
): string {
  const lanes = threads / slices;
  const span = Math.ceil(k / slices);
  const units = Array.from({ length: Math.ceil(n / lanes) }, (_, q) => q);
  return `{
    let s = i32(localIndex) / ${lanes};
    let j = i32(localIndex) % ${lanes};
    ${units.map((q) => `let n${q} = min(j + ${q * lanes}, ${n - 1});`).join(" ")}
    ${units.map((q) => `var a${q} = 0.0;`).join(" ")}
    for (var k = s * ${span}; k < min(s * ${span} + ${span}, ${k}); k = k + 1) {
      let v = vec[k];
      ${units.map((q) => `a${q} = a${q} + v * ${w}[k * ${n} + n${q}];`).join("\n      ")}
    }
    ${
    units.map((q) => `if (j + ${q * lanes} < ${n}) { part[s * ${n} + n${q}] = a${q}; }`).join(
      "\n    ",
    )
  }
  }`;
}

/** WGSL `fn partsSum(n : i32) -> f32`: the `slices` partial sums of unit n added in range order. */
export function partsSumFn(n: number, slices: number): string {
  const terms = Array.from({ length: slices }, (_, s) => `part[${s * n} + n]`);
  return `fn partsSum(n : i32) -> f32 { return ${
    terms.slice(1).reduce((sum, t) => `(${sum} + ${t})`, terms[0])
  }; }`;
}
