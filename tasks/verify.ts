/**
 * `deno task verify`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { choiceFlag, parseFlags } from "../src/cli/flags.ts";
import { UsageError } from "../src/cli/errors.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { onnxParityChecks } from "../src/infer/parity.ts";
import { staleModelWarnings } from "../src/onnx/run_model.ts";
import { readRunDir } from "../src/run/run_dir.ts";
import type { TrainConfig } from "../src/train/config.ts";
import type { TrainedRun } from "../src/run/run.ts";
import { BACKEND_CHOICES, selectBackend } from "../src/train/backend.ts";
import { type Check, renderTable, skipCheck } from "../src/verify/compare.ts";
import {
  chapterBandCheck,
  chapterBatchChecks,
  chapterComparison,
  chapterCorpusCheck,
  chapterSized,
  corpusChecks,
  curveChecks,
  iteratorChecks,
  modelChecks,
  runBandCheck,
} from "../src/verify/checks.ts";
import {
  type ChapterPrinted,
  type CorpusGolden,
  type CurveGolden,
  type IteratorGolden,
  type ModelGolden,
  readGoldenFile,
  type ToyBatches,
} from "../src/verify/goldens.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno task verify [--backend auto|webgpu|wasm|cpu] [--full] [--json]
                 [--only corpus,iterators,model,curves,onnx] [--golden DIR] [--data PATH]
                 [--run DIR ...]

Re-runs what it can and compares it with the goldens in golden/, printing one row per check
(measured, expected, worst difference) and exiting 1 on any failure.

Without --backend, each recorded curve re-runs on the backend that recorded it. --full re-trains
the two 200-epoch chapter curves (about 45 and 16 minutes on wasm here). The onnx group exports the
parameters of the 2-epoch chapter run (trained by the curves group, or for it) and checks
onnxruntime (cpu) against tfjs.

--run DIR (repeatable) sets a run that deno task train --out DIR recorded beside the chapter's
printed perplexities (the ×1.15 band of --full, at each printed epoch the run reached), for runs of
the chapter's setting on any backend or trainer; with --run and no --only, only the runs are
checked (and a model.onnx in one that no longer matches its parameters is warned about).

${PATHS_HELP}`;

const GROUPS = ["corpus", "iterators", "model", "curves", "onnx"] as const;

/** The recorded curve whose trained parameters the ONNX parity checks export. */
const ONNX_CASE = "chapter-random-2-epochs";

async function main(args: string[]) {
  const flags = parseFlags(args, {
    backend: { type: "string", default: "auto" },
    full: { type: "boolean" },
    json: { type: "boolean" },
    only: { type: "string" },
    golden: { type: "string" },
    data: { type: "string" },
    run: { type: "string", multiple: true },
  });
  const backend = choiceFlag("backend", flags.backend, BACKEND_CHOICES);
  const runs = (flags.run ?? []).map(userPath);
  const groups = (flags.only?.split(",") ?? (runs.length ? [] : GROUPS))
    .map((g) => choiceFlag("only", g, GROUPS));
  const recorded = await Promise.all(runs.map(async (dir) => ({ dir, ...await readRunDir(dir) })));
  const dir = flags.golden === undefined ? "golden" : userPath(flags.golden);
  const corpus = { data: flags.data === undefined ? undefined : userPath(flags.data) };
  const log = (line: string) => console.error(line);
  (await staleModelWarnings(runs)).forEach((w) => log(`warning: ${w}`));
  const checks: Check[] = [];

  if (groups.includes("corpus")) {
    log("checking the corpus and vocabulary…");
    checks.push(...await corpusChecks(readGoldenFile<CorpusGolden>(dir, "corpus.json"), corpus));
    const printed = readGoldenFile<ChapterPrinted>(dir, "chapter_printed.json");
    checks.push(await chapterCorpusCheck(printed, corpus));
  }
  if (groups.includes("iterators")) {
    log("checking the samplers…");
    checks.push(
      ...chapterBatchChecks(readGoldenFile<ToyBatches>(dir, "chapter_toy_batches.json")),
      ...iteratorChecks(readGoldenFile<IteratorGolden>(dir, "iterators.json")),
    );
  }
  if (groups.includes("model")) {
    const info = await selectBackend(backend === "auto" ? "wasm" : backend);
    log(`checking the model on ${info.name}…`);
    checks.push(
      ...(await modelChecks(readGoldenFile<ModelGolden>(dir, "model.json"))).map((c) => ({
        ...c,
        name: `${c.name} (${info.name})`,
      })),
    );
  }
  const comparisons: string[] = [];
  /** Sets a curve beside the chapter's printed one, in the lines after the table. */
  const beside = (label: string, iter: TrainConfig["iter"], perplexities: number[]) =>
    comparisons.push(
      `${label}: the chapter (MXNet, 2017) beside this run`,
      ...chapterComparison(iter, perplexities),
      "",
    );
  let forOnnx: TrainedRun | undefined;
  const curveFiles = [
    ...(groups.includes("curves") ? ["curves.json"] : []),
    ...(flags.full ? ["full_curves.json"] : []),
  ];
  for (const file of curveFiles) {
    for (const c of readGoldenFile<CurveGolden>(dir, file).cases) {
      const on = backend === "auto" ? c.backend : backend;
      if (on === "cpu" && c.backend !== "cpu" && chapterSized(c.config)) {
        const why = "the cpu backend is far too slow for the chapter config; use wasm";
        checks.push(skipCheck(`curve ${c.name} on cpu`, why));
        continue;
      }
      log(
        `re-training curve ${c.name} on ${on} (${c.config.epochs} epochs, ~${
          Math.ceil(c.secondsPerEpoch * c.config.epochs)
        } s when recorded)…`,
      );
      const result = await curveChecks(c, on, corpus);
      checks.push(...result.checks);
      if (c.name === ONNX_CASE) forOnnx = result.run;
      if (file === "full_curves.json") {
        checks.push(chapterBandCheck(`curve ${c.name}`, c.config.iter, result.perplexities));
        beside(c.name, c.config.iter, result.perplexities);
      }
    }
  }
  if (groups.includes("onnx")) {
    if (!forOnnx) {
      const c = readGoldenFile<CurveGolden>(dir, "curves.json").cases.find((c) =>
        c.name === ONNX_CASE
      );
      if (!c) throw new UsageError(`golden curves.json has no case ${ONNX_CASE}`);
      log(`training ${ONNX_CASE} on ${c.backend} for the ONNX parity checks…`);
      forOnnx = (await curveChecks(c, c.backend, corpus)).run;
    }
    log("checking the ONNX export in onnxruntime (cpu) against tfjs…");
    await selectBackend("cpu");
    checks.push(
      ...await onnxParityChecks({
        params: forOnnx.params,
        vocab: forOnnx.record.vocab,
        prefixes: forOnnx.record.config.prefixes,
      }),
    );
  }
  for (const { dir, record } of recorded) {
    const check = runBandCheck(dir, record);
    checks.push(check);
    if (check.status !== "skip") {
      beside(`run ${dir}`, record.config.iter, record.curve.map((r) => r.perplexity));
    }
  }
  if (flags.json) {
    console.log(JSON.stringify({ checks, chapterComparison: comparisons }, null, 2));
  } else {
    console.log(renderTable(checks));
    if (comparisons.length) console.log(["", ...comparisons].join("\n"));
  }
  return checks.some((c) => c.status === "FAIL") ? 1 : 0;
}

await runMain(main, USAGE);
