// verify's ONNX parity as deno task verify runs it: onnxruntime against tfjs, with Python's
// onnx.checker (a child process) where python3 has onnx. Its in-process cases:
// src/verify/parity_test.ts.

import assert from "node:assert/strict";
import { onnxParityChecks } from "../src/verify/parity.ts";
import { selectBackend } from "../src/train/backend.ts";
import { smallRnnModel, VOCAB } from "../src/testing.ts";

const { params } = smallRnnModel(16, 3);
await selectBackend("cpu");

Deno.test("parity: onnxruntime cpu equals the tfjs forward (logits, h_n ≤ 1e-5) and predictRnn", async () => {
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
      "logits equal",
      "h_n equals",
      "from 分开",
      "from 不分开",
      "from 我",
    ]
  ) {
    assert.match(names, new RegExp(part));
  }
});
