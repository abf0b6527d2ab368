import assert from "node:assert/strict";
import { environment } from "../run/environment.ts";
import { RUN_FORMAT, type RunRecord } from "../run/record.ts";
import { CHAPTER_PRESET } from "../train/config.ts";
import { chapterBandCheck, runBandCheck } from "./checks.ts";
import type { CurveGolden } from "./goldens.ts";
import { readGolden } from "../testing.ts";

const full = readGolden<CurveGolden>("full_curves.json").cases;

Deno.test("the recorded 200-epoch chapter runs cover both samplers with the chapter's config", () => {
  assert.deepEqual(full.map((c) => c.config.iter).sort(), ["consecutive", "random"]);
  for (const c of full) {
    assert.equal(c.perplexities.length, 200);
    const { hidden, batchSize, numSteps, lr, theta, corpusChars, predLen } = c.config;
    assert.deepEqual([hidden, batchSize, numSteps, lr, theta, corpusChars, predLen], [
      256,
      32,
      35,
      0.2,
      5,
      20000,
      100,
    ]);
    assert.deepEqual(Object.keys(c.predictions), [
      "20",
      "40",
      "60",
      "80",
      "100",
      "120",
      "140",
      "160",
      "180",
      "200",
    ]);
    for (const texts of Object.values(c.predictions)) {
      assert.deepEqual(texts.map((t) => [...t].length), [103, 104, 106]); // len(prefix) + 100 + 1
    }
  }
});

Deno.test("both 200-epoch runs stay within the stated band of the chapter's printed perplexities", () => {
  for (const c of full) {
    const check = chapterBandCheck(`curve ${c.name}`, c.config.iter, c.perplexities);
    assert.equal(
      check.status,
      "ok",
      `${check.name}: ${check.measured} vs ${check.expected}, ${check.worst}`,
    );
  }
});

Deno.test("verify --run: --state-init epoch is a setting of its own, with no chapter band (a skip with the reason)", () => {
  const record = (stateInit: "batch" | "epoch"): RunRecord => ({
    format: RUN_FORMAT,
    status: "complete",
    config: { ...CHAPTER_PRESET, epochs: 20, stateInit },
    dataset: { version: "2017", sha256: "", path: "" },
    vocab: [],
    environment: environment(),
    backend: { name: "wasm", adapter: "", reason: "" },
    trainer: "batched",
    curve: Array.from({ length: 20 }, (_, i) => ({ epoch: i + 1, perplexity: 300, seconds: 1 })),
    finalPerplexity: 300,
    predictions: [],
    startedAt: "",
    finishedAt: "",
    totalSeconds: 20,
    params: { file: "", sha256: "" },
  });
  const own = runBandCheck("runs/x", record("epoch"));
  assert.equal(own.status, "skip");
  assert.match(
    own.expected + own.measured + own.worst + own.name,
    /--state-init epoch is a setting of its own: the chapter initialises the random sampler's state per batch/,
  );
  assert.notEqual(runBandCheck("runs/x", record("batch")).status, "skip");
});
