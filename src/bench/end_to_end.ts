/**
 * `deno task bench --end-to-end`: the chapter's whole program, as a user runs it, against the same
 * program in PyTorch, on the same machine in the same run.
 *
 * Each engine runs as a process of its own, timed from its start to its end (interpreter, imports,
 * data, training, the printed predictions): rnnlab as `deno task train` (run folder and
 * checkpoints included), PyTorch as `bench/torch_rnn.py --end-to-end` (the chapter's loop, its
 * `predict_rnn` one prefix and one character at a time). Each also reports its training loop's
 * seconds and the predictions' share of them.
 *
 * @module
 */

import { join } from "node:path";
import type { Environment } from "../run/machine.ts";
import { markdownTable } from "../report/markdown.ts";
import type { RunRecord } from "../run/record.ts";
import type { TrainConfig } from "../train/config.ts";
import type { TrainerChoice } from "../train/trainers.ts";
import type { BenchCommon } from "./bench.ts";
import { benchMachine, ratioText } from "./result.ts";
import { torchEndToEnd, type TorchImpl } from "./torch_baseline.ts";

/** One engine's run of the chapter's program. */
export interface EndToEndRow {
  /** `rnnlab wasm, batched trainer`, or PyTorch's engine line. */
  engine: string;
  /** The whole process, start to end, seconds; absent when the engine is unavailable. */
  processSeconds?: number;
  /** The training loop, predictions included, seconds. */
  loopSeconds?: number;
  /** Of those, the predictions'. */
  predictionSeconds?: number;
  /** The last epoch's perplexity. */
  finalPerplexity?: number;
  /** `processSeconds` over PyTorch eager's in the same run. */
  vsTorch?: number;
  /** `loopSeconds` over PyTorch eager's in the same run. */
  loopVsTorch?: number;
  /** Why it did not run. */
  unavailable?: string;
}

/** What `deno task bench --end-to-end` writes as JSON. */
export interface EndToEndResult {
  /** The machine, in words. */
  machine: string;
  /** The machine and the software, in detail. */
  environment: Environment;
  /** When it ran (ISO). */
  date: string;
  /** The config every engine ran (epochs included). */
  config: TrainConfig;
  /** One row per engine, rnnlab's first. */
  rows: EndToEndRow[];
  /** How to read the table. */
  note: string;
}

/** What to run. */
export interface EndToEndOptions extends BenchCommon {
  /** rnnlab's trainers (`auto`: the fastest on each backend). */
  trainers: readonly TrainerChoice[];
  /** Where the run folders go. */
  workDir: string;
  /** The project's root (where `deno task` and `bench/torch_rnn.py` run). */
  root: string;
}

/** Runs `deno task train` for `backend` and `trainer` into `out`, timed as a whole. */
async function rnnlabRun(
  opts: EndToEndOptions,
  backend: string,
  trainer: TrainerChoice,
  out: string,
): Promise<EndToEndRow> {
  const args = [
    ...[
      "task",
      "--quiet",
      "train",
      "--preset",
      opts.preset,
      "--epochs",
      String(opts.config.epochs),
    ],
    ...["--backend", backend, "--trainer", trainer, "--out", out, "--json"],
  ];
  const start = performance.now();
  const child = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: opts.root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit", // the chapter's lines and the progress, as the user sees them
  }).output();
  const processSeconds = (performance.now() - start) / 1000;
  if (!child.success) throw new Error(`deno task train ${args.slice(3).join(" ")} failed`);
  const record: RunRecord = JSON.parse(new TextDecoder().decode(child.stdout));
  return {
    engine: `rnnlab ${record.backend.name} (${record.backend.adapter}), ${record.trainer} trainer`,
    processSeconds,
    loopSeconds: record.totalSeconds,
    predictionSeconds: record.curve.reduce((sum, r) => sum + (r.predictionSeconds ?? 0), 0),
    finalPerplexity: record.finalPerplexity ?? undefined,
  };
}

/** Runs the PyTorch program with `impl`, timed as a whole. */
async function torchRun(opts: EndToEndOptions, impl: TorchImpl): Promise<EndToEndRow> {
  const corpus = {
    indices: opts.data.indices,
    vocabSize: opts.data.vocab.idxToChar.length,
    idxToChar: opts.data.vocab.idxToChar,
  };
  const start = performance.now();
  const run = await torchEndToEnd(opts.python!, opts.config, corpus, {
    impl,
    device: opts.torchDevice,
    root: opts.root,
  });
  const processSeconds = (performance.now() - start) / 1000;
  if (run.unavailable) return { engine: run.engine, unavailable: run.unavailable };
  return {
    engine: run.engine,
    processSeconds,
    loopSeconds: run.seconds,
    predictionSeconds: run.predictionSeconds,
    finalPerplexity: run.perplexities?.at(-1),
  };
}

/** Runs every engine asked for, one after the other, and sets them side by side. */
export async function runEndToEnd(opts: EndToEndOptions): Promise<EndToEndResult> {
  const { config, log } = opts;
  const rows: EndToEndRow[] = [];
  for (const backend of opts.backends) {
    for (const trainer of opts.trainers) {
      log(`the chapter's program, ${config.epochs} epochs: rnnlab ${backend}, ${trainer} trainer…`);
      rows.push(
        await rnnlabRun(opts, backend, trainer, join(opts.workDir, `${backend}-${trainer}`)),
      );
    }
  }
  const torch: EndToEndRow[] = [];
  for (const impl of opts.python ? opts.torchImpls : []) {
    log(`the chapter's program, ${config.epochs} epochs: PyTorch ${impl} (${opts.torchDevice})…`);
    torch.push(await torchRun(opts, impl));
  }
  // torch holds one row per --torch-impls entry, in its order.
  const eager = torch[opts.torchImpls.indexOf("eager")];
  const all = [...rows, ...torch].map((r) => ({
    ...r,
    vsTorch: eager?.processSeconds && r.processSeconds && r.processSeconds / eager.processSeconds,
    loopVsTorch: eager?.loopSeconds && r.loopSeconds && r.loopSeconds / eager.loopSeconds,
  }));
  const note = `The chapter's program (In [17]-[19]): ${config.epochs} epochs of the ` +
    `${config.iter} sampler (hidden ${config.hidden}, batch ${config.batchSize}, ` +
    `${config.numSteps} steps), printing the perplexity and ${config.prefixes.length} ` +
    `predictions of ${config.predLen} characters every ${config.predPeriod} epochs; each engine ` +
    `a process of its own, one after the other, in one run. "Whole program" is the process from ` +
    `start to end; "training loop" the epochs with their predictions (rnnlab's run.json ` +
    `totalSeconds, which also writes a checkpoint every epoch); "× PyTorch eager" divides by ` +
    `PyTorch eager's in the same run (lower is faster).`;
  return {
    machine: benchMachine(opts),
    environment: opts.environment,
    date: new Date().toISOString(),
    config,
    rows: all,
    note,
  };
}

/** The results as Markdown: the machine and the note, one row per engine. */
export function endToEndMarkdown(result: EndToEndResult): string {
  const s = (x: number | undefined) => x?.toFixed(1) ?? "–";
  const head = [
    "engine",
    "whole program s",
    "training loop s",
    "of which predictions",
    "final perplexity",
    "× PyTorch eager (program)",
    "× PyTorch eager (loop)",
  ];
  return [
    `Machine: ${result.machine}. ${result.note}`,
    "",
    markdownTable(
      head,
      result.rows.map((r) =>
        r.unavailable !== undefined ? [r.engine, r.unavailable, "–", "–", "–", "–", "–"] : [
          r.engine,
          s(r.processSeconds),
          s(r.loopSeconds),
          `${r.predictionSeconds!.toFixed(2)} s (${
            (100 * r.predictionSeconds! / r.loopSeconds!).toFixed(1)
          } %)`,
          r.finalPerplexity?.toFixed(3) ?? "–",
          ratioText(r.vsTorch),
          ratioText(r.loopVsTorch),
        ]
      ),
    ),
  ].join("\n") + "\n";
}
