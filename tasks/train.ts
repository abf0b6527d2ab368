/**
 * `deno task train`: see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { EXIT, UsageError } from "../src/errors.ts";
import { numberFlag, shellWord } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { PATHS_HELP, userPath } from "../src/cli/paths.ts";
import { stopOnSignals } from "../src/cli/signals.ts";
import { resumeTraining, runTraining, type TrainedRun } from "../src/run/run.ts";
import { runChoicesFromFlags } from "../src/run/train_args.ts";
import {
  CONFIG_FLAGS,
  configFromFlags,
  POSITIVE_INT,
  TRAIN_FLAGS,
} from "../src/run/train_flags.ts";

/** The usage and description that `--help` prints. */
const USAGE =
  `deno task train [--preset chapter|small] [--iter random|consecutive] [--state-init batch|epoch]
                [--epochs N] [--seed N] [--data PATH] [--dataset 2017|2018] [--allow-unknown-data]
                [--corpus-chars N] [--hidden N] [--batch-size N] [--num-steps N] [--lr X] [--theta X]
                [--pred-period N] [--pred-len N] [--prefixes 分开,不分开,战争中部队]
                [--backend auto|webgpu|wasm|cpu] [--trainer auto|reference|batched|fused]
                [--out DIR] [--force] [--json]
deno task train --resume DIR [--epochs N] [--data PATH] [--json]

Trains the chapter's RNN and prints what the chapter prints. --trainer auto (the default) is the
fastest on the backend: fused on webgpu, batched on wasm and cpu; reference is the chapter's loop
op by op. The run is recorded in --out DIR (default runs/<date and time>/ in the project), after
every epoch: its parameters with what resuming needs, run.json (with its status: running,
interrupted, diverged or complete) and the plot. --out must be a new or empty folder; --force
clears one that holds a run first. --json prints run.json, and the rest goes to stderr.

Ctrl-C (or SIGTERM) stops at the next step, keeps the epochs done, prints the command that
resumes, and exits 130 (143). --resume DIR continues a run to its epochs, with its own settings;
with --epochs N it trains a run further. A resumed run equals one never stopped, bit for bit.

--state-init says when the hidden state is initialised: before every minibatch (batch), or at the
start of each epoch and then carried, detached, from one minibatch to the next (epoch). The
default is the chapter's for the sampler: batch for random, epoch for consecutive; --iter random
--state-init epoch is the chapter's second exercise.

A config that cannot fit in the backend's memory is refused before training (exit 2). A run whose
loss or parameters stop being finite ends with exit 3, recorded as diverged.

${PATHS_HELP}`;

async function main(args: string[]) {
  const flags = parseFlags(args, TRAIN_FLAGS);
  const { backend, trainer, corpus } = runChoicesFromFlags(flags);
  const print = flags.json ? console.error : console.log;
  const stop = stopOnSignals();
  let run: TrainedRun;
  let dir: string;
  if (flags.resume !== undefined) {
    const given = CONFIG_FLAGS.filter((f) => flags[f] !== undefined);
    if (given.length > 0 || flags.out !== undefined || flags.force) {
      const which = given.length > 0 ? `--${given[0]}` : flags.out ? "--out" : "--force";
      throw new UsageError(
        `--resume continues a run with its own settings; ${which} cannot change them ` +
          `(only --epochs can, to train it further)`,
      );
    }
    dir = userPath(flags.resume);
    const epochs = flags.epochs === undefined
      ? undefined
      : numberFlag("epochs", flags.epochs, POSITIVE_INT);
    run = await resumeTraining(dir, {
      epochs,
      corpus,
      backend,
      trainer,
      print,
      progress: true,
      signal: stop.signal,
    });
  } else {
    const config = configFromFlags(flags);
    dir = flags.out === undefined
      ? join(Deno.cwd(), "runs", new Date().toISOString().replace(/[:.]/g, "-"))
      : userPath(flags.out);
    run = await runTraining(config, {
      corpus,
      backend,
      trainer,
      out: dir,
      force: flags.force,
      print,
      progress: true,
      signal: stop.signal,
    });
  }
  stop.dispose();
  if (flags.json) console.log(JSON.stringify(run.record, null, 2));
  const { end } = run;
  const done = run.record.curve.length;
  const kept = done === 0
    ? "no epoch was done yet"
    : `${done === 1 ? "epoch 1 is" : `epochs 1–${done} are`} kept in ${dir}/`;
  if (end.status === "interrupted") {
    console.error(
      `Interrupted during epoch ${end.epoch}; ${kept}. Resume with:\n` +
        `  deno task train --resume ${shellWord(resolve(dir))}`,
    );
    return stop.exitCode();
  }
  if (end.status === "diverged") {
    throw new UsageError(
      `the run diverged in epoch ${end.epoch}: ${end.reason} (try a lower --lr); ${kept}`,
      EXIT.diverged,
    );
  }
  print(`Run recorded in ${dir}/`);
}

await runMain(main, USAGE);
