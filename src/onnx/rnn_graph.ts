/**
 * The chapter's RNN as an ONNX graph. The recurrence
 *
 *     H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)
 *     Y_t = H_t W_hy + b_y
 *
 * with one-hot `X_t` becomes five standard operators:
 *
 * 1. `Gather(W_xh, tokens, axis 0)`: a one-hot row times W_xh *is* W_xh's row for that token, so
 *    the input projection is a row lookup, `[seq, batch] → [seq, batch, hidden]`.
 * 2. `RNN` (tanh): ONNX computes `H_t = tanh(X_t Wᵀ + H_{t-1} Rᵀ + Wb + Rb)`. The input is already
 *    projected, so `W` is the identity; `R = W_hhᵀ` undoes the spec's transpose; `B = [b_h | 0]`.
 *    Its output `Y` is `[seq, num_directions = 1, batch, hidden]` and `Y_h` the last state.
 * 3. `Squeeze` drops the direction axis, 4. `MatMul(W_hy)` and 5. `Add(b_y)` make the logits.
 *
 * @module
 */

import type { ParamArrays } from "../model/params.ts";
import {
  FLOAT,
  floatTensor,
  INT64,
  int64Tensor,
  intAttribute,
  type O,
  stringsAttribute,
  tensorInfo,
} from "./proto.ts";

/** The graph's input and output names. */
export const GRAPH_IO = {
  /** Input: int64 `[seq, batch]` character indices. */
  tokens: "tokens",
  /** Input: float32 `[1, batch, hidden]`, the state to start from. */
  h0: "h0",
  /** Output: float32 `[seq, batch, vocab]`, `Y_t` for every step. */
  logits: "logits",
  /** Output: float32 `[1, batch, hidden]`, the state after the last step. */
  hN: "h_n",
} as const;

/** The names of the graph's dynamic dimensions. */
export const DYNAMIC_DIMS = { seq: "seq", batch: "batch" } as const;

/** The `hidden × hidden` matrix transposed (row-major in, row-major out). */
function transpose(m: Float32Array, n: number): Float32Array {
  const t = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[i * n + j] = m[j * n + i];
  return t;
}

/** The `n × n` identity. */
function identity(n: number): Float32Array {
  const eye = new Float32Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return eye;
}

/** Builds the graph of the RNN with parameters `p` (see the module doc for the mapping). */
export function rnnGraph(p: ParamArrays): O.IGraphProto {
  const [vocab, hidden] = p.W_xh.shape;
  const { seq, batch } = DYNAMIC_DIMS;
  const bias = new Float32Array(2 * hidden); // B = [Wb | Rb] = [b_h | 0]
  bias.set(p.b_h.data);
  return {
    name: "rnn_scratch",
    input: [
      tensorInfo(GRAPH_IO.tokens, INT64, [seq, batch]),
      tensorInfo(GRAPH_IO.h0, FLOAT, [1, batch, hidden]),
    ],
    output: [
      tensorInfo(GRAPH_IO.logits, FLOAT, [seq, batch, vocab]),
      tensorInfo(GRAPH_IO.hN, FLOAT, [1, batch, hidden]),
    ],
    initializer: [
      floatTensor("W_xh", [vocab, hidden], p.W_xh.data),
      floatTensor("rnn_W", [1, hidden, hidden], identity(hidden)),
      floatTensor("rnn_R", [1, hidden, hidden], transpose(p.W_hh.data, hidden)),
      floatTensor("rnn_B", [1, 2 * hidden], bias),
      floatTensor("W_hy", [hidden, vocab], p.W_hy.data),
      floatTensor("b_y", [vocab], p.b_y.data),
      int64Tensor("direction_axis", [1], [1n]),
    ],
    node: [
      {
        opType: "Gather",
        name: "input_projection",
        input: ["W_xh", GRAPH_IO.tokens],
        output: ["X"],
        attribute: [intAttribute("axis", 0)],
      },
      {
        opType: "RNN",
        name: "recurrence",
        // X, W, R, B, sequence_lens ("": every sequence is `seq` long), initial_h
        input: ["X", "rnn_W", "rnn_R", "rnn_B", "", GRAPH_IO.h0],
        output: ["Y", GRAPH_IO.hN],
        attribute: [intAttribute("hidden_size", hidden), stringsAttribute("activations", ["Tanh"])],
      },
      {
        opType: "Squeeze",
        name: "drop_direction",
        input: ["Y", "direction_axis"],
        output: ["H"],
      },
      { opType: "MatMul", name: "output_projection", input: ["H", "W_hy"], output: ["HW"] },
      { opType: "Add", name: "output_bias", input: ["HW", "b_y"], output: [GRAPH_IO.logits] },
    ],
  };
}
