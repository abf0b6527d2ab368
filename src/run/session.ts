/**
 * One process's share of a run (a session): train from a start, epoch by epoch, print the chapter's
 * lines, and keep the run's folder up to date after every epoch, so that the run can be stopped and
 * resumed bit for bit. `run.ts` prepares a session (a new run, or a resumption); this file runs it,
 * with what a run records built by `record.ts`.
 *
 * @module
 */

import { basename } from "node:path";
import { DiskFullError, EXIT, UsageError } from "../errors.ts";
import type { TrainingData } from "../data/read_corpus.ts";
import { disposeParams, type ParamArrays, type Params } from "../model/params.ts";
import type { PyRandomState } from "../random/py_random.ts";
import { plotPair } from "../report/plot.ts";
import type { TrainConfig } from "../train/config.ts";
import { TRAINERS } from "../train/trainers.ts";
import {
  type EpochRecord,
  type EpochState,
  trainAndPredictRnn,
  type TrainEnd,
  type TrainStart,
} from "../train/train.ts";
import { environment } from "./environment.ts";
import type { RunLock } from "./lock.ts";
import { Progress } from "./progress.ts";
import type { Engine } from "./preflight.ts";
import {
  chapterLines,
  endOfRun,
  engineLine,
  RUN_FILES,
  type RunFacts,
  runPlotInput,
  type RunRecord,
  runRecord,
  type RunStatus,
  runTitle,
  type SessionStart,
} from "./record.ts";
import { type RunViews, writeRecord, writeRunDir, writeViews } from "./run_dir.ts";
import { runReportHtml } from "./run_page.ts";

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

/**
 * The run's record as a session builds it, epoch by epoch, and its folder (when it has one): the
 * curve so far, and the parameters the folder holds with their digest.
 */
class RunKeeper {
  /** The curve: the earlier sessions' epochs, then this one's. */
  readonly curve: EpochRecord[];
  /** The parameters the folder holds (or would), and their digest. */
  kept: { params: ParamArrays; sha256: string };
  /**
   * The epochs done in the checkpoint the folder is known to hold (a resumed run's at first);
   * `undefined` while it holds none.
   */
  keptEpochs: number | undefined;
  readonly #facts: RunFacts;
  readonly #session: SessionStart;
  readonly #title: string[];

  constructor(readonly s: Session) {
    this.curve = [...s.earlier?.curve ?? []];
    this.kept = { params: s.start.params, sha256: s.earlier?.sha256 ?? "" };
    this.keptEpochs = s.earlier ? s.start.epochsDone : undefined;
    this.#facts = factsOf(s);
    this.#session = {
      startedAt: new Date().toISOString(),
      fromEpoch: s.start.epochsDone,
      earlier: s.earlier?.record,
    };
    this.#title = runTitle(s.config, s.trainer, s.backend.name);
  }

  /** The record of the run as it stands. */
  record(status: RunStatus, end?: Pick<RunRecord, "predictions" | "divergence">) {
    return runRecord(this.#facts, this.#session, this.curve, status, end);
  }

  /** The parameters' file as `run.json` names it. */
  paramsFile(): RunRecord["params"] {
    return { file: this.s.dir ? RUN_FILES.params : "", sha256: this.kept.sha256 };
  }

  /** The plot (for a laptop and for a phone) and the report of `record`. */
  async views(record: Omit<RunRecord, "params">): Promise<RunViews> {
    const input = runPlotInput(
      this.#title,
      this.s.config,
      this.curve,
      record.status,
      record.divergence,
    );
    const both = await plotPair(input);
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
    if (dir !== undefined) this.keptEpochs = this.curve.length;
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
    const last = await endOfRun(end, this.curve, config, params, data.vocab);
    const record = { ...this.record(end.status, last), params: this.paramsFile() };
    if (dir !== undefined) {
      await writeViews(dir, await this.views(record));
      await writeRecord(dir, record);
    }
    return record;
  }
}

/**
 * A full disk during a run, in one line: what was not written, what the folder keeps (every file
 * is written whole, the parameters first, so its last checkpoint is complete), and how to go on.
 */
function diskFull(dir: string, keeper: RunKeeper, err: DiskFullError): UsageError {
  const epochs = keeper.keptEpochs;
  const kept = epochs === undefined
    ? "nothing of the run was kept: free some space and start it again"
    : `its checkpoint of epoch ${epochs} (or a later one) is kept there: free some space, ` +
      `then deno task train --resume ${dir}`;
  return new UsageError(
    `no space left on the device holding ${dir} (${basename(err.path)} not written); ${kept}`,
    EXIT.failed,
  );
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
  } catch (err) {
    throw err instanceof DiskFullError && s.dir !== undefined ? diskFull(s.dir, keeper, err) : err;
  } finally {
    progress?.clear();
    if (trained) disposeParams(trained.params);
    s.lock?.release();
  }
}
