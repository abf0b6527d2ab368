/**
 * One whole training run as `deno task train` performs it: check everything that can be checked
 * before training (corpus, prefixes, batch sizes, backend, memory, output folder), then train and
 * record the run in its folder after every epoch (a session: `session.ts`), so that it can be
 * stopped and resumed bit for bit. Shared by `deno task train` and `deno task verify`.
 *
 * - {@linkcode runTraining}: a config in, a new run folder out;
 * - {@linkcode resumeTraining}: a run folder in, continued to its epochs (or more).
 *
 * Both return the run's record, whose `status` says how it ended: `complete`, `interrupted` (the
 * signal given was aborted), or `diverged` (a loss or a parameter stopped being finite).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { UsageError } from "../errors.ts";
import { type CorpusOptions, loadTrainingData } from "../data/corpus.ts";
import type { TrainingData } from "../data/read_corpus.ts";
import { initParamArrays } from "../model/params.ts";
import { PyRandom } from "../random/py_random.ts";
import { availableMemoryBytes } from "./environment.ts";
import { type BackendChoice, type BackendInfo, selectBackend } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import type { TrainerChoice } from "../train/trainers.ts";
import type { TrainStart } from "../train/train.ts";
import { backendCapacity } from "./limits.ts";
import { checkConfigAgainstData, type Engine, engineFor } from "./preflight.ts";
import type { Checkpoint, RunStatus } from "./record.ts";
import { openNewRunDir, openRunDirToResume } from "./run_dir.ts";
import { type SessionOptions, type TrainedRun, trainSession } from "./session.ts";
import "../train/wasm_threads.ts"; // wasm's large products on every core

export type { Engine, SessionOptions, TrainedRun };

/** What a new run needs besides its config. */
export interface RunOptions extends SessionOptions {
  /** Where the corpus comes from. */
  corpus: CorpusOptions;
  /** `--backend`. */
  backend: BackendChoice;
  /**
   * `--trainer` (default `auto`: the fastest on the backend); `fused` needs the backend to
   * resolve to webgpu.
   */
  trainer?: TrainerChoice;
  /** The run folder: created, and refused unless empty; `undefined` writes nothing. */
  out?: string;
  /** Clears a non-empty `out` first, when it holds only a run's files. */
  force?: boolean;
}

/** What continuing a run takes: all optional, the run's own settings being the default. */
export interface ResumeOptions extends SessionOptions {
  /** Where the corpus comes from (it must be the very corpus the run trained on). */
  corpus?: CorpusOptions;
  /** The epochs to reach, more than the run's own to extend it. */
  epochs?: number;
  /** Must be the run's backend, or `auto`. */
  backend?: BackendChoice;
  /** Must be the run's trainer, or `auto`. */
  trainer?: TrainerChoice;
}

/**
 * Starts the backend for `choice` (unless `started`, the backend already active for it, is given),
 * picks the trainer `trainerChoice` names there, and checks that it can run `config`: the trainer
 * must run on the backend, and the config must fit in the backend's memory.
 */
async function startBackend(
  choice: BackendChoice,
  trainerChoice: TrainerChoice,
  config: TrainConfig,
  data: TrainingData,
  started?: BackendInfo,
): Promise<Engine> {
  const backend = started ?? await selectBackend(choice);
  const device = backend.name === "webgpu" ? (tf.backend() as WebGPUBackend).device : undefined;
  const capacity = backendCapacity(backend, { device, availableBytes: availableMemoryBytes() });
  return engineFor(backend, trainerChoice, config, data, capacity);
}

/**
 * Everything a new run checks before it trains: loads its corpus, checks the config against it
 * (batch sizes, prefixes, `--pred-len`), starts the backend (or takes `started`, the one already
 * active for `opts.backend`), and checks the trainer and the memory there. Throws a one-line
 * {@linkcode UsageError} for what cannot run.
 */
export async function prepareRun(
  config: TrainConfig,
  opts: Pick<RunOptions, "corpus" | "backend" | "trainer">,
  started?: BackendInfo,
): Promise<{ data: TrainingData; engine: Engine }> {
  const data = await loadTrainingData(opts.corpus, config.corpusChars);
  checkConfigAgainstData(config, data);
  const engine = await startBackend(opts.backend, opts.trainer ?? "auto", config, data, started);
  return { data, engine };
}

/**
 * Trains a new run of `config`, written to `opts.out` (when set) after every epoch.
 *
 * @example A short run recorded in a folder, and read back
 * ```ts
 * import assert from "node:assert/strict";
 * import { SMALL_PRESET } from "@rnnlab/rnnlab";
 * import { readRunDir, runTraining } from "@rnnlab/rnnlab/run";
 *
 * const out = await Deno.makeTempDir();
 * const config = { ...SMALL_PRESET, epochs: 1, corpusChars: 600, hidden: 8, predLen: 5 };
 * const run = await runTraining(config, { corpus: {}, backend: "cpu", out });
 * assert.equal(run.record.status, "complete");
 * const { record } = await readRunDir(out); // run.json and params.safetensors
 * assert.equal(record.curve.length, 1);
 * assert.deepEqual(record.predictions.map((p) => p.prefix), ["分开", "不分开"]);
 * ```
 */
export async function runTraining(config: TrainConfig, opts: RunOptions): Promise<TrainedRun> {
  const { data, engine } = await prepareRun(config, opts);
  const lock = opts.out === undefined ? undefined : await openNewRunDir(opts.out, opts.force);
  const start: TrainStart = {
    epochsDone: 0,
    params: initParamArrays(data.vocab.idxToChar.length, config.hidden, config.seed),
    sampler: config.iter === "random" ? new PyRandom(config.seed).getState() : null,
  };
  return await trainSession({ config, data, ...engine, dir: opts.out, lock, start }, opts);
}

/**
 * Continues the run in `dir` from its last checkpoint to its configured epochs, or to
 * `opts.epochs` (which may extend a complete run), with its own corpus, backend and trainer.
 */
export async function resumeTraining(dir: string, opts: ResumeOptions = {}): Promise<TrainedRun> {
  const resumable = await openRunDirToResume(dir);
  const { lock, record, checkpoint } = resumable;
  try {
    const epochs = opts.epochs ?? checkpoint.config.epochs;
    checkResumable(dir, record.status, checkpoint, epochs, opts);
    const config = { ...checkpoint.config, epochs };
    const corpus = { dataset: checkpoint.dataset.version ?? undefined, ...opts.corpus };
    const data = await loadTrainingData(corpus, config.corpusChars);
    if (data.source.sha256 !== checkpoint.dataset.sha256) {
      throw new UsageError(
        `the corpus found (${data.source.path}, sha256 ${data.source.sha256}) is not the one ` +
          `run ${dir} trained on (sha256 ${checkpoint.dataset.sha256}, ${record.dataset.path}); ` +
          `pass --data`,
      );
    }
    checkConfigAgainstData(config, data);
    const engine = await startBackend(checkpoint.backend, checkpoint.trainer, config, data);
    return await trainSession({
      config,
      data,
      ...engine,
      trainerReason: record.trainerReason ?? engine.trainerReason,
      dir,
      lock,
      start: {
        epochsDone: checkpoint.epoch,
        params: resumable.params,
        sampler: checkpoint.sampler,
      },
      earlier: { record, curve: checkpoint.curve, sha256: resumable.sha256 },
    }, opts);
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Refuses to resume what cannot be: a diverged run, no epochs to add, another engine. */
function checkResumable(
  dir: string,
  status: RunStatus,
  checkpoint: Checkpoint,
  epochs: number,
  opts: ResumeOptions,
): void {
  if (status === "diverged") {
    throw new UsageError(
      `run ${dir} diverged; resuming it would repeat the same steps (start a new run instead)`,
    );
  }
  // A run stopped after its last epoch, before its record said so (a full disk), only finishes.
  if (epochs < checkpoint.epoch || (epochs === checkpoint.epoch && status === "complete")) {
    throw new UsageError(
      `run ${dir} has ${checkpoint.epoch} epochs done already; pass --epochs N with N > ` +
        `${checkpoint.epoch} to train it further`,
    );
  }
  for (
    const [flag, given, own] of [
      ["backend", opts.backend === "auto" ? undefined : opts.backend, checkpoint.backend],
      ["trainer", opts.trainer === "auto" ? undefined : opts.trainer, checkpoint.trainer],
    ] as const
  ) {
    if (given !== undefined && given !== own) {
      throw new UsageError(
        `run ${dir} trained with --${flag} ${own}; it continues only so (got --${flag} ${given}), ` +
          `since another would not repeat its steps bit for bit`,
      );
    }
  }
}
