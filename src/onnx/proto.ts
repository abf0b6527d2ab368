/**
 * The ONNX schema as JavaScript objects, from the `onnx-proto` package (protobufjs code generated
 * from `onnx.proto`), and the few builders the exporter needs: tensors, typed graph inputs and
 * outputs, node attributes.
 *
 * `onnx-proto` is a CommonJS module: its namespace must be taken from the default import
 * (`import { onnx } from "onnx-proto"` type-checks but is `undefined` at run time).
 *
 * @module
 */

import onnxProto from "onnx-proto";
import type { onnx as O } from "onnx-proto";

/** The `onnx` protobuf namespace: `ModelProto`, `TensorProto`, … with `encode`/`decode`. */
export const onnx = onnxProto.onnx;

/** The plain-object shapes of the ONNX messages (`IModelProto`, `ITensorProto`, …). */
export type { O };

/** `TensorProto.DataType.FLOAT`: float32. */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** `TensorProto.DataType.INT64`: int64. */
export const INT64 = onnx.TensorProto.DataType.INT64;

/** A float32 initializer; its values travel as little-endian `raw_data`. */
export function floatTensor(name: string, dims: number[], data: Float32Array): O.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(`tensor ${name}: dims [${dims}] need ${count} values, got ${data.length}`);
  }
  // A copy, so that a view into a larger buffer contributes only its own bytes.
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.slice().buffer) };
}

/** An int64 initializer. */
export function int64Tensor(name: string, dims: number[], data: readonly bigint[]): O.ITensorProto {
  return { name, dims, dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(data).buffer) };
}

/** A graph input or output: element type and shape, where a string names a dynamic dimension. */
export function tensorInfo(
  name: string,
  elemType: number,
  dims: (number | string)[],
): O.IValueInfoProto {
  const dim = dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d });
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** An integer node attribute. */
export function intAttribute(name: string, i: number): O.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

/** A list-of-strings node attribute (UTF-8 bytes on the wire). */
export function stringsAttribute(name: string, strings: string[]): O.IAttributeProto {
  const utf8 = new TextEncoder();
  return {
    name,
    type: onnx.AttributeProto.AttributeType.STRINGS,
    strings: strings.map((s) => utf8.encode(s)),
  };
}
