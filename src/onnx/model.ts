/**
 * The exported model: the RNN graph ({@linkcode rnnGraph}) in a `ModelProto` with its metadata,
 * as bytes; and the same bytes read back.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };
import { UsageError } from "../errors.ts";
import type { ParamArrays } from "../model/params.ts";
import { vocabFromMetadata } from "./metadata.ts";
import { type O, onnx } from "./proto.ts";
import { rnnGraph } from "./rnn_graph.ts";

/** The ONNX IR version written: 8 (ONNX 1.10), the newest that `onnx-proto` 8.0.1 describes. */
export const IR_VERSION = 8;

/** The default-domain opset: 17 (`Squeeze` takes its axes as an input since opset 13). */
export const OPSET = 17;

/** Encodes the model with parameters `params` and metadata `metadata` as ONNX bytes. */
export function encodeRnnModel(
  params: ParamArrays,
  metadata: Record<string, string>,
): Uint8Array {
  const model: O.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "rnnlab",
    producerVersion: denoJson.version,
    docString: "RNN from scratch (Dive into Deep Learning, 2017): a character-level tanh RNN",
    graph: rnnGraph(params),
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`ModelProto: ${problem}`);
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** An exported model read back: its bytes, its decoded message, its metadata and vocabulary. */
export interface LoadedModel {
  /** The file's bytes, as onnxruntime takes them. */
  bytes: Uint8Array;
  /** The decoded `ModelProto`. */
  model: O.ModelProto;
  /** `metadata_props` as a record. */
  metadata: Record<string, string>;
  /** The vocabulary from the `vocab` metadata. */
  vocab: string[];
}

/** Decodes ONNX bytes and their metadata; `source` names them in errors. */
export function decodeRnnModel(bytes: Uint8Array, source: string): LoadedModel {
  let model: O.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new UsageError(`${source} is not an ONNX model (${(err as Error).message})`);
  }
  if (!model.graph) throw new UsageError(`${source} is not an ONNX model (it has no graph)`);
  const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  try {
    return { bytes, model, metadata, vocab: vocabFromMetadata(metadata) };
  } catch (err) {
    throw new UsageError(`${source} is not an rnnlab export: ${(err as Error).message}`);
  }
}

/** Reads an exported model file; a missing or foreign file is a one-line {@linkcode UsageError}. */
export async function readRnnModel(path: string): Promise<LoadedModel> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "not found" : (err as Error).message;
    throw new UsageError(`model ${path}: ${why}`);
  }
  return decodeRnnModel(bytes, `model ${path}`);
}
