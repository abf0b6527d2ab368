// verify's ONNX parity as deno task verify runs it: onnxruntime and tfjs against the float64 forward, with Python's
// onnx.checker (a child process) where python3 has onnx. Its in-process cases:
// src/verify/parity_test.ts.

import assert from "node:assert/strict";
import { onnxParityChecks } from "../src/verify/parity.ts";
import { selectBackend } from "../src/train/backend.ts";
import { smallRnnModel, VOCAB } from "../src/testing.ts";

const { params } = smallRnnModel(16, 3);
await selectBackend("cpu");

Deno.test("parity: onnxruntime cpu and tfjs within the derived tolerance of float64 (logits, h_n), and predictRnn's text", async () => {
  const checks = await onnxParityChecks({
    params,
    vocab: VOCAB,
    prefixes: ["分开", "不分开", "我"],
    numChars: 40,
  });
  // Every row ok, but onnx.checker's (a dev check) where python3 has no onnx: skipped, saying why.
  const failed = checks.filter((c) =>
    c.status !== "ok" && !/^python3 has no onnx/.test(c.measured)
  );
  assert.deepEqual(failed, []);
  const names = checks.map((c) => c.name).join("\n");
  for (
    const part of [
      "loads and runs",
      "onnx cpu: logits match the float64 forward",
      "onnx cpu: h_n match the float64 forward",
      "tfjs cpu: logits match the float64 forward",
      "tfjs cpu: h_n match the float64 forward",
      "from 分开",
      "from 不分开",
      "from 我",
    ]
  ) {
    assert.match(names, new RegExp(part));
  }
});
