import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { readGolden } from "../testing.ts";
import { modelChecks } from "../verify/checks.ts";
import type { ModelGolden } from "../verify/goldens.ts";
import { getInputs } from "./rnn.ts";

const g = readGolden<ModelGolden>("model.json");
await tf.setBackend("cpu");
tf.enableProdMode();

Deno.test("getInputs makes numSteps one-hot matrices of batch × vocab (In [11])", () => {
  const inputs = getInputs(g.data, g.vocab.length);
  assert.equal(inputs.length, g.data[0].length);
  assert.deepEqual(inputs[0].shape, [g.data.length, g.vocab.length]);
  assert.deepEqual(inputs[1].argMax(1).arraySync(), g.data.map((row) => row[1]));
  assert.equal(inputs[2].sum().arraySync(), g.data.length);
  tf.dispose(inputs);
});

Deno.test("rnn, the summed loss, BPTT gradients, clipping and predictRnn equal the NumPy golden", async () => {
  const checks = await modelChecks(g);
  assert.equal(checks.length, 3 + 5 + 1 + 5 + g.predictions.length);
  for (const c of checks) {
    assert.equal(c.status, "ok", `${c.name}: ${c.measured} vs ${c.expected}, ${c.worst}`);
  }
});
