/**
 * One whole training run as `deno task train` performs it: check everything that can be checked
 * before training (corpus, prefixes, batch sizes, backend, output folder), train, and record the
 * run. Shared by `deno task train` and `deno task verify`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../cli/errors.ts";
import { type CorpusOptions, loadTrainingData, type TrainingData } from "../data/corpus.ts";
import { consecutiveEpochSize, randomEpochSize } from "../data/iterators.ts";
import { disposeParams, type ParamArrays, paramsToArrays } from "../model/params.ts";
import { checkPrefix, predictRnn } from "../model/predict.ts";
import { perplexitySvg } from "../report/plot.ts";
import { Progress } from "../report/progress.ts";
import { checkOutDir, type RunRecord, writeRunDir } from "./run_dir.ts";
import { type BackendChoice, type BackendInfo, selectBackend } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import { type TrainerName, TRAINERS } from "../train/trainers.ts";
import { type EpochRecord, trainAndPredictRnn } from "../train/train.ts";

/** What a run needs besides its config. */
export interface RunOptions {
  /** Where the corpus comes from. */
  corpus: CorpusOptions;
  /** `--backend`. */
  backend: BackendChoice;
  /** `--trainer` (default `reference`); `fused` needs the backend to resolve to webgpu. */
  trainer?: TrainerName;
  /** The output folder, or `undefined` to write nothing. */
  out?: string;
  /** Where the chapter's lines go (stdout, or stderr under `--json`; nothing in tests). */
  print?: (line: string) => void;
  /** Progress reporting on stderr (off in tests). */
  progress?: boolean;
  /** The chapter's printed curve, drawn beside this run's in the plot. */
  chapterCurve?: { epoch: number; perplexity: number }[];
}

/** Checks the parts of a config that depend on the data, as one-line usage errors. */
export function checkConfigAgainstData(config: TrainConfig, data: TrainingData): void {
  try {
    const size = config.iter === "random" ? randomEpochSize : consecutiveEpochSize;
    size(data.indices.length, config.batchSize, config.numSteps);
    for (const prefix of config.prefixes) checkPrefix(prefix, data.vocab);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

/** The chapter's line for a printed epoch: `Epoch 20. Perplexity 219.426268`, then ` -  <text>`. */
export function chapterLines(record: EpochRecord): string[] {
  return [
    `Epoch ${record.epoch}. Perplexity ${record.perplexity.toFixed(6)}`,
    ...(record.predictions ?? []).map((p) => ` -  ${p}`),
    "",
  ];
}

/** A finished run: its record and its trained parameters. */
export interface TrainedRun {
  /** What `run.json` holds (`params.file` is empty when nothing was written). */
  record: RunRecord;
  /** The trained parameters. */
  params: ParamArrays;
}

/** Runs training end to end and returns the run (written to `opts.out` when set). */
export async function runTraining(config: TrainConfig, opts: RunOptions): Promise<TrainedRun> {
  const print = opts.print ?? (() => {});
  const data = await loadTrainingData(opts.corpus, config.corpusChars);
  checkConfigAgainstData(config, data);
  if (opts.out !== undefined) await checkOutDir(opts.out);
  const backend: BackendInfo = await selectBackend(opts.backend);
  const trainer = opts.trainer ?? "reference";
  if (trainer === "fused" && backend.name !== "webgpu") {
    throw new UsageError(
      `--trainer fused needs the webgpu backend, but the run would use ${backend.name}`,
    );
  }
  print(`Will use ${backend.name} (${backend.adapter}; ${backend.reason}), ${trainer} trainer`);
  print(`vocab size: ${data.vocab.idxToChar.length}`);
  const progress = opts.progress ? new Progress(config.epochs) : undefined;
  const startedAt = new Date();
  const { params, curve } = await trainAndPredictRnn(config, data.indices, data.vocab, {
    onBatch: (e, b, n) => progress?.batch(e, b, n),
    onEpoch: (r) => {
      progress?.clear();
      progress?.epoch(r.epoch, r.perplexity, r.seconds);
      if (r.predictions) chapterLines(r).forEach((line) => print(line));
    },
  }, TRAINERS[trainer]);
  const finishedAt = new Date();
  const totalSeconds = curve.reduce((s, r) => s + r.seconds, 0);
  const last = curve[curve.length - 1];
  const predictions = [];
  for (const [i, prefix] of config.prefixes.entries()) {
    const text = last.predictions?.[i] ??
      await predictRnn(prefix, config.predLen, params, data.vocab);
    predictions.push({ prefix, text });
  }
  const arrays = await paramsToArrays(params);
  disposeParams(params);
  print(
    `Elapsed ${totalSeconds.toFixed(1)} s (${(totalSeconds / config.epochs).toFixed(2)} s/epoch)`,
  );
  const record: Omit<RunRecord, "params"> = {
    format: "rnnlab-run/1",
    config,
    dataset: {
      version: data.source.dataset?.version ?? null,
      sha256: data.source.sha256,
      path: data.source.path,
    },
    vocab: data.vocab.idxToChar,
    environment: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      tfjs: tf.version.tfjs,
      os: Deno.build.os,
      arch: Deno.build.arch,
    },
    backend,
    trainer,
    curve,
    finalPerplexity: last.perplexity,
    predictions,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    totalSeconds,
  };
  if (opts.out === undefined) {
    return { record: { ...record, params: { file: "", sha256: "" } }, params: arrays };
  }
  const title = `${config.iter} sampler, ${backend.name}, seed ${config.seed}`;
  const svg = await perplexitySvg(title, curve, opts.chapterCurve);
  return { record: await writeRunDir(opts.out, record, arrays, svg), params: arrays };
}
