// The optional Python checks on a fresh machine: where python3, or the package a check needs, is
// missing, the check is a skipped row that says why, never a failure or a crash.

import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { onnxParityChecks } from "../src/verify/parity.ts";
import { encodeRnnModel } from "../src/onnx/model.ts";
import { runOnnxChecker } from "../src/onnx/checker.ts";
import { randomParams, VOCAB } from "./_onnx_fixtures.ts";
import { pathWithoutPython, pathWithPythonLacking } from "./_helpers.ts";

await tf.setBackend("cpu");
tf.enableProdMode();

/** Runs `f` with `PATH` set to `path` (what a spawned `python3` is looked up on). */
async function withPath<T>(path: string, f: () => Promise<T>): Promise<T> {
  const saved = Deno.env.get("PATH") ?? "";
  Deno.env.set("PATH", path);
  try {
    return await f();
  } finally {
    Deno.env.set("PATH", saved);
  }
}

const params = randomParams(VOCAB.length, 6);
const bytes = encodeRnnModel(params, {});
const noOnnx = await pathWithPythonLacking(["onnx"]);

Deno.test({
  name:
    "onnx.checker with a python3 that lacks onnx: not available, and why (the model is not lost in a broken pipe)",
  ignore: noOnnx === undefined,
  fn: async () => {
    // A model larger than a pipe's buffer: python3 exits before reading it.
    const large = new Uint8Array(1 << 20);
    large.set(bytes);
    for (const model of [bytes, large]) {
      assert.deepEqual(await withPath(noOnnx!, () => runOnnxChecker(model)), {
        available: false,
        why: "python3 has no onnx package",
      });
    }
  },
});

Deno.test("onnx.checker without any python3: not available, and why", async () => {
  const outcome = await withPath(await pathWithoutPython(), () => runOnnxChecker(bytes));
  assert.deepEqual(outcome, { available: false, why: "python3 not found" });
});

Deno.test({
  name:
    "the ONNX parity checks with a python3 that lacks onnx: the checker's row is skipped with the reason, the rest pass",
  ignore: noOnnx === undefined,
  fn: async () => {
    const checks = await withPath(
      noOnnx!,
      () => onnxParityChecks({ params, vocab: VOCAB, prefixes: ["分开"], numChars: 5 }),
    );
    const [checker, ...rest] = checks;
    assert.deepEqual(checker, {
      name: "onnx.checker accepts the export (dev check)",
      status: "skip",
      measured: "python3 has no onnx package",
      expected: "",
      worst: "",
    });
    assert.equal(rest.length, 4);
    for (const c of rest) assert.equal(c.status, "ok", `${c.name}: ${c.measured}, ${c.worst}`);
  },
});
