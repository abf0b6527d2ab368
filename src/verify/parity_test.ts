import assert from "node:assert/strict";
import { forwardChecks, forwardYardstick } from "./forward_check.ts";
import { onnxEngine, onnxParityChecks, parityBatch } from "./parity.ts";
import { selectBackend } from "../train/backend.ts";
import { smallRnnModel, transposed, VOCAB } from "../testing.ts";

const [V, H] = [VOCAB.length, 16];
const { params } = smallRnnModel(H, 3);
await selectBackend("cpu");

Deno.test("parity: a prefix outside the vocabulary fails its generation row", async () => {
  const [gen] = await onnxParityChecks({ params, vocab: VOCAB, prefixes: ["战"] }).then((c) =>
    c.filter((k) => k.name.includes("generation"))
  );
  assert.equal(gen.status, "FAIL");
  assert.match(gen.measured, /not in the vocabulary/);
});

Deno.test("parity: onnxruntime's rows are against float64, and an untransposed R fails them, located", async () => {
  const { tokens, h0 } = parityBatch(V, H);
  const y = forwardYardstick(params, tokens, h0);
  const batch = "(toy)";
  const right = forwardChecks("onnx cpu", await onnxEngine()(params, tokens, h0), y, batch);
  assert.deepEqual(right.map((c) => [c.name, c.status]), [
    ["onnx cpu: logits match the float64 forward (toy)", "ok"],
    ["onnx cpu: h_n match the float64 forward (toy)", "ok"],
  ]);
  const wrong = { ...params, W_hh: { ...params.W_hh, data: transposed(params.W_hh.data, H) } };
  const rows = forwardChecks("onnx cpu", await onnxEngine()(wrong, tokens, h0), y, batch);
  assert.deepEqual(rows.map((c) => c.status), ["FAIL", "FAIL"]);
  assert.match(rows[0].worst, /^\[\d+, \d+, \d+\]: /); // [step, sequence, character]
  assert.match(rows[1].worst, /^\[\d+, \d+\]: /); // [sequence, unit]
});

Deno.test("parity: a NaN, or an output of the wrong length, fails", () => {
  const { tokens, h0 } = parityBatch(V, H);
  const y = forwardYardstick(params, tokens, h0);
  const logits = Array.from(y.reference.logits);
  logits[3] = NaN;
  const [nan] = forwardChecks("e", { logits, hN: y.reference.hN }, y, "");
  assert.equal(nan.status, "FAIL");
  assert.match(nan.worst, /^\[0, 0, 3\]: NaN vs /);
  const [, short] = forwardChecks("e", { logits: y.reference.logits, hN: [0] }, y, "");
  assert.deepEqual([short.status, short.worst], ["FAIL", `1 values, not ${y.reference.hN.length}`]);
});
