/**
 * Running hand-written WGSL through tfjs-backend-webgpu's own program interface
 * (`WebGPUBackend.runWebGPUProgram`), so every buffer is a tfjs tensor: allocated, pooled, freed
 * and read back by tfjs, and the kernels share its command encoder and compute pass.
 *
 * A kernel's WGSL is the body tfjs wraps: the `result` array (read-write, the output), one
 * read-only array per input, named as given, and `uniforms` with the fields the kernel declares.
 * Every kernel here defines `fn kernel()` and indexes with `localIndex`, `localId`, `workgroupId`
 * and `getGlobalIndex()`, which tfjs's header provides. Sizes are baked into the WGSL as
 * constants, so a kernel's cache key names every one of them.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend, WebGPUProgram } from "@tensorflow/tfjs-backend-webgpu";

/** The sizes of one training step: vocabulary, hidden units, batch and time steps. */
export interface Dims {
  /** `vocab_size`: rows of W_xh, columns of W_hy. */
  vocab: number;
  /** `hidden_dim`. */
  hidden: number;
  /** `batch_size`. */
  batch: number;
  /** `num_steps`. */
  steps: number;
}

/** The key every kernel specialised to `d` carries. */
export function dimsKey(d: Dims): string {
  return `v${d.vocab}h${d.hidden}b${d.batch}t${d.steps}`;
}

/** A hand-written kernel: its WGSL and how it is dispatched. */
export interface KernelSpec {
  /** The pipeline cache key; it must determine the WGSL text. */
  key: string;
  /** The input arrays' names in binding order. */
  inputs: string[];
  /** The shape of the output (`result`), when the kernel allocates it. */
  outputShape: number[];
  /** Invocations per workgroup (x, y, z). */
  workgroup: [number, number, number];
  /** Workgroups to dispatch (x, y, z). */
  dispatch: [number, number, number];
  /** Uniform fields in WGSL struct syntax, e.g. `t : i32,`. */
  uniforms?: string;
  /** The WGSL: helpers and `fn kernel()`, the entry point's body. */
  code: string;
}

/** One uniform value, as `runWebGPUProgram` takes it. */
export type UniformValue = { type: "int32" | "float32"; data: number[] };

/** The most workgroups one dispatch dimension may have in WebGPU's default limits. */
const MAX_GROUPS_PER_DIMENSION = 65535;

/**
 * Workgroups for `groups` workgroups in a line, folded into two dimensions beyond WebGPU's
 * per-dimension limit. A kernel finds its workgroup's place in the line with
 * {@linkcode GROUP_INDEX} and must ignore the few past the end.
 */
export function groupGrid(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS_PER_DIMENSION) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIMENSION);
  return [Math.ceil(groups / y), y, 1];
}

/** WGSL for the index of this workgroup in a {@linkcode groupGrid} line. */
export const GROUP_INDEX = "i32(workgroupId.y * numWorkgroups.x + workgroupId.x)";

/**
 * A kernel with one invocation per element of its output: `body` is WGSL that computes element `i`
 * (its flat index, `let i : i32`, in range).
 */
export function perElementSpec(
  key: string,
  inputs: string[],
  outputShape: number[],
  body: string,
  uniforms?: string,
): KernelSpec {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    key,
    inputs,
    outputShape,
    workgroup: [256, 1, 1],
    dispatch: groupGrid(Math.ceil(size / 256)),
    uniforms,
    code: `
fn kernel() {
  let i = getGlobalIndex();
  if (i >= ${size}) { return; }
  ${body}
}`,
  };
}

/**
 * `fn main()`, which tfjs's entry point calls: it calls `kernel()`, after touching every binding,
 * since WebGPU's automatic pipeline layout leaves out a binding the shader never uses and tfjs
 * binds them all (the uniforms, say, in a kernel that only has sizes baked in).
 */
function entryPoint(inputs: string[]): string {
  const touch = ["_ = uniforms.NAN;", "_ = &result;", ...inputs.map((name) => `_ = &${name};`)];
  return `fn main() {\n  ${touch.join("\n  ")}\n  kernel();\n}`;
}

/**
 * Runs `spec` on `inputs`. Without `output`, returns a new float32 tensor of `spec.outputShape`;
 * with it, the kernel writes into `output`'s buffer (it may read it, too) and returns it.
 */
export function runKernel(
  spec: KernelSpec,
  inputs: tf.Tensor[],
  uniforms: UniformValue[] = [],
  output?: tf.Tensor,
): tf.Tensor {
  if (tf.getBackend() !== "webgpu") {
    throw new Error(`fused kernels need the webgpu backend, not ${tf.getBackend()}`);
  }
  const backend = tf.backend() as WebGPUBackend;
  // A fresh program object each time: tfjs rewrites `shaderKey` and `dispatch` on the object.
  const program: WebGPUProgram & { constructor: { name: string } } = {
    // tfjs's timer (`backend.time`, src/bench/profile.ts) names a program by its constructor's name.
    constructor: { name: spec.key },
    shaderKey: `rnnlab_${spec.key}`,
    variableNames: spec.inputs,
    outputShape: output?.shape ?? spec.outputShape,
    // Non-flat layout: tfjs then calls `main()` and leaves the indexing to the kernel.
    dispatchLayout: { x: [], y: [0] },
    dispatch: spec.dispatch,
    workgroupSize: spec.workgroup,
    uniforms: spec.uniforms,
    getUserCode: () => `${spec.code}\n${entryPoint(spec.inputs)}`,
  };
  const info = backend.runWebGPUProgram(program, inputs, "float32", uniforms, output);
  return output ?? tf.engine().makeTensorFromTensorInfo(info);
}
