/**
 * `deno task bench` apart from its flags: time each trainer on each backend, then PyTorch (its
 * eager loop, `torch.nn.RNN` and `torch.compile`) on the same machine, every engine once a round
 * for `--repeat` rounds, interleaved; the result and its table are `step_result.ts`'s.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type BackendInfo, selectBackend } from "../train/backend.ts";
import { type TrainerName, trainerRunsOn } from "../train/trainers.ts";
import { threadedProducts } from "../train/wasm_kernels.ts";
import "../train/wasm_threads.ts"; // wasm's large products on every core
import { type BenchCommon, type RnnlabRun, rnnlabRuns, runName, threadsText } from "./result.ts";
import { type Engine, interleave } from "./rounds.ts";
import { type BenchResult, stepResult } from "./step_result.ts";
import { timeTorch, type TorchTiming } from "./torch_baseline.ts";
import { type StepTiming, timeTrainer } from "./train_bench.ts";

/** What to time. */
export interface BenchOptions extends BenchCommon {
  /** The trainers, in order (the fused one runs on webgpu only). */
  trainers: readonly TrainerName[];
  /** Timed iterations a round. */
  iters: number;
  /** Warm-up iterations after the first step, before them. */
  warmup: number;
}

/** The active backend, switched only when another one (or another thread count) is asked for. */
let active: { key: string; info: BackendInfo } | undefined;
async function useBackend(e: RnnlabRun<TrainerName>): Promise<BackendInfo> {
  const key = `${e.backend}/${e.threads ?? ""}`;
  if (active?.key !== key || tf.getBackend() !== e.backend) {
    active = {
      key,
      info: await selectBackend(e.backend, { threads: e.threads ?? threadedProducts()?.threads() }),
    };
  }
  return active.info;
}

/** The trainers to time: each on every backend it runs on. */
function trainerRuns(opts: BenchOptions): RnnlabRun<TrainerName>[] {
  return rnnlabRuns(opts, opts.trainers, trainerRunsOn);
}

/** The engines of a step benchmark, rnnlab's then PyTorch's, each timed by one call. */
function stepEngines(opts: BenchOptions): Engine<StepTiming | TorchTiming>[] {
  const { config, data, iters, warmup, repeat } = opts;
  const corpus = { indices: data.indices, vocabSize: data.vocab.idxToChar.length };
  const rnnlab = trainerRuns(opts).map((e): Engine<StepTiming> => ({
    key: runName(e),
    label: `${e.trainer} on ${e.backend}${threadsText(e.threads)}`,
    run: async (round) => {
      await useBackend(e);
      const profile = round === repeat - 1; // where the time goes: one more step, once
      return await timeTrainer(e.trainer, config, data, iters, warmup, { profile });
    },
  }));
  const torch = (opts.python ? opts.torchImpls : []).map((impl): Engine<TorchTiming> => ({
    key: `torch/${impl}`,
    label: `PyTorch ${impl} (${opts.torchDevice})`,
    run: () =>
      timeTorch(opts.python!, config, corpus, {
        impl,
        iters,
        warmup,
        device: opts.torchDevice,
        root: ".",
      }),
  }));
  return [...rnnlab, ...torch];
}

/** Times every engine, `repeat` rounds interleaved, and sets the rows side by side. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const results = await interleave(stepEngines(opts), opts.repeat, {
    after: () => opts.guard.checkpoint(),
    log: opts.log,
  });
  return stepResult({
    ...opts,
    load: opts.guard.record(),
    runs: trainerRuns(opts),
    torchImpls: opts.python ? opts.torchImpls : [],
    results,
  });
}
