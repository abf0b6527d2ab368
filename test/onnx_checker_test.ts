// onnx.checker, Python's, on the export (a dev check: skipped without Python's onnx). The graph's
// own tests are src/onnx/rnn_graph_test.ts.

import assert from "node:assert/strict";
import { type O, onnx } from "../src/onnx/proto.ts";
import { runOnnxChecker } from "../src/onnx/checker.ts";
import { smallRnnModel } from "../src/testing.ts";

const H = 6;
const { bytes } = smallRnnModel(H);
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
