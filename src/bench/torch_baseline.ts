/**
 * The PyTorch baselines of `deno task bench`: `bench/torch_rnn.py` (the same math and random
 * numbers) run by the first Python that has torch (`io/python.ts`'s search), on the same machine in the same run, in three
 * implementations: the chapter's loop op by op (`eager`), `torch.nn.RNN` (cuDNN on CUDA), and the
 * eager loop under `torch.compile`.
 *
 * @module
 */

import { join } from "node:path";
import type { TrainConfig } from "../train/config.ts";
import type { TorchFingerprint } from "./fingerprint.ts";

/** How `bench/torch_rnn.py` computes the chapter's math (its `--impl`). */
export type TorchImpl = "eager" | "nn-rnn" | "compile";

/** The implementations, in the order the bench runs them (eager first: the others' yardstick). */
export const TORCH_IMPLS: readonly TorchImpl[] = ["eager", "nn-rnn", "compile"];

/** What the PyTorch script reports about its steps. */
export interface TorchTiming {
  /** `PyTorch <version> <impl> (<device>, ...)`. */
  engine: string;
  /** Which implementation. */
  impl: TorchImpl;
  /** Milliseconds per minibatch; absent when the implementation is unavailable. */
  msPerIteration?: number;
  /** Each timed step's milliseconds on the host (on a GPU, until its work was queued). */
  stepMs?: number[];
  /** The first step, with the device's work done. */
  firstStepMs?: number;
  /** Characters per second. */
  tokensPerSecond?: number;
  /** What ran. */
  fingerprint?: TorchFingerprint;
  /** Why it did not run (`torch.compile` on PyTorch 1.x). */
  unavailable?: string;
}

/** What the PyTorch script reports about the chapter's whole program (`--end-to-end`). */
export interface TorchRun {
  /** As {@linkcode TorchTiming}'s. */
  engine: string;
  /** Why it did not run. */
  unavailable?: string;
  /** The perplexity of each epoch. */
  perplexities?: number[];
  /** The training loop's seconds, predictions included. */
  seconds?: number;
  /** Of those, the predictions'. */
  predictionSeconds?: number;
}

/** The corpus as the script reads it: the indices, and the vocabulary for predictions. */
export interface TorchCorpus {
  indices: number[];
  vocabSize: number;
  idxToChar?: string[];
}

/** The script's flags for `config`'s sizes and training settings. */
function configArgs(config: TrainConfig): string[] {
  return [
    ...["--hidden", String(config.hidden), "--batch-size", String(config.batchSize)],
    ...["--num-steps", String(config.numSteps), "--lr", String(config.lr)],
    ...["--theta", String(config.theta), "--seed", String(config.seed)],
  ];
}

/**
 * Runs `bench/torch_rnn.py` (under `root`) with `args` on `corpus` and returns its JSON; throws
 * with the script's last error line when it fails. Its stderr (the chapter's lines, with
 * `--end-to-end`) goes to this process's with `showLines`.
 */
export async function runTorchScript<T>(
  python: string,
  root: string,
  corpus: TorchCorpus,
  args: string[],
  showLines = false,
): Promise<T> {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify(corpus));
    const out = await new Deno.Command(python, {
      args: [join(root, "bench/torch_rnn.py"), "--corpus-indices", file, ...args],
      stdout: "piped",
      stderr: showLines ? "inherit" : "piped",
    }).output();
    const text = new TextDecoder();
    if (!out.success) {
      const last = showLines ? `exit code ${out.code}` : text.decode(out.stderr).trim().split("\n")
        .pop();
      throw new Error(`bench/torch_rnn.py failed: ${last}`);
    }
    return JSON.parse(text.decode(out.stdout));
  } finally {
    await Deno.remove(file);
  }
}

/** PyTorch as `python` would run it on `device`: `bench/torch_rnn.py --fingerprint`. */
export async function torchFingerprint(
  python: string,
  device: string,
  root: string,
): Promise<TorchFingerprint> {
  const out = await new Deno.Command(python, {
    args: [join(root, "bench/torch_rnn.py"), "--fingerprint", "--device", device],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`bench/torch_rnn.py --fingerprint failed: ${text.decode(out.stderr).trim()}`);
  }
  return JSON.parse(text.decode(out.stdout));
}

/** Times `iters` steps of `impl` on `device` after its first step and `warmup` more. */
export async function timeTorch(
  python: string,
  config: TrainConfig,
  corpus: TorchCorpus,
  opts: { impl: TorchImpl; iters: number; warmup: number; device: string; root: string },
): Promise<TorchTiming> {
  const result = await runTorchScript<Omit<TorchTiming, "impl">>(python, opts.root, corpus, [
    ...["--impl", opts.impl, "--device", opts.device],
    ...["--iters", String(opts.iters), "--warmup", String(opts.warmup)],
    ...configArgs(config),
  ]);
  return { ...result, impl: opts.impl };
}

/**
 * The chapter's whole program in PyTorch: `config.epochs` epochs of `config`'s sampler, printing
 * the perplexity and the predictions every `config.predPeriod` epochs.
 */
export function torchEndToEnd(
  python: string,
  config: TrainConfig,
  corpus: TorchCorpus,
  opts: { impl: TorchImpl; device: string; root: string },
): Promise<TorchRun> {
  return runTorchScript<TorchRun>(python, opts.root, corpus, [
    ...["--impl", opts.impl, "--device", opts.device, "--iters", "0", "--end-to-end"],
    ...["--epochs", String(config.epochs), "--iter", config.iter],
    ...["--pred-period", String(config.predPeriod), "--pred-len", String(config.predLen)],
    ...["--prefixes", config.prefixes.join(","), ...configArgs(config)],
  ], true);
}
