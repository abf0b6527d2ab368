// deno task corpus as a user runs it; the corpus's loading and checks are src/data/corpus_test.ts.

import assert from "node:assert/strict";
import { runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

Deno.test("deno task corpus: prints the chapter's facts, and bad input is one line with exit 2", async () => {
  const ok = await runTask("corpus", ["--json"]);
  assert.equal(ok.code, EXIT.ok, ok.stderr);
  const summary = JSON.parse(ok.stdout);
  assert.equal(summary.chars, 64925);
  assert.equal(summary.vocabSize, 1465);
  const cases: [string[], RegExp][] = [
    [["--data", "/nonexistent.zip"], /^error: --data \/nonexistent\.zip: no such file or folder$/],
    [["--bogus"], /^error: unknown flag --bogus; /],
    [["--corpus-chars", "ten"], /^error: --corpus-chars must be an integer, got 'ten'$/],
    [["--dataset", "1999"], /^error: unknown --dataset 1999; known: 2017, 2018$/],
  ];
  for (const [args, pattern] of cases) {
    const bad = await runTask("corpus", args);
    assert.equal(bad.code, EXIT.usage, args.join(" "));
    assert.match(bad.stderr.trim(), pattern);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  }
  const unset = await runTask("corpus", [], {
    cwd: await Deno.makeTempDir({ prefix: "rnnlab-corpus-" }),
    env: { RNNLAB_DATA: "" },
  });
  assert.equal(unset.code, EXIT.usage);
  assert.match(unset.stderr, /^error: corpus jaychou_lyrics-2017\.txt\.zip not found; looked in: /);
});
