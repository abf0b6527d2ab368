/// <reference lib="dom" />
/**
 * A run in the page, as `deno task train` runs one (`src/run/run.ts`) but kept in memory instead
 * of a folder: the chapter's loop (`trainAndPredictRnn`) from the seed, stopped at a step
 * boundary and resumed from the last epoch done, bit for bit as a resumed run folder is; its
 * record and its parameters' file built by `src/run/record.ts`, so the downloads are a run folder's
 * `run.json` and `params.safetensors`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../src/data/read_corpus.ts";
import { sha256Hex } from "../src/io/sha256.ts";
import { disposeParams, initParamArrays, type ParamArrays } from "../src/model/params.ts";
import { PyRandom, type PyRandomState } from "../src/random/py_random.ts";
import {
  encodeRunParams,
  endOfRun,
  RUN_FILES,
  type RunFacts,
  type RunRecord,
  runRecord,
  type SessionStart,
} from "../src/run/record.ts";
import { selectBackend } from "../src/train/backend.ts";
import { TRAINERS } from "../src/train/trainers.ts";
import {
  type EpochRecord,
  trainAndPredictRnn,
  type TrainEnd,
  type TrainHooks,
} from "../src/train/train.ts";

/** What the page is told while a session trains. */
export type SessionHooks = Pick<TrainHooks, "onBatch"> & {
  /** After each epoch, with the run as it stands. */
  onEpoch?: (record: EpochRecord, run: PageRun) => void;
};

/** One run of one config on one engine, trained in sessions until it is complete. */
export class PageRun {
  /** The config, the corpus and the engine. */
  readonly facts: RunFacts;
  /** Every epoch done, over all sessions. */
  readonly curve: EpochRecord[] = [];
  #data: TrainingData;
  /** The state after the last epoch done: what the next session starts from. */
  #kept: { params: ParamArrays; sampler: PyRandomState | null };
  /** The record as the last session ended it; `undefined` before the first ends. */
  #record?: Omit<RunRecord, "params">;
  #running?: { abort: AbortController; session: SessionStart };

  constructor(facts: RunFacts, data: TrainingData) {
    this.facts = facts;
    this.#data = data;
    const { config } = facts;
    this.#kept = {
      params: initParamArrays(data.vocab.idxToChar.length, config.hidden, config.seed),
      sampler: config.iter === "random" ? new PyRandom(config.seed).getState() : null,
    };
  }

  /** Whether a session is training now. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Whether every epoch is done, or the run diverged: nothing to resume. */
  get finished(): boolean {
    return this.#record?.status === "complete" || this.#record?.status === "diverged";
  }

  /** The record as it stands (`running` while a session trains). */
  record(): Omit<RunRecord, "params"> {
    if (this.#running) return runRecord(this.facts, this.#running.session, this.curve, "running");
    if (this.#record) return this.#record;
    const session = { startedAt: new Date().toISOString(), fromEpoch: 0 };
    return runRecord(this.facts, session, this.curve, "running");
  }

  /**
   * Trains from the last epoch done (the seed, at first) to the config's epochs, unless stopped;
   * returns how the session ended.
   */
  async train(hooks: SessionHooks = {}): Promise<TrainEnd> {
    if (this.#running || this.finished) throw new Error("this run cannot train now");
    const { config, backend, trainer } = this.facts;
    const epochsDone = this.curve[this.curve.length - 1]?.epoch ?? 0;
    const session = {
      startedAt: new Date().toISOString(),
      fromEpoch: epochsDone,
      earlier: this.#record,
    };
    this.#running = { abort: new AbortController(), session }; // before any wait: running now
    let trained: Awaited<ReturnType<typeof trainAndPredictRnn>> | undefined;
    try {
      if (tf.getBackend() !== backend.name) await selectBackend(backend.name); // a benchmark moved it
      trained = await trainAndPredictRnn(config, this.#data.indices, this.#data.vocab, {
        start: { epochsDone, ...this.#kept },
        signal: this.#running.abort.signal,
        onBatch: hooks.onBatch,
        onEpoch: (record, state) => {
          this.curve.push(record);
          this.#kept = state;
          hooks.onEpoch?.(record, this);
        },
      }, TRAINERS[trainer]);
      const extra = await endOfRun(
        trained.end,
        this.curve,
        config,
        trained.params,
        this.#data.vocab,
      );
      this.#running = undefined;
      this.#record = runRecord(this.facts, session, this.curve, trained.end.status, extra);
      return trained.end;
    } finally {
      this.#running = undefined;
      if (trained) disposeParams(trained.params);
    }
  }

  /** Stops the session at the next step boundary; the epoch under way is dropped. */
  stop(): void {
    this.#running?.abort.abort();
  }

  /** `run.json` and `params.safetensors`, as a run folder holds them after the last epoch done. */
  async files(): Promise<{ record: RunRecord; params: Uint8Array<ArrayBuffer> }> {
    const record = this.record();
    const params = encodeRunParams(record, this.#kept.params, this.#kept.sampler);
    const sha256 = await sha256Hex(params);
    return { record: { ...record, params: { file: RUN_FILES.params, sha256 } }, params };
  }
}
