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
import { markdownTable } from "../report/markdown.ts";
import type { RunRecord } from "../run/record.ts";
import type { TrainerChoice } from "../train/trainers.ts";
import {
  type BenchCommon,
  headerMarkdown,
  intervalText,
  ratioText,
  type ResultHeader,
  resultHeader,
  type RnnlabRun,
  rnnlabRuns,
  runName,
  spreadText,
  threadsText,
} from "./result.ts";
import { type Engine, interleave, ratiosTo, threadSpeedup } from "./rounds.ts";
import { summarize, type Summary } from "./stats.ts";
import { torchEndToEnd, type TorchImpl } from "./torch_baseline.ts";

/** One process's run of the chapter's program. */
export interface ProgramRun {
  /** `rnnlab wasm (…), batched trainer`, or PyTorch's engine line. */
  engine: string;
  /** Why it did not run. */
  unavailable?: string;
  /** The whole process, start to end, seconds. */
  processSeconds?: number;
  /** The training loop, predictions included, seconds. */
  loopSeconds?: number;
  /** Of those, the predictions'. */
  predictionSeconds?: number;
  /** The last epoch's perplexity. */
  finalPerplexity?: number;
}

/** One engine's runs of the chapter's program, one a round. */
export interface EndToEndRow {
  /** Matches the row across results (the regression gate's key). */
  key: string;
  /** In words. */
  engine: string;
  /** Why it did not run. */
  unavailable?: string;
  /** The whole process, start to end, seconds, one a round. */
  processSeconds?: Summary;
  /** The training loop, predictions included. */
  loopSeconds?: Summary;
  /** Of those, the predictions'. */
  predictionSeconds?: Summary;
  /** The last epoch's perplexity (the same every round: the runs are deterministic). */
  finalPerplexity?: number;
  /** `processSeconds` over PyTorch eager's in the same round. */
  vsTorch?: Summary;
  /** `loopSeconds` over PyTorch eager's in the same round. */
  loopVsTorch?: Summary;
  /** On wasm with several threads: the 1-thread run's `processSeconds` over this one's, a round. */
  speedup?: Summary;
  /** Every round's run, as measured. */
  runs: ProgramRun[];
}

/** What `deno task bench --end-to-end` writes as JSON. */
export interface EndToEndResult extends ResultHeader {
  /** A whole-program benchmark (`--end-to-end`). */
  kind: "e2e";
  /** One row per engine, rnnlab's first. */
  rows: EndToEndRow[];
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

/**
 * Runs `deno task train` for `backend` and `trainer` (on wasm, with `threads` for the large
 * products) into `out`, timed as a whole.
 */
async function rnnlabRun(
  opts: EndToEndOptions,
  { backend, trainer, threads }: RnnlabRun<TrainerChoice>,
  out: string,
): Promise<ProgramRun> {
  const args = [
    ...["task", "--quiet", "train", "--preset", opts.preset],
    ...["--epochs", String(opts.config.epochs), "--backend", backend, "--trainer", trainer],
    ...["--out", out, "--json"],
  ];
  const start = performance.now();
  const child = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: opts.root,
    env: { NO_COLOR: "1", ...(threads && { RNNLAB_WASM_THREADS: `${threads}` }) },
    stdout: "piped",
    stderr: "inherit", // the chapter's lines and the progress, as the user sees them
  }).output();
  const processSeconds = (performance.now() - start) / 1000;
  if (!child.success) throw new Error(`deno task train ${args.slice(3).join(" ")} failed`);
  await Deno.remove(out, { recursive: true }); // the next round writes a fresh one
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
async function torchRun(opts: EndToEndOptions, impl: TorchImpl): Promise<ProgramRun> {
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

/** The engines: rnnlab on each backend with each trainer, then PyTorch's implementations. */
function programEngines(opts: EndToEndOptions): Engine<ProgramRun>[] {
  const { epochs } = opts.config;
  const rnnlab = rnnlabRuns(opts, opts.trainers).map((run): Engine<ProgramRun> => {
    const name = runName(run);
    const threads = threadsText(run.threads);
    return {
      key: `rnnlab/${name}`,
      label: `the chapter's program, ${epochs} epochs: rnnlab ${run.backend}, ` +
        `${run.trainer} trainer${threads}`,
      run: () => rnnlabRun(opts, run, join(opts.workDir, name.replaceAll("/", "-"))),
    };
  });
  const torch = (opts.python ? opts.torchImpls : []).map((impl): Engine<ProgramRun> => ({
    key: `torch/${impl}`,
    label: `the chapter's program, ${epochs} epochs: PyTorch ${impl} (${opts.torchDevice})`,
    run: () => torchRun(opts, impl),
  }));
  return [...rnnlab, ...torch];
}

/**
 * One engine's row from its rounds, with its ratios to PyTorch eager's and, on several threads,
 * its speedup over the same run on one thread (`oneThread`).
 */
function programRow(
  key: string,
  runs: ProgramRun[],
  eager?: ProgramRun[],
  oneThread?: ProgramRun[],
): EndToEndRow {
  const [first] = runs;
  if (first.unavailable !== undefined) {
    return { key, engine: first.engine, unavailable: first.unavailable, runs };
  }
  type Field = (r: ProgramRun) => number | undefined;
  const of = (f: Field) => runs.map((r) => f(r)!);
  const yardstick = eager?.[0]?.unavailable === undefined ? eager : undefined;
  const vs = (f: Field) => ratiosTo(of(f), { eager: yardstick?.map((r) => f(r)!) }).vsTorch;
  const [vsTorch, loopVsTorch] = [vs((r) => r.processSeconds), vs((r) => r.loopSeconds)];
  const speedup = threadSpeedup(
    of((r) => r.processSeconds),
    oneThread?.map((r) => r.processSeconds!),
  );
  return {
    key,
    engine: first.engine,
    processSeconds: summarize(of((r) => r.processSeconds)),
    loopSeconds: summarize(of((r) => r.loopSeconds)),
    predictionSeconds: summarize(of((r) => r.predictionSeconds)),
    finalPerplexity: runs.at(-1)!.finalPerplexity,
    ...(vsTorch && { vsTorch }),
    ...(loopVsTorch && { loopVsTorch }),
    ...(speedup && { speedup }),
    runs,
  };
}

/** Runs every engine once a round, interleaved, and sets them side by side. */
export async function runEndToEnd(opts: EndToEndOptions): Promise<EndToEndResult> {
  const engines = programEngines(opts);
  const results = await interleave(engines, opts.repeat, {
    after: () => opts.guard.checkpoint(),
    log: opts.log,
  });
  const eager = results.get("torch/eager");
  const oneThread = new Map( // each run on several threads, and the same on one
    rnnlabRuns(opts, opts.trainers).filter((r) => (r.threads ?? 1) > 1)
      .map((r) => [`rnnlab/${runName(r)}`, `rnnlab/${runName({ ...r, threads: 1 })}`]),
  );
  const { config } = opts;
  const note = `The chapter's program (In [17]-[19]): ${config.epochs} epochs of the ` +
    `${config.iter} sampler (hidden ${config.hidden}, batch ${config.batchSize}, ` +
    `${config.numSteps} steps), printing the perplexity and ${config.prefixes.length} ` +
    `predictions of ${config.predLen} characters every ${config.predPeriod} epochs; each engine ` +
    `a process of its own, ${opts.repeat} round(s), every engine once a round, interleaved. ` +
    `"Whole program" is the process from start to end; "training loop" the epochs with their ` +
    `predictions (rnnlab's run.json totalSeconds, which also writes a checkpoint every epoch). ` +
    `Seconds are medians over the rounds with a 95 % bootstrap interval of the median (with 5 ` +
    `rounds or fewer, the range); "× PyTorch eager" is the median of the ratios taken round by ` +
    `round, with its interval (lower is faster); "speedup over 1 thread" the same run's time on ` +
    `one thread over its time on several, round by round (higher is faster).`;
  return {
    ...resultHeader("e2e", { ...opts, load: opts.guard.record() }, note),
    kind: "e2e",
    rows: engines.map((e) =>
      programRow(e.key, results.get(e.key)!, eager, results.get(oneThread.get(e.key) ?? ""))
    ),
  };
}

/** The results as Markdown: the header, one row per engine. */
export function endToEndMarkdown(result: EndToEndResult): string {
  const head = [
    "engine",
    "whole program s",
    "spread",
    "training loop s",
    "of which predictions",
    "final perplexity",
    "× PyTorch eager (program)",
    "× PyTorch eager (loop)",
    "speedup over 1 thread",
  ];
  const rows = result.rows.map((r) =>
    r.unavailable !== undefined ? [r.engine, r.unavailable, "–", "–", "–", "–", "–", "–", "–"] : [
      r.engine,
      intervalText(r.processSeconds),
      spreadText(r.processSeconds),
      intervalText(r.loopSeconds),
      `${r.predictionSeconds!.median.toFixed(2)} s (${
        (100 * r.predictionSeconds!.median / r.loopSeconds!.median).toFixed(1)
      } %)`,
      r.finalPerplexity?.toFixed(3) ?? "–",
      ratioText(r.vsTorch),
      ratioText(r.loopVsTorch),
      ratioText(r.speedup),
    ]
  );
  return [headerMarkdown(result), markdownTable(head, rows), ""].join("\n");
}
