import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { decodeValue, encodeJson, FormatError, type TensorValue } from "./codec.ts";

const t = (dtype: string, shape: number[], data: number[]): TensorValue => ({
  kind: "tensor",
  dtype,
  shape,
  data,
});
const roundTrip = (x: unknown) => decodeValue(JSON.parse(encodeJson(x)));

Deno.test("the wire format carries tensors, non-finite numbers and describes the rest", () => {
  tf.enableProdMode();
  assert.deepEqual(
    roundTrip([tf.tensor2d([[1, 2]], [1, 2], "int32"), NaN, -Infinity, "分开", null]),
    [
      t("int32", [1, 2], [1, 2]),
      NaN,
      -Infinity,
      "分开",
      null,
    ],
  );
  assert.deepEqual(roundTrip(tf.tensor1d([NaN, Infinity])), t("float32", [2], [NaN, Infinity]));
  assert.deepEqual(roundTrip([Promise.resolve(1), undefined, { a: 1 }]), [
    { kind: "other", what: "Promise" },
    { kind: "other", what: "undefined" },
    { kind: "other", what: "Object" },
  ]);
  const ragged = tf.tensor2d([[1, 2, 3], [4, 5]] as unknown as number[][]);
  assert.match(
    (roundTrip(ragged) as { what: string }).what,
    /malformed tensor \(5 values for shape \[2, 3\]\)/,
  );
  assert.throws(() => encodeJson(new Array(100).fill(1), 50), /larger than 50 characters/);
  // A decoded value is written back as it came, descriptions included.
  const decoded = roundTrip([ragged, t("int32", [1], [3]), NaN]);
  assert.deepEqual(roundTrip(decoded), decoded);
});

Deno.test("the grader's reader refuses anything outside the wire format", () => {
  const bad: [unknown, RegExp][] = [
    [{ $tensor: { dtype: "float64", shape: [1], data: [1] } }, /unknown dtype/],
    [{ $tensor: { dtype: "int32", shape: [2], data: [1] } }, /1 elements for shape \[2\]/],
    [{ $tensor: { dtype: "int32", shape: [1], data: [1], extra: 1 } }, /unexpected keys/],
    [{ score: 100 }, /unexpected object/],
    [{ $num: "1e999" }, /not a number/],
  ];
  for (const [json, message] of bad) {
    assert.throws(
      () => decodeValue(json),
      (e) => e instanceof FormatError && message.test(e.message),
    );
  }
});
