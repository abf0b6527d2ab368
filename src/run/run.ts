/**
 * One whole training run as `deno task train` performs it: check everything that can be checked
 * before training (corpus, prefixes, batch sizes, backend, memory, output folder), train, and
 * record the run in its folder after every epoch, so that it can be stopped and resumed bit for
 * bit. Shared by `deno task train` and `deno task verify`.
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
import { disposeParams, initParamArrays, type ParamArrays } from "../model/params.ts";
import { PyRandom, type PyRandomState } from "../random/py_random.ts";
import { availableMemoryBytes, environment } from "./environment.ts";
import { plotPair } from "../report/plot.ts";
import { Progress } from "./progress.ts";
import { type BackendChoice, type BackendInfo, selectBackend } from "../train/backend.ts";
import type { TrainConfig } from "../train/config.ts";
import { type TrainerChoice, TRAINERS } from "../train/trainers.ts";
import {
  type EpochRecord,
  trainAndPredictRnn,
  type TrainEnd,
  type TrainStart,
} from "../train/train.ts";
import { backendCapacity } from "./limits.ts";
import type { RunLock } from "./lock.ts";
import { checkConfigAgainstData, type Engine, engineFor } from "./preflight.ts";
import {
  chapterLines,
  type Checkpoint,
  endOfRun,
  engineLine,
  RUN_FILES,
  type RunFacts,
  runPlotInput,
  type RunRecord,
  runRecord,
  type RunStatus,
  runTitle,
} from "./record.ts";
import {
  openNewRunDir,
  openRunDirToResume,
  type RunViews,
  writeRecord,
  writeRunDir,
  writeViews,
} from "./run_dir.ts";
import { runReportHtml } from "./run_page.ts";
import "../train/wasm_threads.ts"; // wasm's large products on every core

/** What any session of a run takes besides its config. */
export interface SessionOptions {
  /** Where the chapter's lines go (stdout, or stderr under `--json`; nothing in tests). */
  print?: (line: string) => void;
  /** Progress reporting on stderr (off in tests). */
  progress?: boolean;
  /** Once aborted, training stops at the next step boundary and the run is `interrupted`. */
  signal?: AbortSignal;
  /** After each epoch, once the folder holds it. */
  onEpoch?: (record: EpochRecord, target: number) => void;
}

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

/** A run as it stands after this call: its record and the parameters its folder keeps. */
export interface TrainedRun {
  /** What `run.json` holds (`params.file` is empty when nothing was written). */
  record: RunRecord;
  /** The parameters after the last epoch done. */
  params: ParamArrays;
  /** How this session ended, with where it stopped. */
  end: TrainEnd;
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

/** Trains a new run of `config`, written to `opts.out` (when set) after every epoch. */
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
  if (epochs <= checkpoint.epoch) {
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

/** One process's share of a run: from `start`, epoch by epoch, into `dir` when set. */
interface Session extends Engine {
  config: TrainConfig;
  data: TrainingData;
  dir?: string;
  lock?: RunLock;
  start: TrainStart;
  /** A resumed run's record, curve and parameters' digest. */
  earlier?: { record: RunRecord; curve: EpochRecord[]; sha256: string };
}

/** What the run's record says it is: its config, its corpus, where it trains, the machine. */
function factsOf({ config, data, backend, trainer, trainerReason }: Session): RunFacts {
  return {
    config,
    backend,
    trainer,
    trainerReason,
    source: data.source,
    vocab: data.vocab.idxToChar,
    environment: environment(),
  };
}

/** What a session prints before it trains: where, the vocabulary, and what it continues. */
function startLines(s: Session): string[] {
  const { config, dir, start, lock } = s;
  return [
    engineLine(s),
    `vocab size: ${s.data.vocab.idxToChar.length}`,
    ...(s.earlier ? [`Resuming ${dir} after epoch ${start.epochsDone} of ${config.epochs}`] : []),
    ...(lock?.tookOverFrom
      ? [`(took over ${RUN_FILES.lock} from process ${lock.tookOverFrom.pid}, which has ended)`]
      : []),
  ];
}

async function trainSession(s: Session, opts: SessionOptions): Promise<TrainedRun> {
  const { config, data, backend, trainer, dir, start } = s;
  const print = opts.print ?? (() => {});
  const facts = factsOf(s);
  const session = {
    startedAt: new Date().toISOString(),
    fromEpoch: start.epochsDone,
    earlier: s.earlier?.record,
  };
  const curve = [...s.earlier?.curve ?? []];
  let kept = { params: start.params, sha256: s.earlier?.sha256 ?? "" }; // what the folder holds
  const title = runTitle(config, trainer, backend.name);
  /** The record of the run as it stands. */
  const recordFor = (status: RunStatus, extra?: Pick<RunRecord, "predictions" | "divergence">) =>
    runRecord(facts, session, curve, status, extra);

  startLines(s).forEach((line) => print(line));
  /** The parameters' file as `run.json` names it. */
  const paramsFile = (sha256: string) => ({ file: dir ? RUN_FILES.params : "", sha256 });
  /** The plot and the report of `record`. */
  const views = async (record: Omit<RunRecord, "params">): Promise<RunViews> => {
    const both = await plotPair(
      runPlotInput(title, config, curve, record.status, record.divergence),
    );
    return { svg: both.wide, html: runReportHtml(record, both, title) };
  };
  /** Keeps the state after an epoch (or before the first): in the folder, when there is one. */
  const keep = async (params: ParamArrays, sampler: PyRandomState | null, withViews: boolean) => {
    const record = recordFor("running");
    const written = dir === undefined ? undefined : await writeRunDir(
      dir,
      record,
      params,
      withViews ? await views(record) : undefined,
      sampler,
    );
    kept = { params, sha256: written?.params.sha256 ?? "" };
  };
  const progress = opts.progress
    ? new Progress(config.epochs, { firstEpoch: start.epochsDone + 1 })
    : undefined;
  let trained: Awaited<ReturnType<typeof trainAndPredictRnn>> | undefined;
  try {
    if (!s.earlier) await keep(start.params, start.sampler, false);
    else if (dir !== undefined) {
      await writeRecord(dir, { ...recordFor("running"), params: paramsFile(kept.sha256) });
    }
    trained = await trainAndPredictRnn(config, data.indices, data.vocab, {
      start,
      signal: opts.signal,
      onBatch: (e, b, n) => progress?.batch(e, b, n),
      onEpoch: async (r, state) => {
        curve.push(r);
        progress?.epoch(r.epoch, r.perplexity, r.seconds);
        if (r.predictions) chapterLines(r).forEach((line) => print(line));
        await keep(state.params, state.sampler, dir !== undefined);
        opts.onEpoch?.(r, config.epochs);
      },
    }, TRAINERS[trainer]);
    progress?.clear();
    const { end } = trained;
    const extra = await endOfRun(end, curve, config, trained.params, data.vocab);
    const record = { ...recordFor(end.status, extra), params: paramsFile(kept.sha256) };
    if (dir !== undefined) {
      await writeViews(dir, await views(record));
      await writeRecord(dir, record);
    }
    const seconds = record.totalSeconds;
    if (curve.length > 0) {
      print(`Elapsed ${seconds.toFixed(1)} s (${(seconds / curve.length).toFixed(2)} s/epoch)`);
    }
    return { record, params: kept.params, end };
  } finally {
    progress?.clear();
    if (trained) disposeParams(trained.params);
    s.lock?.release();
  }
}
