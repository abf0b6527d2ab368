/**
 * The PyTorch baseline of `deno task bench`: `bench/torch_rnn.py` (the same math and random
 * numbers) run by the first Python that has torch, on the same machine in the same run.
 *
 * @module
 */

import { join } from "node:path";
import type { TrainConfig } from "../train/config.ts";

/** What the PyTorch script reports. */
export interface TorchTiming {
  /** `PyTorch <version> (<device>, <threads> threads)`. */
  engine: string;
  /** Milliseconds per minibatch. */
  msPerIteration: number;
  /** Characters per second. */
  tokensPerSecond: number;
}

/** The Pythons tried, in order, for one that imports torch. */
export const PYTHON_CANDIDATES: readonly string[] = ["python3", "/usr/bin/python3"];

async function hasTorch(python: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", "import torch"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** The first of `candidates` that imports torch, or `undefined`. */
export async function findTorchPython(
  candidates: readonly string[] = PYTHON_CANDIDATES,
): Promise<string | undefined> {
  for (const python of candidates) if (await hasTorch(python)) return python;
  return undefined;
}

/**
 * Runs `bench/torch_rnn.py` on `device` for the same config and corpus indices; throws with the
 * script's last error line when it fails.
 */
export async function timeTorch(
  python: string,
  config: TrainConfig,
  corpus: { indices: number[]; vocabSize: number },
  opts: { iters: number; warmup: number; device: string; root: string },
): Promise<TorchTiming> {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify(corpus));
    const args = [
      join(opts.root, "bench/torch_rnn.py"),
      ...["--corpus-indices", file, "--device", opts.device],
      ...["--iters", String(opts.iters), "--warmup", String(opts.warmup)],
      ...["--hidden", String(config.hidden), "--batch-size", String(config.batchSize)],
      ...["--num-steps", String(config.numSteps), "--lr", String(config.lr)],
      ...["--theta", String(config.theta), "--seed", String(config.seed)],
    ];
    const out = await new Deno.Command(python, { args, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder();
    if (!out.success) {
      const last = text.decode(out.stderr).trim().split("\n").pop();
      throw new Error(`bench/torch_rnn.py failed: ${last}`);
    }
    return JSON.parse(text.decode(out.stdout));
  } finally {
    await Deno.remove(file);
  }
}
