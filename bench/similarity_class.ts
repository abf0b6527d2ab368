/**
 * The similarity check measured (issue 25): on a generated class of 60 with 5 planted copies
 * (`fixtures/similarity/generate.ts`: renamed variables, reordered functions, rewritten
 * comments), where the planted pairs rank and whether they are flagged; the five independent
 * solutions' scores against each other and the flag threshold; the other pairs' scores, with how
 * many exercises the closest of them took from the same solution; and the time of the whole
 * `--similarity` step (staging, reading, comparing, writing similarity.csv and .html) for 60 and
 * for 300 submissions (300 with 25 planted copies), with the machine's load around each timing.
 *
 *     deno run --allow-read --allow-write --allow-env --allow-sys bench/similarity_class.ts \
 *       [--seeds 1,2,3] [--out bench/results/similarity-DATE.json]
 *
 * Prints a Markdown report and writes the numbers as JSON.
 *
 * @module
 */

import { join } from "node:path";
import process from "node:process";
import { parseFlagsAndPositionals } from "../src/cli/flags.ts";
import { writeSimilarity } from "../src/grade/class/similarity.ts";
import { discover } from "../src/grade/class/layout.ts";
import { parseCsv } from "../src/grade/csv.ts";
import { compareClass, SIMILARITY_DEFAULTS } from "../src/grade/similarity/similarity.ts";
import { environment } from "../src/run/environment.ts";
import { machineDescription } from "../src/run/machine.ts";
import { generateClass, INDEPENDENT, STARTER } from "../fixtures/similarity/generate.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const read = (path: string) => Deno.readTextFileSync(join(ROOT, path));
const { values: flags } = parseFlagsAndPositionals(Deno.args, {
  seeds: { type: "string", default: "1,2,3" },
  out: { type: "string" },
}, 0);
const seeds = flags.seeds.split(",").map(Number);

/** The load average over 1, 5 and 15 minutes. */
function load(): string {
  return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
}

/** One class through the whole --similarity step: its pairs by rank, time and CPU time. */
async function measure(students: number, copies: number, seed: number) {
  const generated = generateClass({ students, copies, seed }, read);
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-similarity-bench-" });
  try {
    for (const [s, text] of generated.files) await Deno.writeTextFile(join(dir, `${s}.ts`), text);
    await Deno.mkdir(join(dir, "out"));
    const loadBefore = load();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const found = await discover(dir);
    await Deno.mkdir(join(dir, "work"));
    let line = "";
    await writeSimilarity(found, [], join(dir, "out"), join(dir, "work"), (l) => line = l);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const loadAfter = load();
    const [head, ...rows] = parseCsv(await Deno.readTextFile(join(dir, "out", "similarity.csv")));
    const col = (name: string) => head.indexOf(name);
    const pairs = rows.map((r) => ({
      a: r[col("student_a")],
      b: r[col("student_b")],
      similarity: Number(r[col("similarity")]),
      flagged: r[col("flagged")] === "yes",
    })).sort((x, y) => y.similarity - x.similarity);
    const key = (a: string, b: string) => [a, b].sort().join("+");
    const planted = new Set(generated.copies.map(([a, b]) => key(a, b)));
    const ranks = pairs.flatMap((p, i) => planted.has(key(p.a, p.b)) ? [i + 1] : []);
    const others = pairs.filter((p) => !planted.has(key(p.a, p.b)));
    const sameSource = (a: string, b: string) => {
      const [x, y] = [generated.sources.get(a)!, generated.sources.get(b)!];
      return Object.keys(x).filter((e) => x[e] === y[e]).length;
    };
    return {
      students,
      copies,
      seed,
      seconds: Math.round(seconds * 100) / 100,
      cpuSeconds: Math.round((used.user + used.system) / 1e4) / 100,
      loadBefore,
      loadAfter,
      line,
      plantedRanks: ranks,
      plantedFlagged: pairs.filter((p) => planted.has(key(p.a, p.b)) && p.flagged).length,
      plantedLowest: Math.min(
        ...pairs.filter((p) => planted.has(key(p.a, p.b))).map((p) => p.similarity),
      ),
      othersFlagged: others.filter((p) => p.flagged).length,
      othersTop: others.slice(0, 5).map((p) => ({
        pair: `${p.a}+${p.b}`,
        similarity: p.similarity,
        exercisesFromTheSameSolution: sameSource(p.a, p.b),
      })),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The five independent solutions against each other. */
function independent() {
  const files = INDEPENDENT.map((file) => ({ student: file, file, text: read(file) }));
  const result = compareClass(files, { starter: read(STARTER), ...SIMILARITY_DEFAULTS });
  return result.pairs.map((p) => ({
    a: INDEPENDENT[p.a],
    b: INDEPENDENT[p.b],
    similarity: Math.round(p.similarity * 1000) / 1000,
  }));
}

const env = environment();
const results = {
  date: new Date().toISOString(),
  machine: machineDescription(env),
  cores: navigator.hardwareConcurrency,
  note: "measured on the shared development machine while 5-7 other agents ran their own work: " +
    "the load averages around each timing say how busy it was",
  options: SIMILARITY_DEFAULTS,
  independent: independent(),
  class60: [] as Awaited<ReturnType<typeof measure>>[],
  class300: [] as Awaited<ReturnType<typeof measure>>[],
};
for (const seed of seeds) results.class60.push(await measure(60, 5, seed));
results.class300.push(await measure(300, 25, seeds[0]));

const md = [
  `# Similarity check, ${results.date.slice(0, 10)}`,
  "",
  `${results.machine}; ${results.cores} cores; ${results.note}.`,
  "",
  `Threshold ${SIMILARITY_DEFAULTS.threshold}, minimum match ${SIMILARITY_DEFAULTS.minMatch} tokens.`,
  "",
  "## The independent solutions, pair by pair",
  "",
  "| a | b | similarity |",
  "| --- | --- | ---: |",
  ...results.independent.map((p) => `| ${p.a} | ${p.b} | ${p.similarity.toFixed(3)} |`),
  "",
  "## Generated classes",
  "",
  "| students | planted | seed | planted ranks | planted flagged | lowest planted | others flagged | closest other (same-solution exercises of 8) | seconds | CPU s | load before | load after |",
  "| ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |",
  ...[...results.class60, ...results.class300].map((r) =>
    `| ${r.students} | ${r.copies} | ${r.seed} | ${
      r.plantedRanks.join(", ")
    } | ${r.plantedFlagged} | ${r.plantedLowest.toFixed(3)} | ${r.othersFlagged} | ${
      r.othersTop[0]?.similarity.toFixed(3)
    } (${
      r.othersTop[0]?.exercisesFromTheSameSolution
    }) | ${r.seconds} | ${r.cpuSeconds} | ${r.loadBefore} | ${r.loadAfter} |`
  ),
  "",
].join("\n");
console.log(md);
if (flags.out) {
  await Deno.writeTextFile(flags.out, `${JSON.stringify(results, null, 2)}\n`);
  await Deno.writeTextFile(flags.out.replace(/\.json$/, ".md"), md);
}
