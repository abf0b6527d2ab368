import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { buildVocab } from "../data/vocab.ts";
import { readGolden } from "../testing.ts";
import { goldenParams, type ModelGolden } from "../verify/goldens.ts";
import { paramsFromArrays } from "./params.ts";
import { predictRnn } from "./predict.ts";

const g = readGolden<ModelGolden>("model.json");
await tf.setBackend("cpu");
tf.enableProdMode();

const loadParams = () => paramsFromArrays(goldenParams(g));

Deno.test("predictRnn is greedy with the chapter's output length len(prefix) + numChars + 1 (In [15])", async () => {
  const params = loadParams();
  const vocab = buildVocab(g.vocab);
  for (const { prefix, numChars, text } of g.predictions) {
    const got = await predictRnn(prefix, numChars, params, vocab);
    assert.equal(got, text);
    assert.equal(got.length, prefix.length + numChars + 1);
  }
  // prefix.lower()
  assert.equal(await predictRnn("AB", 2, params, vocab), await predictRnn("ab", 2, params, vocab));
  await assert.rejects(
    predictRnn("ax", 3, params, vocab),
    /"ax" has "x" \(U\+0078\), which is not in the vocabulary/,
  );
});
