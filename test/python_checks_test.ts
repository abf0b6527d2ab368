// The optional Python checks on a fresh machine: where no Python has the package a check needs, the
// check is a skipped row that says which Pythons it tried and why, never a failure or a crash; one
// search (src/io/python.ts) for export --check, verify and bench: python3 on PATH, then Debian's.

import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { onnxParityChecks } from "../src/verify/parity.ts";
import { encodeRnnModel } from "../src/onnx/model.ts";
import { runOnnxChecker } from "../src/onnx/checker.ts";
import { randomParams, VOCAB } from "../src/testing.ts";
import { pathWithoutPython, pathWithPythonLacking } from "./_helpers.ts";
import { findPython } from "../src/io/python.ts";
import { delimiter, join } from "node:path";
import { existsSync } from "node:fs";

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

/** No Debian Python: a path that is not there, to stand for a machine without one. */
const NO_DEBIAN = ["python3", "/nonexistent/bin/python3"];

Deno.test({
  name:
    "onnx.checker with a python3 that lacks onnx: not available, and why (the model is not lost in a broken pipe)",
  ignore: noOnnx === undefined,
  fn: async () => {
    // A model larger than a pipe's buffer.
    const large = new Uint8Array(1 << 20);
    large.set(bytes);
    for (const model of [bytes, large]) {
      assert.deepEqual(await withPath(noOnnx!, () => runOnnxChecker(model, NO_DEBIAN)), {
        available: false,
        why: "no Python with onnx (tried python3 (no onnx package), " +
          "/nonexistent/bin/python3 (not found))",
      });
    }
  },
});

Deno.test("onnx.checker without any python3: not available, and each Python tried", async () => {
  const outcome = await withPath(await pathWithoutPython(), () => runOnnxChecker(bytes, NO_DEBIAN));
  assert.deepEqual(outcome, {
    available: false,
    why: "no Python with onnx (tried python3 (not found), /nonexistent/bin/python3 (not found))",
  });
});

const debianHasOnnx = (await findPython("onnx", ["/usr/bin/python3"])).python !== undefined;

Deno.test({
  name:
    "a python3 on PATH without onnx, Debian's with it: the checker runs in Debian's, as bench's torch does",
  ignore: noOnnx === undefined || !debianHasOnnx,
  fn: async () => {
    const search = await withPath(noOnnx!, () => findPython("onnx"));
    assert.deepEqual(search, {
      python: "/usr/bin/python3",
      tried: ["python3 (no onnx package)"],
    });
    const outcome = await withPath(noOnnx!, () => runOnnxChecker(bytes));
    assert.equal(outcome.available, true, JSON.stringify(outcome));
  },
});

Deno.test({
  name:
    "the ONNX parity checks where no Python has onnx: the checker's row is skipped with the Pythons tried, the rest pass",
  ignore: noOnnx === undefined,
  // Only the stub python3 may run: Debian's is there, but not allowed (as without --allow-run).
  permissions: {
    read: "inherit",
    write: "inherit",
    env: "inherit",
    ffi: "inherit",
    sys: "inherit",
    net: "inherit",
    run: noOnnx === undefined ? [] : [join(noOnnx.split(delimiter)[0], "python3")],
  },
  fn: async () => {
    const checks = await withPath(
      noOnnx!,
      () => onnxParityChecks({ params, vocab: VOCAB, prefixes: ["分开"], numChars: 5 }),
    );
    const [checker, ...rest] = checks;
    assert.deepEqual(checker, {
      name: "onnx.checker accepts the export (dev check)",
      status: "skip",
      measured: "no Python with onnx (tried python3 (no onnx package), " +
        "/usr/bin/python3 (" +
        (existsSync("/usr/bin/python3") ? "no --allow-run=/usr/bin/python3" : "not found") + "))",
      expected: "",
      worst: "",
    });
    // The export loads; onnxruntime's and tfjs's logits and h_n each match the float64 forward;
    // greedy generation is identical.
    assert.equal(rest.length, 6, rest.map((c) => c.name).join("\n"));
    for (const c of rest) assert.equal(c.status, "ok", `${c.name}: ${c.measured}, ${c.worst}`);
  },
});
