import assert from "node:assert/strict";
import { trainingData } from "../data/read_corpus.ts";
import { UsageError } from "../errors.ts";
import { tinyConfig } from "../testing.ts";
import { checkConfigAgainstData } from "./preflight.ts";

const source = { path: "test.zip", sha256: "0".repeat(64), dataset: undefined };

Deno.test("a corpus of one distinct character is refused before any work, in one line", () => {
  for (const text of ["a".repeat(3000), "分".repeat(700), " \n".repeat(400)]) {
    const data = trainingData({ text, source }, 600);
    assert.equal(data.vocab.idxToChar.length, 1);
    const config = tinyConfig({ prefixes: [data.vocab.idxToChar[0]] });
    assert.throws(() => checkConfigAgainstData(config, data), (err) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /^the corpus has 1 distinct character \(".+"\) in its first 600; /);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  }
  const two = trainingData({ text: "ab".repeat(300), source }, 600);
  checkConfigAgainstData(tinyConfig({ prefixes: ["a"] }), two);
});
