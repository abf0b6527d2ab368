import assert from "node:assert/strict";
import { forward } from "../infer/forward.ts";
import { compareArrays, onnxParityChecks, parityBatch } from "./parity.ts";
import { openRnnSession } from "../infer/session.ts";
import { METADATA_KEYS } from "../onnx/metadata.ts";
import { encodeRnnModel } from "../onnx/model.ts";
import { selectBackend } from "../train/backend.ts";
import { smallRnnModel, transposed, VOCAB } from "../testing.ts";

const [V, H] = [VOCAB.length, 16];
const { params, bytes } = smallRnnModel(H, 3);
await selectBackend("cpu");

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
  }, { [METADATA_KEYS.vocab]: JSON.stringify(VOCAB) });
  const { tokens, h0 } = parityBatch(V, H);
  const [a, b] = await Promise.all([bytes, wrong].map(async (m) => {
    const s = await openRnnSession(m, "cpu");
    const out = await forward(s.session, tokens, h0);
    await s.session.release();
    return out.logits;
  }));
  assert.equal(compareArrays("logits", b, a, [tokens.length, tokens[0].length, V]).status, "FAIL");
});
