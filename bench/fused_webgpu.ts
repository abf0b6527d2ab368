/**
 * Milliseconds per training iteration of the reference trainer (tfjs autograd, op by op) and the
 * fused trainer on WebGPU, measured in one process on the same adapter.
 *
 *     deno run --allow-read --allow-env bench/fused_webgpu.ts [--vocab 1465] [--hidden 256]
 *       [--batch 32] [--steps 35] [--iters 20] [--warmup 3] [--trainers reference,fused] [--json]
 *
 * The defaults are the chapter's config. Each iteration is one minibatch step from a fresh zero
 * state (the random sampler) on tokens drawn from a fixed seed; the parameters start as
 * `initParams(vocab, hidden, 0)`. After `--warmup` steps (shader compilation) and a readback, the
 * timed steps end with the trainer's one readback of the summed loss, so the time covers the GPU
 * work, not only its recording. Both trainers see the same batches, so their loss sums agree. It runs on a software adapter too (use small sizes there: the
 * first run of each shader compiles slowly).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { choiceFlag, numberFlag, parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { disposeParams, initParams } from "../src/model/params.ts";
import { initState } from "../src/model/rnn.ts";
import { PyRandom } from "../src/random/py_random.ts";
import { selectBackend } from "../src/train/backend.ts";
import { CHAPTER_PRESET } from "../src/train/config.ts";
import { TRAINER_CHOICES, type TrainerChoice, TRAINERS } from "../src/train/run.ts";

/** One trainer's timing. */
interface Timing {
  trainer: TrainerChoice;
  msPerIteration: number;
  tokensPerSecond: number;
  lossSum: number;
}

async function timeTrainer(
  name: TrainerChoice,
  sizes: { vocab: number; hidden: number; batch: number; steps: number },
  iters: number,
  warmup: number,
): Promise<Timing> {
  const rng = new PyRandom(0);
  const batch = () =>
    Array.from(
      { length: sizes.batch },
      () => Array.from({ length: sizes.steps }, () => rng.randbelow(sizes.vocab)),
    );
  const params = initParams(sizes.vocab, sizes.hidden, 0);
  const trainer = TRAINERS[name](params, { ...CHAPTER_PRESET, hidden: sizes.hidden });
  const step = () => {
    const state = initState(sizes.batch, sizes.hidden);
    trainer.step(state, batch(), batch()).dispose();
    state.dispose();
  };
  for (let i = 0; i < warmup; i++) step();
  await trainer.takeLossSum();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) step();
  const lossSum = await trainer.takeLossSum();
  const ms = (performance.now() - t0) / iters;
  disposeParams(params);
  return {
    trainer: name,
    msPerIteration: ms,
    tokensPerSecond: (sizes.batch * sizes.steps) / (ms / 1000),
    lossSum,
  };
}

async function main(args: string[]) {
  const flags = parseFlags(args, {
    vocab: { type: "string", default: "1465" },
    hidden: { type: "string", default: String(CHAPTER_PRESET.hidden) },
    batch: { type: "string", default: String(CHAPTER_PRESET.batchSize) },
    steps: { type: "string", default: String(CHAPTER_PRESET.numSteps) },
    iters: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    trainers: { type: "string", default: TRAINER_CHOICES.join(",") },
    json: { type: "boolean" },
  });
  const int = (name: keyof typeof flags, min = 1) =>
    numberFlag(name, String(flags[name]), { integer: true, min });
  const sizes = {
    vocab: int("vocab"),
    hidden: int("hidden"),
    batch: int("batch"),
    steps: int("steps"),
  };
  const trainers = flags.trainers.split(",").map((t) => choiceFlag("trainers", t, TRAINER_CHOICES));
  const backend = await selectBackend("webgpu");
  const results: Timing[] = [];
  for (const name of trainers) {
    results.push(await timeTrainer(name, sizes, int("iters"), int("warmup", 0)));
  }
  const record = {
    adapter: backend.adapter,
    tfjs: tf.version.tfjs,
    deno: Deno.version.deno,
    sizes,
    results,
  };
  if (flags.json) console.log(JSON.stringify(record, null, 2));
  else {
    console.log(
      `${backend.adapter}; vocab ${sizes.vocab}, hidden ${sizes.hidden}, batch ${sizes.batch}, steps ${sizes.steps}`,
    );
    for (const r of results) {
      console.log(
        `${r.trainer.padEnd(9)} ${r.msPerIteration.toFixed(2).padStart(10)} ms/iteration ${
          Math.round(r.tokensPerSecond).toString().padStart(9)
        } tokens/s  (loss sum of the timed steps ${r.lossSum.toFixed(3)})`,
      );
    }
  }
}

await runMain(main);
