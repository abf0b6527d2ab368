import assert from "node:assert/strict";
import { readGolden } from "../testing.ts";
import { selectBackend } from "../train/backend.ts";
import { forwardMargins, forwardYardstick } from "./forward_check.ts";
import { goldenParams, type ModelGolden } from "./goldens.ts";
import { MUTATIONS } from "./mutations.ts";
import { tfjsEngine } from "./parity.ts";

const g = readGolden<ModelGolden>("model.json");
const params = goldenParams(g);
const tokens = g.data[0].map((_, t) => g.data.map((row) => row[t]));
const h0 = Float32Array.from(g.state.data);
await selectBackend("cpu");

Deno.test("verify's model rows: tfjs passes on golden/model.json, and every mutation fails there", async () => {
  const y = forwardYardstick(params, tokens, h0);
  const margin = (out: Parameters<typeof forwardMargins>[0]) => {
    const m = forwardMargins(out, y);
    return Math.max(m.logits.ratio, m.hN.ratio);
  };
  assert.ok(margin(await tfjsEngine(params, tokens, h0)) <= 1);
  for (const [name, mutation] of Object.entries(MUTATIONS)) {
    const m = margin(await mutation.run(tfjsEngine, params, tokens, h0));
    assert.ok(m > 1, `${name}: ${m}`);
  }
});
