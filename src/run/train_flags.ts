/**
 * `deno task train`'s flags and the config they make, validated. One place for everything that
 * takes them: `train` reads them from its command line, `sweep` from each run of its plan (a fixed
 * value or a grid axis), and the web page from its settings form, so each refuses exactly what
 * train refuses, with the same words. Parsing a command line, and the flags that are not the
 * config (backend, trainer, corpus), are `train_args.ts`'s.
 *
 * @module
 */

import { choiceFlag, numberFlag } from "../cli/flag_values.ts";
import { MAX_PREDICT_CHARS } from "../model/predict.ts";
import { PRESETS, type TrainConfig } from "../train/config.ts";
import { CHAPTER_STATE_INIT, type IterKind, STATE_INITS, stateInitOf } from "../chapter/chapter.ts";

const s = { type: "string" } as const;
const b = { type: "boolean" } as const;

/** The flags that choose what a run trains and how: all but where it goes and what it prints. */
export const RUN_FLAGS = {
  preset: s,
  iter: s,
  "state-init": s,
  epochs: s,
  seed: s,
  data: s,
  dataset: s,
  "allow-unknown-data": b,
  "corpus-chars": s,
  hidden: s,
  "batch-size": s,
  "num-steps": s,
  lr: s,
  theta: s,
  "pred-period": s,
  "pred-len": s,
  prefixes: s,
  backend: s,
  trainer: s,
} as const;

/** Every flag of `deno task train`. */
export const TRAIN_FLAGS = {
  ...RUN_FLAGS,
  out: s,
  force: b,
  resume: s,
  json: b,
} as const;

/** A run flag's name (`hidden`, `state-init`, …). */
export type RunFlagName = keyof typeof RUN_FLAGS;

/** The run flags' names. */
export const RUN_FLAG_NAMES = Object.keys(RUN_FLAGS) as RunFlagName[];

/** The flags that a config's values come from (all but `--preset`), in the order shown. */
const CONFIG_VALUE_FLAGS = [
  "iter",
  "state-init",
  "epochs",
  "seed",
  "corpus-chars",
  "hidden",
  "batch-size",
  "num-steps",
  "lr",
  "theta",
  "pred-period",
  "pred-len",
  "prefixes",
] as const satisfies readonly RunFlagName[];

/** The flags that set the config, which a resumed run takes from its checkpoint instead. */
export const CONFIG_FLAGS = [
  "preset",
  ...CONFIG_VALUE_FLAGS.filter((f) => f !== "epochs"),
] as const satisfies readonly RunFlagName[];

/** A positive integer; other flags state their own range. */
export const POSITIVE_INT: Parameters<typeof numberFlag>[2] = { integer: true, min: 1 };

/**
 * Builds a run's config: the preset, then each flag given. `--state-init` defaults to the
 * chapter's for the sampler (random: `batch`; consecutive: `epoch`), and is always recorded.
 */
export function configFromFlags(flags: Partial<Record<RunFlagName, unknown>>): TrainConfig {
  const text = (name: RunFlagName) => flags[name] === undefined ? undefined : String(flags[name]);
  const preset = PRESETS[choiceFlag("preset", text("preset") ?? "chapter", Object.keys(PRESETS))];
  const num = (name: RunFlagName, fallback: number, opts = POSITIVE_INT) => {
    const raw = text(name);
    return raw === undefined ? fallback : numberFlag(name, raw, opts);
  };
  const iterText = text("iter");
  const iter: IterKind = iterText === undefined
    ? preset.iter
    : choiceFlag("iter", iterText, ["random", "consecutive"] as const);
  const stateInitText = text("state-init");
  const prefixes = text("prefixes")?.split(",") ?? preset.prefixes;
  return {
    iter,
    stateInit: stateInitText === undefined
      ? CHAPTER_STATE_INIT[iter]
      : choiceFlag("state-init", stateInitText, STATE_INITS),
    epochs: num("epochs", preset.epochs),
    seed: num("seed", preset.seed, { integer: true, min: 0, max: 0xffffffff }),
    corpusChars: num("corpus-chars", preset.corpusChars, { integer: true, min: 2 }),
    hidden: num("hidden", preset.hidden),
    batchSize: num("batch-size", preset.batchSize),
    numSteps: num("num-steps", preset.numSteps),
    lr: num("lr", preset.lr, { integer: false, min: 0 }),
    theta: num("theta", preset.theta, { integer: false, min: Number.MIN_VALUE }),
    predPeriod: num("pred-period", preset.predPeriod),
    predLen: num("pred-len", preset.predLen, { integer: true, min: 0, max: MAX_PREDICT_CHARS }),
    prefixes: prefixes.filter((p) => p !== ""),
  };
}

/** A flag that a config value comes from. */
export type ConfigValueFlag = (typeof CONFIG_VALUE_FLAGS)[number];

/** A config's values by the flags that set them (`hidden: "256"`, `prefixes: "分开,不分开"`). */
export function configFlagValues(config: TrainConfig): Record<ConfigValueFlag, string> {
  return {
    iter: config.iter,
    "state-init": stateInitOf(config),
    epochs: String(config.epochs),
    seed: String(config.seed),
    "corpus-chars": String(config.corpusChars),
    hidden: String(config.hidden),
    "batch-size": String(config.batchSize),
    "num-steps": String(config.numSteps),
    lr: String(config.lr),
    theta: String(config.theta),
    "pred-period": String(config.predPeriod),
    "pred-len": String(config.predLen),
    prefixes: config.prefixes.join(","),
  };
}

/**
 * The settings whose values differ between `runs` (each run's settings by flag name, as
 * {@linkcode configFlagValues} gives them and more), in the order they first appear.
 */
export function differingKeys(runs: readonly { values: Record<string, string> }[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.values)))];
  return keys.filter((k) => new Set(runs.map((r) => r.values[k])).size > 1);
}

/**
 * The settings every one of `runs` has, each with the same value: what they share, beside what
 * {@linkcode differingKeys} says they differ in (a setting some runs lack is in neither).
 */
export function sharedValues(
  runs: readonly { values: Record<string, string> }[],
): Record<string, string> {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.values)))];
  return Object.fromEntries(
    keys.filter((k) => runs.every((r) => k in r.values && r.values[k] === runs[0].values[k]))
      .map((k) => [k, runs[0].values[k]]),
  );
}

/**
 * The flags that make `config` from the preset `preset`: `--preset` and each value that differs
 * from what {@linkcode configFromFlags} would take without it (the preset's; for `--state-init`,
 * the chapter's for the config's own sampler).
 */
export function configArgs(config: TrainConfig, preset: string): string[] {
  const own = configFlagValues(config);
  const base = configFlagValues({ ...PRESETS[preset], stateInit: CHAPTER_STATE_INIT[config.iter] });
  return [
    "--preset",
    preset,
    ...CONFIG_VALUE_FLAGS.filter((f) => own[f] !== base[f]).flatMap((f) => [`--${f}`, own[f]]),
  ];
}
