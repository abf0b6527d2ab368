import assert from "node:assert/strict";
import { UsageError } from "../src/errors.ts";
import { vocabFromList } from "../src/data/vocab.ts";
import { hasCudaProvider } from "../src/infer/cuda_setup.ts";
import { forward } from "../src/infer/forward.ts";
import { argmax } from "../src/infer/generate.ts";
import { compareArrays, onnxParityChecks, parityBatch } from "../src/verify/parity.ts";
import { AUTO_ORDER, failureReason, openRnnSession } from "../src/infer/session.ts";
import { greedyFeed } from "../src/model/predict.ts";
import { METADATA_KEYS } from "../src/onnx/metadata.ts";
import { encodeRnnModel } from "../src/onnx/model.ts";
import { selectBackend } from "../src/train/backend.ts";
import { randomParams, transposed, VOCAB } from "./_onnx_fixtures.ts";

const V = VOCAB.length;
const H = 16;
const params = randomParams(V, H, 3);
const meta = { [METADATA_KEYS.vocab]: JSON.stringify(VOCAB) };
const bytes = encodeRnnModel(params, meta);
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

Deno.test("parity: a difference beyond 1e-5 fails and is located; a prefix outside the vocabulary fails", async () => {
  const ref = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 10);
  const near = ref.map((x, i) => i === 5 ? x + 9e-6 : x);
  assert.equal(compareArrays("x", near, ref, [2, 3, 4]).status, "ok");
  const off = ref.map((x, i) => i === 17 ? x + 2e-5 : x); // [1, 1, 1]
  const check = compareArrays("x", off, ref, [2, 3, 4]);
  assert.equal(check.status, "FAIL");
  assert.match(check.worst!, /^\[1, 1, 1\]: /);
  const nan = compareArrays("x", ref.map((x, i) => i === 3 ? NaN : x), ref, [2, 3, 4]);
  assert.deepEqual([nan.status, nan.worst], [
    "FAIL",
    `[0, 0, 3]: onnxruntime NaN vs tfjs ${ref[3]}`,
  ]);
  const [gen] = await onnxParityChecks({ params, vocab: VOCAB, prefixes: ["战"] }).then((c) =>
    c.filter((k) => k.name.includes("generation"))
  );
  assert.equal(gen.status, "FAIL");
  assert.match(gen.measured, /not in the vocabulary/);
});

Deno.test("parity is sensitive to the RNN layout: an untransposed R changes the logits", async () => {
  const wrong = encodeRnnModel({
    ...params,
    W_hh: { ...params.W_hh, data: transposed(params.W_hh.data, H) },
  }, meta);
  const { tokens, h0 } = parityBatch(V, H);
  const [a, b] = await Promise.all([bytes, wrong].map(async (m) => {
    const s = await openRnnSession(m, "cpu");
    const out = await forward(s.session, tokens, h0);
    await s.session.release();
    return out.logits;
  }));
  assert.equal(compareArrays("logits", b, a, [tokens.length, tokens[0].length, V]).status, "FAIL");
});

Deno.test("greedyFeed: feeds the prefix, then the argmax; len(prefix) + numChars + 1 characters", () => {
  const vocab = vocabFromList(VOCAB);
  const feed = greedyFeed("不分开", 4, vocab);
  const fed: number[] = [];
  let step = feed.next();
  while (!step.done) {
    fed.push(step.value);
    step = feed.next(vocab.charToIdx.get("我")!); // the engine always answers 我
  }
  const idx = (s: string) => Array.from(s, (c) => vocab.charToIdx.get(c)!);
  assert.deepEqual(fed, idx("不分开我我我我"));
  assert.equal(step.value, "不分开我我我我我");
  assert.throws(() => greedyFeed("战", 1, vocab).next(), RangeError);
  assert.equal(argmax(Float32Array.of(1, 3, 3, 2)), 1); // the first of equal maxima, as tfjs
});

Deno.test("providers: auto tries cuda, then webgpu, then cpu, and says why each was skipped", async () => {
  const s = await openRnnSession(bytes, "auto");
  const tried = [...s.skipped.map((k) => k.ep), s.ep];
  assert.deepEqual(tried, AUTO_ORDER.slice(0, tried.length));
  for (const k of s.skipped) assert.ok(k.reason.length > 0 && !k.reason.includes("\n"));
  if (!hasCudaProvider()) {
    assert.match(s.skipped[0].reason, /Cuda: Failed to load shared library/);
  }
  await s.session.release();
});

Deno.test({
  name: "providers: --ep cuda without the CUDA provider is a one-line usage error",
  ignore: hasCudaProvider(),
  fn: async () => {
    await assert.rejects(openRnnSession(bytes, "cuda"), (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(
        err.message,
        /^--ep cuda is unavailable here \(.*Failed to load shared library; deno task setup:cuda installs the provider\)$/,
      );
      return true;
    });
    const cpu = await openRnnSession(bytes, "cpu");
    assert.deepEqual([cpu.ep, cpu.skipped, cpu.hidden], ["cpu", [], H]);
    await cpu.session.release();
  },
});

Deno.test("failureReason keeps the message of onnxruntime's failed-check errors", () => {
  const err = new Error(
    "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:100 " +
      "onnxruntime::webgpu::WebGpuContext::Initialize(const Config&)::<lambda()> " +
      "status == Success was false. Failed to get a WebGPU adapter: No supported adapters\nmore",
  );
  assert.equal(failureReason(err), "Failed to get a WebGPU adapter: No supported adapters");
  assert.equal(failureReason("plain"), "plain");
});
