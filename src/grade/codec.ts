/**
 * The values that cross the process boundary between the grader and the sandboxed child, as JSON.
 *
 * A value is a number, string, boolean, null, an array of values, or a tensor
 * `{"$tensor": {"dtype", "shape", "data"}}` with its elements row-major. JSON has no NaN or
 * infinities, so those travel as `{"$num": "NaN"}` (inside tensor data, as the bare strings).
 * Whatever else a submission returns travels as `{"$other": "<what it is>"}`, so that the feedback
 * can say "expected a tensor, got a Promise".
 *
 * {@linkcode encodeJson} writes JSON text itself, by string concatenation and with the built-ins of
 * `intrinsics.ts` (taken before the child loads the submission): a submission that patches
 * `JSON`, `Array.prototype`, `String.prototype` or `Object.prototype.toJSON` cannot change the
 * bytes sent for a value. A tensor's elements are what tfjs reports for it (`dataSync`, taken from
 * `tf.Tensor.prototype` before the submission loads); an array is read by index, any other iterable
 * by the caller (see `child.ts`).
 *
 * {@linkcode decodeValue} is the grader's strict reader: anything outside the format is an error.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { isArray, isFinite, isInstance, stringify, typedLength, uncurry } from "./intrinsics.ts";

/** A tensor as plain data: the grader's form of a tensor, on both sides of the boundary. */
export interface TensorValue {
  /** Discriminates tensors from the other decoded values. */
  kind: "tensor";
  /** `float32`, `int32` or `bool`. */
  dtype: string;
  /** The dimensions. */
  shape: number[];
  /** The elements, row-major; `data.length` is the product of `shape`. */
  data: number[];
}

/** A value the format cannot carry, described. */
export interface OtherValue {
  /** Discriminates it from the other decoded values. */
  kind: "other";
  /** What it was, e.g. `Promise`, `Object`, `undefined`. */
  what: string;
}

/** A decoded value. */
export type Value = number | string | boolean | null | Value[] | TensorValue | OtherValue;

/** Thrown by {@linkcode encodeJson} when a value would exceed its size limit. */
export class TooLargeError extends Error {
  /** `limit`: the number of characters allowed. */
  constructor(limit: number) {
    super(`value is larger than ${limit} characters of JSON`);
    this.name = "TooLargeError";
  }
}

const DTYPES: readonly string[] = ["float32", "int32", "bool"];
const MAX_DEPTH = 8;

const TensorClass = tf.Tensor;
const dataSync: (t: tf.Tensor) => ArrayLike<number> = uncurry(
  tf.Tensor.prototype.dataSync as (this: tf.Tensor) => ArrayLike<number>,
);

function numberJson(x: number): string {
  if (isFinite(x)) return `${x}`;
  return x !== x ? '"NaN"' : x > 0 ? '"Infinity"' : '"-Infinity"';
}

function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x !== "object" && typeof x !== "function") return typeof x;
  try {
    const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : typeof x;
  } catch {
    return typeof x;
  }
}

/**
 * Writes `x` as the wire format's JSON text: `tf.Tensor`s and {@linkcode TensorValue}s become
 * `$tensor`s, {@linkcode OtherValue}s `$other`s (so a decoded value is written back as it came).
 * Throws {@linkcode TooLargeError} past `limit` characters.
 */
export function encodeJson(x: unknown, limit = 8 << 20): string {
  let out = "";
  const put = (s: string) => {
    if (out.length + s.length > limit) throw new TooLargeError(limit);
    out += s;
  };
  const tensor = (dtype: string, shape: readonly number[], data: ArrayLike<number>, n: number) => {
    let count = 1;
    for (let i = 0; i < shape.length; i++) count *= shape[i];
    let dims = "";
    for (let i = 0; i < shape.length; i++) dims += (i ? ", " : "") + shape[i];
    if (count !== n) { // tfjs builds such tensors from ragged arrays without a word
      put(`{"$other":"malformed tensor (${n} values for shape [${dims}])"}`);
      return;
    }
    put('{"$tensor":{"dtype":' + stringify(`${dtype}`) + ',"shape":[');
    for (let i = 0; i < shape.length; i++) put((i ? "," : "") + numberJson(shape[i]));
    put('],"data":[');
    for (let i = 0; i < n; i++) put((i ? "," : "") + numberJson(+data[i]));
    put("]}}");
  };
  const walk = (v: unknown, depth: number) => {
    if (v === null || typeof v === "boolean") put(`${v}`);
    else if (typeof v === "number") put(isFinite(v) ? `${v}` : `{"$num":${numberJson(v)}}`);
    else if (typeof v === "string") put(stringify(v));
    else if (depth >= MAX_DEPTH) put(`{"$other":"a value nested deeper than ${MAX_DEPTH}"}`);
    else if (isArray(v)) {
      put("[");
      for (let i = 0; i < v.length; i++) {
        if (i) put(",");
        walk(v[i], depth + 1);
      }
      put("]");
    } else if (isInstance(TensorClass, v)) {
      const t = v as tf.Tensor;
      let data: ArrayLike<number>;
      try {
        data = dataSync(t);
      } catch {
        put('{"$other":"a disposed tensor"}');
        return;
      }
      tensor(t.dtype, t.shape, data, typedLength(data));
    } else if (isTensorValue(v)) tensor(v.dtype, v.shape, v.data, v.data.length);
    else if (isOtherValue(v)) put(`{"$other":${stringify(`${v.what}`)}}`);
    else put(`{"$other":${stringify(describe(v))}}`);
  };
  walk(x, 0);
  return out;
}

function isOtherValue(v: unknown): v is OtherValue {
  return typeof v === "object" && v !== null && (v as OtherValue).kind === "other";
}

function isTensorValue(v: unknown): v is TensorValue {
  return typeof v === "object" && v !== null && (v as TensorValue).kind === "tensor";
}

/** Thrown by {@linkcode decodeValue} for JSON outside the wire format. */
export class FormatError extends Error {
  /** `message` says what was wrong and where. */
  constructor(message: string) {
    super(message);
    this.name = "FormatError";
  }
}

function decodeNumber(x: unknown, where: string): number {
  if (typeof x === "number") return x;
  if (x === "NaN") return NaN;
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  throw new FormatError(`${where}: not a number`);
}

function exactKeys(x: object, keys: string[], where: string): void {
  const got = Object.keys(x).sort().join(",");
  if (got !== [...keys].sort().join(",")) throw new FormatError(`${where}: unexpected keys ${got}`);
}

function decodeTensor(x: unknown, where: string): TensorValue {
  if (typeof x !== "object" || x === null || Array.isArray(x)) {
    throw new FormatError(`${where}: malformed tensor`);
  }
  exactKeys(x, ["dtype", "shape", "data"], where);
  const { dtype, shape, data } = x as Record<string, unknown>;
  if (typeof dtype !== "string" || !DTYPES.includes(dtype)) {
    throw new FormatError(`${where}: unknown dtype`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError(`${where}: malformed shape`);
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Array.isArray(data) || data.length !== size) {
    throw new FormatError(
      `${where}: ${Array.isArray(data) ? data.length : "no"} elements for shape [${shape}]`,
    );
  }
  return { kind: "tensor", dtype, shape, data: data.map((d) => decodeNumber(d, where)) };
}

/** Reads one wire value strictly (parsed JSON in, {@linkcode Value} out); throws {@linkcode FormatError}. */
export function decodeValue(x: unknown, where = "value", depth = 0): Value {
  if (x === null || typeof x === "boolean" || typeof x === "number" || typeof x === "string") {
    return x;
  }
  if (depth > MAX_DEPTH) throw new FormatError(`${where}: nested too deep`);
  if (Array.isArray(x)) return x.map((v, i) => decodeValue(v, `${where}[${i}]`, depth + 1));
  if (typeof x !== "object") throw new FormatError(`${where}: not JSON`);
  const keys = Object.keys(x);
  if (keys.length !== 1) throw new FormatError(`${where}: unexpected object`);
  const body = (x as Record<string, unknown>)[keys[0]];
  switch (keys[0]) {
    case "$tensor":
      return decodeTensor(body, where);
    case "$num":
      return decodeNumber(body, where);
    case "$other":
      if (typeof body !== "string") throw new FormatError(`${where}: malformed $other`);
      return { kind: "other", what: body.slice(0, 80) };
    default:
      throw new FormatError(`${where}: unexpected object`);
  }
}

/** Turns the `$tensor`s of a decoded value into `tf.Tensor`s (the child's view of its inputs). */
export function toTensors(v: Value): unknown {
  if (Array.isArray(v)) return v.map(toTensors);
  if (isTensorValue(v)) return tf.tensor(v.data, v.shape, v.dtype as tf.DataType);
  return v;
}
