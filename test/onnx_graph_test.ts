import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { forward } from "../src/infer/forward.ts";
import { METADATA_KEYS, vocabFromMetadata } from "../src/onnx/metadata.ts";
import { decodeRnnModel, encodeRnnModel, IR_VERSION, OPSET } from "../src/onnx/model.ts";
import { type O, onnx } from "../src/onnx/proto.ts";
import { runOnnxChecker } from "../src/onnx/checker.ts";
import { UsageError } from "../src/errors.ts";
import { randomParams, transposed, VOCAB } from "./_onnx_fixtures.ts";

const V = VOCAB.length;
const H = 6;
const params = randomParams(V, H);
const bytes = encodeRnnModel(params, { [METADATA_KEYS.vocab]: JSON.stringify(VOCAB) });
const model = onnx.ModelProto.decode(bytes);
const graph = model.graph as O.GraphProto;

/** A value's element type and dims, a dynamic dim by its name. */
function signature(v: O.IValueInfoProto) {
  const t = v.type!.tensorType!;
  return {
    name: v.name,
    elemType: t.elemType,
    dims: t.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue)),
  };
}

/** An initializer's float values. */
function floats(name: string): { dims: number[]; data: Float32Array } {
  const t = graph.initializer.find((i) => i.name === name) as O.TensorProto;
  const raw = Uint8Array.from(t.rawData); // a copy: protobufjs decodes into views of one buffer
  return { dims: t.dims.map(Number), data: new Float32Array(raw.buffer) };
}

Deno.test("graph: tokens int64 [seq, batch], h0 float32 [1, batch, hidden] in; logits, h_n out", () => {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  assert.deepEqual(graph.input.map(signature), [
    { name: "tokens", elemType: INT64, dims: ["seq", "batch"] },
    { name: "h0", elemType: FLOAT, dims: [1, "batch", H] },
  ]);
  assert.deepEqual(graph.output.map(signature), [
    { name: "logits", elemType: FLOAT, dims: ["seq", "batch", V] },
    { name: "h_n", elemType: FLOAT, dims: [1, "batch", H] },
  ]);
  assert.equal(Number(model.irVersion), IR_VERSION);
  assert.deepEqual(model.opsetImport.map((o) => [o.domain, Number(o.version)]), [["", OPSET]]);
});

Deno.test("graph: Gather(W_xh) → RNN(W = I, R = W_hhᵀ, B = [b_h | 0]) → Squeeze → MatMul → Add", () => {
  assert.deepEqual(graph.node.map((n) => n.opType), ["Gather", "RNN", "Squeeze", "MatMul", "Add"]);
  const rnn = graph.node[1] as O.NodeProto;
  const attr = Object.fromEntries(rnn.attribute.map((a) => [a.name, a as O.AttributeProto]));
  assert.equal(Number(attr.hidden_size.i), H);
  assert.deepEqual(attr.activations.strings.map((s: Uint8Array) => new TextDecoder().decode(s)), [
    "Tanh",
  ]);
  assert.deepEqual(rnn.input, ["X", "rnn_W", "rnn_R", "rnn_B", "", "h0"]);
  assert.deepEqual(rnn.output, ["Y", "h_n"]);
  assert.deepEqual(floats("W_xh"), { dims: [V, H], data: params.W_xh.data });
  const eye = Float32Array.from({ length: H * H }, (_, k) => k % (H + 1) === 0 ? 1 : 0);
  assert.deepEqual(floats("rnn_W"), { dims: [1, H, H], data: eye });
  assert.deepEqual(floats("rnn_R"), { dims: [1, H, H], data: transposed(params.W_hh.data, H) });
  const bias = new Float32Array(2 * H);
  bias.set(params.b_h.data);
  assert.deepEqual(floats("rnn_B"), { dims: [1, 2 * H], data: bias });
  assert.deepEqual(floats("W_hy"), { dims: [H, V], data: params.W_hy.data });
  assert.deepEqual(floats("b_y"), { dims: [V], data: params.b_y.data });
});

Deno.test("onnxruntime sees the same signature and runs any seq and batch", async () => {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
  const shapes = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
    m.map((v) => [v.name, v.isTensor ? v.shape : null]);
  assert.deepEqual(shapes(session.inputMetadata), [["tokens", ["seq", "batch"]], ["h0", [
    1,
    "batch",
    H,
  ]]]);
  assert.deepEqual(shapes(session.outputMetadata), [["logits", ["seq", "batch", V]], ["h_n", [
    1,
    "batch",
    H,
  ]]]);
  for (const [seq, batch] of [[1, 1], [3, 2], [7, 5]]) {
    const tokens = Array.from(
      { length: seq },
      (_, t) => Array.from({ length: batch }, (_, b) => (t + b) % V),
    );
    const out = await forward(session, tokens, new Float32Array(batch * H));
    assert.equal(out.logits.length, seq * batch * V);
    assert.equal(out.hN.length, batch * H);
  }
  await session.release();
});

Deno.test("metadata: the vocabulary reads back from the file alone; foreign files are one-line errors", () => {
  const loaded = decodeRnnModel(bytes, "model m.onnx");
  assert.deepEqual(loaded.vocab, VOCAB);
  assert.deepEqual(loaded.metadata, { vocab: JSON.stringify(VOCAB) });
  assert.throws(() => decodeRnnModel(new TextEncoder().encode("{}\n"), "model x"), UsageError);
  const bare = encodeRnnModel(params, {});
  assert.throws(
    () => decodeRnnModel(bare, "model y"),
    /model y is not an rnnlab export: it has no 'vocab'/,
  );
  for (const bad of ["[", "[1, 2]", '["ab"]', '["a", "a"]', "[]"]) {
    assert.throws(() => vocabFromMetadata({ vocab: bad }), RangeError, bad);
  }
});

const hasPythonOnnx =
  (await new Deno.Command("python3", { args: ["-c", "import onnx"], stderr: "null" })
    .output().catch(() => ({ success: false }))).success;

Deno.test({
  name: "onnx.checker (full check) accepts the export (dev check: needs Python's onnx)",
  ignore: !hasPythonOnnx,
  fn: async () => {
    const outcome = await runOnnxChecker(bytes);
    assert.deepEqual(outcome.available && outcome.ok, true, JSON.stringify(outcome));
    const broken = onnx.ModelProto.decode(bytes);
    (broken.graph as O.GraphProto).node[1].input![2] = "no_such_tensor";
    const verdict = await runOnnxChecker(onnx.ModelProto.encode(broken).finish());
    assert.equal(verdict.available && verdict.ok, false);
  },
});
