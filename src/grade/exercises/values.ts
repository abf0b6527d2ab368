/**
 * The values the cases are built from, all from fixed seeds (NumPy's and Python's generators, so
 * that a case can be reproduced in Python), and the glue between a case's wire-format arguments
 * and the staff solution that computes its expected value.
 *
 * @module
 */

import { decodeValue, encodeJson, type TensorValue, toTensors, type Value } from "../codec.ts";
import { ndarrayText, sideBySide } from "../ndarray_text.ts";
import { describeValue, type Difference, findDifference } from "../value_diff.ts";
import { NumpyRandomState } from "../../random/numpy_random.ts";
import { PyRandom } from "../../random/py_random.ts";
import type { Case } from "./exercise.ts";
import type { PlaceNamer } from "../value_diff.ts";

/** `[0, 1, …, n - 1]`. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A tensor in the wire format. */
export function tensor(dtype: string, shape: number[], data: ArrayLike<number>): TensorValue {
  return { kind: "tensor", dtype, shape, data: Array.from(data) };
}

/** float32 draws of `normal(0, scale)` filling `shape`, from the NumPy generator `state`. */
export function normal(state: NumpyRandomState, shape: number[], scale: number): TensorValue {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor("float32", shape, Array.from(state.normal(0, scale, size), Math.fround));
}

/** How {@linkcode params} draws a model's parameters. */
export interface ParamsOptions {
  /** Seed of the NumPy generator. */
  seed: number;
  /** Size of the one-hot vectors. */
  vocab: number;
  /** Length of the hidden state. */
  hiddenDim: number;
  /** Standard deviation of the weights. */
  scale: number;
  /** Standard deviation of the biases (default `scale`); 0 gives zero biases. */
  biasScale?: number;
}

/** Parameters `[W_xh, W_hh, b_h, W_hy, b_y]`, drawn in that order. */
export function params(
  { seed, vocab, hiddenDim, scale, biasScale = scale }: ParamsOptions,
): Value[] {
  const state = new NumpyRandomState(seed);
  const bias = (n: number) =>
    biasScale > 0 ? normal(state, [n], biasScale) : tensor("float32", [n], new Array(n).fill(0));
  const wXh = normal(state, [vocab, hiddenDim], scale);
  const wHh = normal(state, [hiddenDim, hiddenDim], scale);
  const bH = bias(hiddenDim);
  const wHy = normal(state, [hiddenDim, vocab], scale);
  return [wXh, wHh, bH, wHy, bias(vocab)];
}

/** An int32 `rows` × `cols` tensor of `randbelow(below)` draws from `PyRandom(seed)`. */
export function indices(
  { seed, rows, cols, below }: { seed: number; rows: number; cols: number; below: number },
): TensorValue {
  const rng = new PyRandom(seed);
  return tensor("int32", [rows, cols], range(rows * cols).map(() => rng.randbelow(below)));
}

/** The chapter's `get_inputs` of `data`, computed directly: one one-hot matrix per column. */
export function oneHots(data: TensorValue, vocab: number): TensorValue[] {
  const [rows, cols] = data.shape;
  return range(cols).map((t) =>
    tensor(
      "float32",
      [rows, vocab],
      range(rows * vocab).map((k) =>
        data.data[Math.floor(k / vocab) * cols + t] === k % vocab ? 1 : 0
      ),
    )
  );
}

/** A sampler's batches, plain arrays in, int32 wire-format tensors out. */
export function batchesAsTensors(
  batches: Iterable<{ data: number[][]; label: number[][] }>,
): Value {
  return Array.from(batches, ({ data, label }) => [
    tensor("int32", [data.length, data[0].length], data.flat()),
    tensor("int32", [label.length, label[0].length], label.flat()),
  ]);
}

/** A case's arguments as the child sees them (tensors as `tf.Tensor`s). */
export function argsOf<T>(c: Case): T {
  return Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, toTensors(v)])) as T;
}

/** The staff solution's output in the form a submission's arrives in (through the same codec). */
export function asReceived(x: unknown): Value {
  return decodeValue(JSON.parse(encodeJson(x)));
}

/** Names a place in a sampler's batches: `batch 2, label`. */
export function batchesPlace(path: number[]): string {
  return path.length === 0
    ? "the batches"
    : `batch ${path[0] + 1}` + (path.length > 1 ? `, ${path[1] === 0 ? "data" : "label"}` : "");
}

/** The index of the first batch where `got` differs from `want`, or where one of them ends. */
function firstDifferingBatch(want: Value[], got: Value[]): number {
  let k = 0;
  while (
    k < want.length && k < got.length && findDifference(want[k], got[k], null, String) === null
  ) k++;
  return k;
}

/** A batch as the feedback shows it: X (data) beside Y (label), as the chapter prints them. */
function batchLines(whose: string, batch: Value | undefined, k: number): string[] {
  if (batch === undefined) return [`${whose}: none (no batch ${k + 1})`];
  if (!Array.isArray(batch) || batch.length !== 2) return [`${whose}: ${describeValue(batch)}`];
  const text = (v: Value) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && v.kind === "tensor"
      ? ndarrayText(v)
      : describeValue(v);
  const both = sideBySide([
    { title: "X (data)", text: text(batch[0]) },
    { title: "Y (label)", text: text(batch[1]) },
  ]);
  return [`${whose}:`, ...both.split("\n").map((l) => `  ${l}`)];
}

/**
 * How a sampler's difference is shown in a public case: the first batch that differs, X beside Y,
 * the student's above the expected one. `depth` is where the list of batches is in the value (1 for
 * a list of epochs of batches); `name` names the batch (`batch 3`, `epoch 1, batch 3`).
 */
export function batchesShown(
  depth: number,
  name: PlaceNamer,
): (want: Value, got: Value, d: Difference) => string[] {
  return (want, got, d) => {
    if (d.path.length < depth) return d.printed;
    const listAt = (v: Value) =>
      d.path.slice(0, depth).reduce<Value>((x, i) => Array.isArray(x) ? x[i] ?? null : null, v);
    const [wanted, gotten] = [listAt(want), listAt(got)];
    if (!Array.isArray(wanted)) return d.printed;
    const batches = Array.isArray(gotten) ? gotten : [];
    const k = d.path.length > depth ? d.path[depth] : firstDifferingBatch(wanted, batches);
    return [
      `the first batch that differs, ${name([...d.path.slice(0, depth), k])}:`,
      ...batchLines("yours", batches[k], k),
      ...batchLines("expected", wanted[k], k),
    ];
  };
}
