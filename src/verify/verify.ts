/**
 * `deno task verify` as a function: which groups of checks run, in what order, on which backend,
 * and what is skipped and why. The task itself only parses flags and prints the result.
 *
 * @module
 */

import type { CorpusOptions } from "../data/corpus.ts";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { checkUsable, readRunDir } from "../run/run_dir.ts";
import { onnxParityChecks } from "./parity.ts";
import type { RunRecord } from "../run/record.ts";
import { type BackendChoice, selectBackend } from "../train/backend.ts";
import type { IterKind } from "../chapter/chapter.ts";
import type { TrainedRun } from "../run/run.ts";
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
} from "./checks.ts";
import { type Check, skipCheck } from "./check.ts";
import { contractChecks } from "./contract_checks.ts";
import {
  type ChapterPrinted,
  type ContractGolden,
  type CorpusGolden,
  type CurveGolden,
  type IteratorGolden,
  type ModelGolden,
  readGoldenFile,
  type ToyBatches,
} from "./goldens.ts";
import "../train/wasm_threads.ts"; // wasm's large products on every core

/** The groups of checks, in the order they run (`--only` picks some). */
export const VERIFY_GROUPS = [
  "corpus",
  "iterators",
  "model",
  "curves",
  "contract",
  "onnx",
] as const;

/** One group of checks. */
export type VerifyGroup = typeof VERIFY_GROUPS[number];

/** What to verify. */
export interface VerifyOptions {
  /** The groups to run. */
  groups: readonly VerifyGroup[];
  /** Where to re-run: `auto` re-runs each curve on the backend that recorded it. */
  backend: BackendChoice;
  /** Also re-train the 200-epoch curves of `full_curves.json`. */
  full: boolean;
  /** Every trainer on every contract case (else the fastest on every case, the others on one per sampler). */
  allTrainers: boolean;
  /** The golden folder. */
  goldenDir: string;
  /** Where the corpus comes from. */
  corpus: CorpusOptions;
  /** Recorded runs (`--run DIR`) to set beside the chapter's printed perplexities. */
  runs: { dir: string; record: RunRecord }[];
  /** Progress lines (stderr in the task). */
  log: (line: string) => void;
}

/** The table's rows, and the lines that set curves beside the chapter's. */
export interface VerifyResult {
  /** One row per check. */
  checks: Check[];
  /** Per curve set beside the chapter: a title, one line per printed epoch, a blank line. */
  chapterComparison: string[];
}

/** The recorded curve whose trained parameters the ONNX parity checks export. */
const ONNX_CASE = "chapter-random-2-epochs";

/**
 * The trained model's folder under `golden/`: a run of `deno task train` in the chapter's regime
 * (golden/README.md), whose export is checked as `deno task export --check` checks a user's.
 */
export const TRAINED_MODEL = "trained_small";

/**
 * The ONNX parity checks: on the parameters of the 2-epoch chapter curve (`forOnnx`, trained here
 * when the curves group did not run) and on the trained model of `golden/`.
 */
async function onnxChecks(
  dir: string,
  forOnnx: TrainedRun | undefined,
  corpus: CorpusOptions,
  log: (line: string) => void,
): Promise<Check[]> {
  if (!forOnnx) {
    const c = readGoldenFile<CurveGolden>(dir, "curves.json").cases.find((c) =>
      c.name === ONNX_CASE
    );
    if (!c) throw new UsageError(`golden curves.json has no case ${ONNX_CASE}`);
    log(`training ${ONNX_CASE} on ${c.backend} for the ONNX parity checks…`);
    forOnnx = (await curveChecks(c, c.backend, corpus)).run;
  }
  log("checking the ONNX export in onnxruntime (cpu) and tfjs against float64…");
  await selectBackend("cpu");
  const trainedDir = join(dir, TRAINED_MODEL);
  const trained = await readRunDir(trainedDir);
  checkUsable(trainedDir, trained.record, trained.params);
  return [
    ...await onnxParityChecks({
      params: forOnnx.params,
      vocab: forOnnx.record.vocab,
      prefixes: forOnnx.record.config.prefixes,
    }),
    ...await onnxParityChecks({
      params: trained.params,
      vocab: trained.record.vocab,
      prefixes: trained.record.config.prefixes,
      model: `golden ${TRAINED_MODEL}`,
    }),
  ];
}

/** Runs the checks `options` ask for, group by group (see {@linkcode VERIFY_GROUPS}). */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const { groups, backend, goldenDir: dir, corpus, log } = options;
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
  const beside = (label: string, iter: IterKind, perplexities: number[]) =>
    comparisons.push(
      `${label}: the chapter (MXNet, 2017) beside this run`,
      ...chapterComparison(iter, perplexities),
      "",
    );
  let forOnnx: TrainedRun | undefined;
  const curveFiles = [
    ...(groups.includes("curves") ? ["curves.json"] : []),
    ...(options.full ? ["full_curves.json"] : []),
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
  if (groups.includes("contract")) {
    const golden = readGoldenFile<ContractGolden>(dir, "contract_curves.json");
    checks.push(
      ...await contractChecks(golden, { backend, allTrainers: options.allTrainers, corpus, log }),
    );
  }
  if (groups.includes("onnx")) checks.push(...await onnxChecks(dir, forOnnx, corpus, log));
  for (const { dir, record } of options.runs) {
    const check = runBandCheck(dir, record);
    checks.push(check);
    if (check.status !== "skip") {
      beside(`run ${dir}`, record.config.iter, record.curve.map((r) => r.perplexity));
    }
  }
  return { checks, chapterComparison: comparisons };
}
