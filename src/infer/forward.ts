/**
 * One call of the exported graph in onnxruntime: character indices and a starting state in, the
 * logits of every step and the last state out.
 *
 * @module
 */

import * as ort from "onnxruntime-node";
import { GRAPH_IO } from "../onnx/rnn_graph.ts";

/** The graph's outputs as plain arrays. */
export interface ForwardResult {
  /** `[seq, batch, vocab]`, row-major. */
  logits: Float32Array;
  /** `[1, batch, hidden]`: the state after the last step. */
  hN: Float32Array;
}

/**
 * Runs the graph on `tokens` (`tokens[t][b]`: step t of sequence b) from the state `h0`
 * (`batch × hidden`, row-major).
 */
export async function forward(
  session: ort.InferenceSession,
  tokens: readonly (readonly number[])[],
  h0: Float32Array,
): Promise<ForwardResult> {
  const seq = tokens.length;
  const batch = tokens[0].length;
  const hidden = h0.length / batch;
  const flat = BigInt64Array.from(tokens.flat(), (i) => BigInt(i));
  const out = await session.run({
    [GRAPH_IO.tokens]: new ort.Tensor("int64", flat, [seq, batch]),
    [GRAPH_IO.h0]: new ort.Tensor("float32", h0, [1, batch, hidden]),
  });
  return {
    logits: out[GRAPH_IO.logits].data as Float32Array,
    hN: out[GRAPH_IO.hN].data as Float32Array,
  };
}
