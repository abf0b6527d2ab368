/**
 * `deno task train`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { choiceFlag, numberFlag, parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { BACKEND_CHOICES } from "../src/train/backend.ts";
import { PRESETS, type TrainConfig } from "../src/train/config.ts";
import { runTraining } from "../src/run/run.ts";
import { TRAINER_NAMES } from "../src/train/trainers.ts";
import { readChapterCurve } from "../src/report/chapter.ts";

/** The usage and description that `--help` prints. */
const USAGE =
  `deno task train [--preset chapter|small] [--iter random|consecutive] [--epochs N] [--seed N]
                [--data PATH] [--dataset 2017|2018] [--allow-unknown-data] [--corpus-chars N]
                [--hidden N] [--batch-size N] [--num-steps N] [--lr X] [--theta X]
                [--pred-period N] [--pred-len N] [--prefixes 分开,不分开,战争中部队]
                [--backend auto|webgpu|wasm|cpu] [--trainer reference|batched|fused]
                [--out DIR] [--json]

Trains the chapter's RNN and prints what the chapter prints. The run is recorded in --out DIR
(default runs/<date and time>/); --json prints its record as JSON, and the rest on stderr.`;

/** A positive integer; other flags state their own range. */
const POSITIVE_INT: Parameters<typeof numberFlag>[2] = { integer: true, min: 1 };

/** Builds the run's config: the preset, then each flag given. */
function configFromFlags(flags: ReturnType<typeof parseTrainFlags>): TrainConfig {
  const preset = PRESETS[choiceFlag("preset", flags.preset, Object.keys(PRESETS))];
  const num = (name: keyof typeof flags, fallback: number, opts = POSITIVE_INT) =>
    flags[name] === undefined ? fallback : numberFlag(name, String(flags[name]), opts);
  const prefixes = flags.prefixes?.split(",") ?? preset.prefixes;
  return {
    iter: flags.iter === undefined
      ? preset.iter
      : choiceFlag("iter", flags.iter, ["random", "consecutive"] as const),
    epochs: num("epochs", preset.epochs),
    seed: num("seed", preset.seed, { integer: true, min: 0, max: 0xffffffff }),
    corpusChars: num("corpus-chars", preset.corpusChars, { integer: true, min: 2 }),
    hidden: num("hidden", preset.hidden),
    batchSize: num("batch-size", preset.batchSize),
    numSteps: num("num-steps", preset.numSteps),
    lr: num("lr", preset.lr, { integer: false, min: 0 }),
    theta: num("theta", preset.theta, { integer: false, min: Number.MIN_VALUE }),
    predPeriod: num("pred-period", preset.predPeriod),
    predLen: num("pred-len", preset.predLen, { integer: true, min: 0 }),
    prefixes: prefixes.filter((p) => p !== ""),
  };
}

function parseTrainFlags(args: string[]) {
  const s = { type: "string" } as const;
  return parseFlags(args, {
    preset: { type: "string", default: "chapter" },
    iter: s,
    epochs: s,
    seed: s,
    data: s,
    dataset: s,
    "allow-unknown-data": { type: "boolean" },
    "corpus-chars": s,
    hidden: s,
    "batch-size": s,
    "num-steps": s,
    lr: s,
    theta: s,
    "pred-period": s,
    "pred-len": s,
    prefixes: s,
    backend: { type: "string", default: "auto" },
    trainer: { type: "string", default: "reference" },
    out: s,
    json: { type: "boolean" },
  });
}

async function main(args: string[]) {
  const flags = parseTrainFlags(args);
  const config = configFromFlags(flags);
  const backend = choiceFlag("backend", flags.backend, BACKEND_CHOICES);
  const trainer = choiceFlag("trainer", flags.trainer, TRAINER_NAMES);
  const out = flags.out ?? `runs/${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const print = flags.json ? console.error : console.log;
  const { record } = await runTraining(config, {
    corpus: {
      data: flags.data,
      dataset: flags.dataset,
      allowUnknownData: flags["allow-unknown-data"],
    },
    backend,
    trainer,
    out,
    print,
    progress: true,
    chapterCurve: readChapterCurve(config),
  });
  print(`Run recorded in ${out}/`);
  if (flags.json) console.log(JSON.stringify(record, null, 2));
}

await runMain(main, USAGE);
