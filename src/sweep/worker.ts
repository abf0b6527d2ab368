/**
 * One run of a sweep, in a process of its own (what `pool.ts` starts, with train's permissions):
 * `deno run … worker.ts '<job as JSON>'`. It trains or resumes the run in its folder exactly as
 * `deno task train` would, reports each epoch on stdout as a JSON line, writes the chapter's lines
 * and any error on stderr (the sweep keeps them in `logs/`), and exits as train does: 0 complete,
 * 2 bad input, 3 diverged, 130/143 interrupted, 1 anything else (`EXIT`, `src/errors.ts`).
 *
 * It stops cleanly, at a step boundary with the epochs done kept, on SIGINT or SIGTERM, and when
 * its stdin closes: the sweep closes it to stop its workers, and it closes by itself when the
 * sweep's process ends, however it ends.
 *
 * @module
 */

import { runMain } from "../cli/main.ts";
import { stopOnSignals } from "../cli/signals.ts";
import { EXIT } from "../errors.ts";
import { resumeTraining, runTraining } from "../run/run.ts";
import { parseTrainFlags, runChoicesFromFlags } from "../run/train_args.ts";
import { configFromFlags } from "../run/train_flags.ts";

/** What a worker is asked to do. */
export interface WorkerJob {
  /** The run folder. */
  dir: string;
  /** Train's flags for the run (paths absolute). */
  args: string[];
  /** `new`: an empty or missing folder; `fresh`: one left without a record (cleared first); `resume`. */
  mode: "new" | "fresh" | "resume";
}

/** What a worker reports on stdout, a JSON object per line. */
export interface WorkerEvent {
  /** The run's epoch just done. */
  epoch: number;
  /** The epochs it trains to. */
  of: number;
  /** The epoch's perplexity. */
  perplexity: number;
}

/** An `AbortSignal` aborted when stdin reaches its end. */
function stdinClosed(): AbortSignal {
  const controller = new AbortController();
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) {
        // the sweep sends nothing: only the end matters
      }
    } finally {
      controller.abort("stdin closed");
    }
  })();
  return controller.signal;
}

async function work(args: string[]): Promise<number> {
  const job: WorkerJob = JSON.parse(args[0]);
  const stop = stopOnSignals();
  const signal = AbortSignal.any([stop.signal, stdinClosed()]);
  const encoder = new TextEncoder();
  const session = {
    print: console.error,
    signal,
    onEpoch: (r: { epoch: number; perplexity: number }, of: number) => {
      const event: WorkerEvent = { epoch: r.epoch, of, perplexity: r.perplexity };
      Deno.stdout.writeSync(encoder.encode(JSON.stringify(event) + "\n"));
    },
  };
  const flags = parseTrainFlags(job.args);
  const { backend, trainer, corpus } = runChoicesFromFlags(flags);
  const run = job.mode === "resume"
    ? await resumeTraining(job.dir, { ...session, corpus })
    : await runTraining(configFromFlags(flags), {
      ...session,
      corpus,
      backend,
      trainer,
      out: job.dir,
      force: job.mode === "fresh",
    });
  if (run.end.status === "interrupted") return stop.exitCode() || EXIT.sigint;
  if (run.end.status === "diverged") {
    console.error(`error: the run diverged in epoch ${run.end.epoch}: ${run.end.reason}`);
    return EXIT.diverged;
  }
  return EXIT.ok;
}

if (import.meta.main) await runMain(work, "(the worker of deno task sweep; see its --help)");
