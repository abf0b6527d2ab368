import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { buildVocab, vocabFromList } from "../data/vocab.ts";
import { argmax } from "../infer/generate.ts";
import { readGolden, VOCAB } from "../testing.ts";
import { goldenParams, type ModelGolden } from "../verify/goldens.ts";
import { paramsFromArrays } from "./params.ts";
import { greedyFeed, predictRnn } from "./predict.ts";

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
