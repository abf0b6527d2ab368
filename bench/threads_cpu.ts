/**
 * `bench/threads_cpu.ts`: what the second core takes off the main thread, in CPU time, which a
 * busy machine inflates far less than wall time. See `USAGE`, which `--help` prints.
 *
 * @module
 */

import process from "node:process";
import { summarize } from "../src/bench/stats.ts";
import { timeTrainer } from "../src/bench/train_bench.ts";
import { LoadGuard } from "../src/bench/quiet.ts";
import { interleave } from "../src/bench/rounds.ts";
import { numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { loadTrainingData } from "../src/data/corpus.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";
import { selectBackend } from "../src/train/backend.ts";
import { CHAPTER_PRESET } from "../src/train/config.ts";
import "../src/train/wasm_threads.ts"; // wasm's large products on every core

const USAGE = `deno run --allow-read --allow-write --allow-env --allow-run --allow-sys=loadavg \\
  bench/threads_cpu.ts [--rounds 3] [--iters 6] [--out FILE.json]

The batched trainer's chapter step on wasm with its large products on 1 thread and on 2, in
interleaved rounds: the main thread's CPU time a step (when a second core is free, the step's
critical path: the worker's share runs beside it), the whole process's (both threads), and the
wall time. On a busy machine the wall time shows no second core; the CPU times still show how much
work left the main thread, and what the split costs in all. Prints medians with their intervals
and the load; --out writes every round as JSON.`;

/** CPU milliseconds of this thread and of the whole process so far. */
function cpuMs(): { thread: number; process: number } {
  const ms = (u: { user: number; system: number }) => (u.user + u.system) / 1000;
  return { thread: ms(process.threadCpuUsage()), process: ms(process.cpuUsage()) };
}

async function main(args: string[]) {
  const flags = parseFlags(args, {
    rounds: { type: "string", default: "3" },
    iters: { type: "string", default: "6" },
    out: { type: "string" },
  });
  const rounds = numberFlag("rounds", flags.rounds, { integer: true, min: 1 });
  const iters = numberFlag("iters", flags.iters, { integer: true, min: 1 });
  const config = CHAPTER_PRESET;
  const data = await loadTrainingData({}, config.corpusChars);
  const guard = await LoadGuard.start();
  const engines = [1, 2].map((threads) => ({
    key: `${threads}`,
    label: `batched on wasm, ${threads} thread(s)`,
    run: async () => {
      await selectBackend("wasm", { threads });
      await timeTrainer("batched", config, data, 1, 0); // the first steps, not counted
      const before = cpuMs();
      const t = await timeTrainer("batched", config, data, iters, 0);
      const after = cpuMs();
      const steps = iters + 1; // timeTrainer's first step, then the timed ones
      return {
        wallMs: t.msPerIteration,
        threadCpuMs: (after.thread - before.thread) / steps,
        processCpuMs: (after.process - before.process) / steps,
        lossSum: t.lossSum,
      };
    },
  }));
  const results = await interleave(engines, rounds, {
    after: () => guard.checkpoint(),
    log: (line) => console.error(line),
  });
  const load = guard.record();
  const rows = [...results].map(([threads, runs]) => ({
    threads: Number(threads),
    wallMs: summarize(runs.map((r) => r.wallMs)),
    threadCpuMs: summarize(runs.map((r) => r.threadCpuMs)),
    processCpuMs: summarize(runs.map((r) => r.processCpuMs)),
    lossSums: runs.map((r) => r.lossSum),
  }));
  const f = (s: { median: number; ci95: number[] }) =>
    `${s.median.toFixed(0)} [${s.ci95.map((x) => x.toFixed(0)).join(", ")}]`;
  for (const r of rows) {
    console.log(
      `${r.threads} thread(s): wall ${f(r.wallMs)} ms, main thread CPU ${f(r.threadCpuMs)} ms, ` +
        `process CPU ${f(r.processCpuMs)} ms a step`,
    );
  }
  console.log(`load: ${load.noisy ? `NOISY: ${load.reasons.join("; ")}` : "quiet"}`);
  const report = { date: new Date().toISOString(), config, rounds, iters, load, rows };
  if (flags.out) await writeFileAtomic(flags.out, JSON.stringify(report, null, 2) + "\n");
}

await runMain(main, USAGE);
