import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { paramList, paramsFromArrays } from "../model/params.ts";
import { getInputs, rnn } from "../model/rnn.ts";
import { readGolden } from "../testing.ts";
import { goldenParams, type ModelGolden } from "../verify/goldens.ts";
import { sequenceLoss } from "./loss.ts";
import { gradClipping } from "./sgd.ts";

const g = readGolden<ModelGolden>("model.json");
await tf.setBackend("cpu");
tf.enableProdMode();

const loadParams = () => paramsFromArrays(goldenParams(g));

Deno.test("gradClipping leaves gradients bit for bit alone when the norm is exactly θ or below", () => {
  const params = loadParams();
  const state = tf.tensor2d(g.state.data, g.state.shape as [number, number]);
  const vars = paramList(params);
  const { grads } = tf.variableGrads(
    () => sequenceLoss(rnn(getInputs(g.data, g.vocab.length), state, params).outputs, g.label),
    vars,
  );
  const list = vars.map((v) => grads[v.name]);
  const norm = gradClipping(list, 1).norm.dataSync()[0];
  for (const theta of [norm, 2 * norm]) {
    gradClipping(list, theta).grads.forEach((t, i) =>
      assert.deepEqual(t.dataSync(), list[i].dataSync(), `θ=${theta}`)
    );
  }
  const halved = gradClipping(list, norm / 2).grads;
  assert.ok(Math.abs(halved[0].norm().dataSync()[0] / list[0].norm().dataSync()[0] - 0.5) < 1e-6);
});
