/**
 * One process's share of a run (a session): train from a start, epoch by epoch, print the chapter's
 * lines, and keep the run's folder up to date after every epoch, so that the run can be stopped and
 * resumed bit for bit. `run.ts` prepares a session (a new run, or a resumption); this file runs it.
 *
 * @module
 */

import type { TrainingData } from "../data/corpus.ts";
import { disposeParams, type ParamArrays, type Params } from "../model/params.ts";
import { predictRnnBatch } from "../model/predict.ts";
import type { PyRandomState } from "../random/py_random.ts";
import {
  readChapterCurve,
  sameSetting,
  stateInitMismatch,
  stateInitOf,
} from "../chapter/chapter.ts";
import { plotPair } from "../report/plot.ts";
import { PRESETS, type TrainConfig } from "../train/config.ts";
import { type TrainerName, TRAINERS } from "../train/trainers.ts";
import {
  type EpochRecord,
  type EpochState,
  trainAndPredictRnn,
  type TrainEnd,
  type TrainStart,
} from "../train/train.ts";
import type { BackendInfo } from "../train/backend.ts";
import type { RunLock } from "./lock.ts";
import { environment, machineDescription } from "./machine.ts";
import { Progress } from "./progress.ts";
import {
  RUN_FILES,
  RUN_FORMAT,
  type RunRecord,
  type RunStatus,
  type RunViews,
  writeRecord,
  writeRunDir,
  writeViews,
} from "./run_dir.ts";
import { runReportHtml } from "./run_page.ts";

/** The backend a run trains on, its trainer, and why that trainer (`requested`, or `auto`'s pick). */
export interface Engine {
  /** The backend tfjs runs on. */
  backend: BackendInfo;
  /** The trainer that computes the steps. */
  trainer: TrainerName;
  /** Why that trainer: `requested`, or `auto: the fastest on <backend>`. */
  trainerReason: string;
}

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

/** A run as it stands after a session: its record and the parameters its folder keeps. */
export interface TrainedRun {
  /** What `run.json` holds (`params.file` is empty when nothing was written). */
  record: RunRecord;
  /** The parameters after the last epoch done. */
  params: ParamArrays;
  /** How this session ended, with where it stopped. */
  end: TrainEnd;
}

/** One process's share of a run: from `start`, epoch by epoch, into `dir` when set. */
export interface Session extends Engine {
  /** The run's settings; `epochs` is the target of this session. */
  config: TrainConfig;
  /** The corpus, its vocabulary and indices. */
  data: TrainingData;
  /** The run folder, `undefined` when nothing is written. */
  dir?: string;
  /** The lock on `dir`, released when the session ends. */
  lock?: RunLock;
  /** Where training starts. */
  start: TrainStart;
  /** A resumed run's record, curve and parameters' digest. */
  earlier?: { record: RunRecord; curve: EpochRecord[]; sha256: string };
}

/** The chapter's line for a printed epoch: `Epoch 20. Perplexity 219.426268`, then ` -  <text>`. */
function chapterLines(record: EpochRecord): string[] {
  return [
    `Epoch ${record.epoch}. Perplexity ${record.perplexity.toFixed(6)}`,
    ...(record.predictions ?? []).map((p) => ` -  ${p}`),
    "",
  ];
}

/**
 * The plot's title: the config (the preset it is, when only the epochs, the sampler, the seed or
 * what is printed differ from one), then the sampler, the trainer, the backend and the seed.
 */
function runTitle(config: TrainConfig, trainer: TrainerName, backend: string): string[] {
  const preset = Object.entries(PRESETS).find(([, p]) => sameSetting(p, config))?.[0];
  return [
    preset !== undefined
      ? `${preset} preset`
      : `hidden ${config.hidden}, batch ${config.batchSize} × ${config.numSteps} steps, ` +
        `lr ${config.lr}, θ ${config.theta}, ${config.corpusChars} chars`,
    `${config.iter} sampler${
      stateInitMismatch(config) ? `, state per ${stateInitOf(config)}` : ""
    }, ${trainer} trainer, ${backend}, seed ${config.seed}`,
  ];
}

/** What a session prints before it trains: where, the vocabulary, and what it continues. */
function startLines(s: Session): string[] {
  const { backend, trainer, trainerReason, config, dir, start, lock } = s;
  return [
    `Will use ${backend.name} (${backend.adapter}; ${backend.reason}), ` +
    `${trainer} trainer (${trainerReason})`,
    `vocab size: ${s.data.vocab.idxToChar.length}`,
    ...(s.earlier ? [`Resuming ${dir} after epoch ${start.epochsDone} of ${config.epochs}`] : []),
    ...(lock?.tookOverFrom
      ? [`(took over ${RUN_FILES.lock} from process ${lock.tookOverFrom.pid}, which has ended)`]
      : []),
  ];
}

/** What a record adds once the run stops: the predictions, or where it diverged. */
type RecordEnd = Pick<RunRecord, "predictions" | "divergence">;

/**
 * The run's record as a session builds it, epoch by epoch, and its folder (when it has one): the
 * curve so far, and the parameters the folder holds with their digest.
 */
class RunKeeper {
  /** The curve: the earlier sessions' epochs, then this one's. */
  readonly curve: EpochRecord[];
  /** The parameters the folder holds (or would), and their digest. */
  kept: { params: ParamArrays; sha256: string };
  readonly #environment = environment();
  readonly #startedAt = new Date().toISOString();
  readonly #title: string[];
  readonly #chapter: ReturnType<typeof readChapterCurve>;

  constructor(readonly s: Session) {
    this.curve = [...s.earlier?.curve ?? []];
    this.kept = { params: s.start.params, sha256: s.earlier?.sha256 ?? "" };
    this.#title = runTitle(s.config, s.trainer, s.backend.name);
    this.#chapter = readChapterCurve(s.config);
  }

  /** The record of the run as it stands. */
  record(status: RunStatus, end: RecordEnd = { predictions: [] }): Omit<RunRecord, "params"> {
    const { config, data, backend, trainer, trainerReason, start, earlier } = this.s;
    const curve = this.curve;
    const now = status === "running" ? null : new Date().toISOString();
    return {
      format: RUN_FORMAT,
      status,
      config,
      dataset: {
        version: data.source.dataset?.version ?? null,
        sha256: data.source.sha256,
        path: data.source.path,
      },
      vocab: data.vocab.idxToChar,
      environment: this.#environment,
      backend,
      trainer,
      trainerReason,
      curve,
      finalPerplexity: curve[curve.length - 1]?.perplexity ?? null,
      ...end,
      startedAt: earlier?.record.startedAt ?? this.#startedAt,
      finishedAt: now,
      totalSeconds: curve.reduce((sum, r) => sum + r.seconds, 0),
      sessions: [...earlier?.record.sessions ?? [], {
        startedAt: this.#startedAt,
        endedAt: now,
        fromEpoch: start.epochsDone,
        toEpoch: curve[curve.length - 1]?.epoch ?? 0,
        status,
        machine: machineDescription(this.#environment),
      }],
    };
  }

  /** The parameters' file as `run.json` names it. */
  paramsFile(): RunRecord["params"] {
    return { file: this.s.dir ? RUN_FILES.params : "", sha256: this.kept.sha256 };
  }

  /** The plot (for a laptop and for a phone) and the report of `record`. */
  async views(record: Omit<RunRecord, "params">): Promise<RunViews> {
    const { config } = this.s;
    const done = this.curve[this.curve.length - 1]?.epoch ?? 0;
    const running = record.status === "running";
    const both = await plotPair({
      title: this.#title,
      curve: this.curve,
      chapter: this.#chapter,
      epochs: running ? config.epochs : undefined,
      diverged: record.divergence,
      subtitle: running
        ? `running: ${done} of ${config.epochs} epochs done`
        : record.status === "interrupted"
        ? `interrupted after ${done} of ${config.epochs} epochs`
        : undefined,
    });
    return { svg: both.wide, html: runReportHtml(record, both, this.#title) };
  }

  /** Keeps the state after an epoch (or before the first): in the folder, when there is one. */
  async keep(params: ParamArrays, sampler: PyRandomState | null, withViews: boolean) {
    const { dir } = this.s;
    const record = this.record("running");
    const written = dir === undefined ? undefined : await writeRunDir(
      dir,
      record,
      params,
      withViews ? await this.views(record) : undefined,
      sampler,
    );
    this.kept = { params, sha256: written?.params.sha256 ?? "" };
  }

  /** Before the first epoch: a new run keeps its initial state; a resumed one says it runs again. */
  async begin(): Promise<void> {
    const { dir, start, earlier } = this.s;
    if (!earlier) await this.keep(start.params, start.sampler, false);
    else if (dir !== undefined) {
      await writeRecord(dir, { ...this.record("running"), params: this.paramsFile() });
    }
  }

  /** After an epoch: the curve grows and the folder keeps the state (with the plot and report). */
  async epochDone(epoch: EpochRecord, state: EpochState): Promise<void> {
    this.curve.push(epoch);
    await this.keep(state.params, state.sampler, this.s.dir !== undefined);
  }

  /**
   * Once training stops: the final record (with the predictions of `params`, the trained ones, when
   * the last epoch printed none), written with the views when there is a folder.
   */
  async finish(end: TrainEnd, params: Params): Promise<RunRecord> {
    const { config, data, dir } = this.s;
    const last: RecordEnd = { predictions: [] };
    if (end.status === "complete") {
      const texts = this.curve[this.curve.length - 1].predictions ??
        await predictRnnBatch(config.prefixes, config.predLen, params, data.vocab);
      last.predictions = config.prefixes.map((prefix, i) => ({ prefix, text: texts[i] }));
    }
    if (end.status === "diverged") last.divergence = { epoch: end.epoch, reason: end.reason };
    const record = { ...this.record(end.status, last), params: this.paramsFile() };
    if (dir !== undefined) {
      await writeViews(dir, await this.views(record));
      await writeRecord(dir, record);
    }
    return record;
  }
}

/**
 * Runs the session `s`: trains from its start to `config.epochs`, keeping its folder up to date,
 * and returns the run as it stands. The lock on the folder is released however it ends.
 */
export async function trainSession(s: Session, opts: SessionOptions): Promise<TrainedRun> {
  const { config, data, start } = s;
  const print = opts.print ?? (() => {});
  const keeper = new RunKeeper(s);
  startLines(s).forEach((line) => print(line));
  const progress = opts.progress
    ? new Progress(config.epochs, { firstEpoch: start.epochsDone + 1 })
    : undefined;
  let trained: Awaited<ReturnType<typeof trainAndPredictRnn>> | undefined;
  try {
    await keeper.begin();
    trained = await trainAndPredictRnn(config, data.indices, data.vocab, {
      start,
      signal: opts.signal,
      onBatch: (e, b, n) => progress?.batch(e, b, n),
      onEpoch: async (r, state) => {
        progress?.epoch(r.epoch, r.perplexity, r.seconds);
        if (r.predictions) chapterLines(r).forEach((line) => print(line));
        await keeper.epochDone(r, state);
        opts.onEpoch?.(r, config.epochs);
      },
    }, TRAINERS[s.trainer]);
    progress?.clear();
    const record = await keeper.finish(trained.end, trained.params);
    const [seconds, epochs] = [record.totalSeconds, keeper.curve.length];
    if (epochs > 0) {
      print(`Elapsed ${seconds.toFixed(1)} s (${(seconds / epochs).toFixed(2)} s/epoch)`);
    }
    return { record, params: keeper.kept.params, end: trained.end };
  } finally {
    progress?.clear();
    if (trained) disposeParams(trained.params);
    s.lock?.release();
  }
}
