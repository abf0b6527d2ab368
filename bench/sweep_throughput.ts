/**
 * A sweep's throughput with one worker and with two: the same sweep run with `--jobs 1` and
 * `--jobs 2`, alternately (`--rounds` times each, so that a change in the machine's load falls
 * on both), timed from the command's start to its end (process start-up, the checks before work
 * and the summary included), with the peak memory of all the sweep's processes together, sampled
 * with `ps` every half second. Prints runs per hour for each and their ratio, and writes them as
 * JSON with the machine. Before each, a control: the same plain JavaScript loop in one process and
 * in two at once, whose ratio says how much of a second core the machine's other load left (2×
 * on a quiet 2-core machine).
 *
 *     deno run --allow-read --allow-write --allow-env --allow-run --allow-sys \
 *       bench/sweep_throughput.ts [--rounds 2] [--out FILE.json] [-- sweep flags]
 *
 * The default sweep: the chapter's config with the batched trainer on wasm, 3 epochs, seeds 0–5
 * (six runs of about 20 s each on a quiet 2-core machine).
 *
 * @module
 */

import { join } from "node:path";
import { parseFlagsAndPositionals } from "../src/cli/flags.ts";
import { environment } from "../src/run/environment.ts";
import { machineDescription } from "../src/run/machine.ts";

const { values: flags, positionals } = parseFlagsAndPositionals(Deno.args, {
  rounds: { type: "string", default: "2" },
  out: { type: "string" },
}, Infinity);
const sweep = positionals.length > 0 ? positionals : [
  ...["--trainer", "batched", "--backend", "wasm", "--epochs", "3", "--seeds", "0-5"],
];
const rounds = Number(flags.rounds);

/** The resident memory (bytes) of `pid` and all its descendants, from `ps`. */
async function treeRss(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-e", "-o", "pid=,ppid=,rss="] }).output();
  const rows = new TextDecoder().decode(out.stdout).trim().split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of rows) {
      if (inTree.has(pp) && !inTree.has(p)) {
        inTree.add(p);
        grew = true;
      }
    }
  }
  return rows.filter(([p]) => inTree.has(p)).reduce((sum, [, , rss]) => sum + rss * 1024, 0);
}

/** Runs the sweep with `jobs` workers into a fresh folder: wall seconds, runs, peak memory. */
async function measure(jobs: number) {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-throughput-" });
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "sweep", ...sweep, "--jobs", String(jobs), "--out", join(dir, "s")],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  const sampler = setInterval(async () => {
    peak = Math.max(peak, await treeRss(child.pid).catch(() => 0));
  }, 500);
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearInterval(sampler);
  const seconds = (performance.now() - start) / 1000;
  if (!status.success) throw new Error(`sweep --jobs ${jobs} failed:\n${stdout}\n${stderr}`);
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "s", "summary.json")));
  const runs = summary.runs.filter((r: { status: string }) => r.status === "complete").length;
  const perEpoch = summary.runs.map((r: { secondsPerEpoch: number }) => r.secondsPerEpoch);
  await Deno.remove(dir, { recursive: true });
  return {
    jobs,
    seconds,
    runs,
    runsPerHour: runs / seconds * 3600,
    meanSecondsPerEpoch: perEpoch.reduce((a: number, b: number) => a + b, 0) / perEpoch.length,
    peakMemoryBytes: peak,
  };
}

/** A fixed amount of plain JavaScript work (a few seconds), no memory to speak of. */
const LOOP = "let x = 0; for (let i = 0; i < 6e8; i++) x = (x + i) % 1000003; console.log(x);";

/**
 * The control: `n` processes of the same plain loop at once; their throughput (loops per hour).
 * Two processes make twice one's only where two cores are free: on a shared machine, this says
 * how much of the second core the sweep could have had.
 */
async function control(n: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: n },
      () => new Deno.Command(Deno.execPath(), { args: ["eval", LOOP], stdout: "null" }).output(),
    ),
  );
  return n / ((performance.now() - start) / 1000) * 3600;
}

const measurements: Awaited<ReturnType<typeof measure>>[] = [];
const controls: { processes: number; loopsPerHour: number }[] = [];
for (let round = 0; round < rounds; round++) {
  for (const jobs of [1, 2]) {
    const loopsPerHour = await control(jobs);
    controls.push({ processes: jobs, loopsPerHour });
    const m = await measure(jobs);
    measurements.push(m);
    console.log(
      `round ${round + 1}, --jobs ${jobs}: ${m.runs} runs in ${m.seconds.toFixed(1)} s = ` +
        `${m.runsPerHour.toFixed(1)} runs/hour, ${m.meanSecondsPerEpoch.toFixed(2)} s/epoch, ` +
        `peak ${(m.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB; the plain loop in ${jobs} ` +
        `process(es): ${loopsPerHour.toFixed(0)} loops/hour`,
    );
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const runsPerHour = (jobs: number) =>
  mean(measurements.filter((m) => m.jobs === jobs).map((m) => m.runsPerHour));
const loopsPerHour = (n: number) =>
  mean(controls.filter((c) => c.processes === n).map((c) => c.loopsPerHour));
const ratio = runsPerHour(2) / runsPerHour(1);
const controlRatio = loopsPerHour(2) / loopsPerHour(1);
const env = environment();
console.log(
  `--jobs 2 / --jobs 1: ${ratio.toFixed(2)}× the runs per hour (${runsPerHour(2).toFixed(1)} / ` +
    `${runsPerHour(1).toFixed(1)}); the plain loop in 2 processes / 1: ${
      controlRatio.toFixed(2)
    }× (what the machine's load left for a second process); on ${machineDescription(env)}`,
);
if (flags.out) {
  const result = {
    command: `deno run ... bench/sweep_throughput.ts ${Deno.args.join(" ")}`,
    sweep,
    measurements,
    ratio,
    controls,
    controlRatio,
    machine: machineDescription(env),
    environment: env,
    loadAverage: Deno.loadavg(),
    date: new Date().toISOString(),
  };
  await Deno.writeTextFile(flags.out, JSON.stringify(result, null, 2) + "\n");
}
