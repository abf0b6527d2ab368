/**
 * Regenerates golden/curves.json (the short training curves `deno task verify` and the tests
 * re-run), or imports finished 200-epoch runs into golden/full_curves.json. Run from the
 * repository root:
 *
 *     deno run -A golden/make_curve_goldens.ts
 *     deno run -A golden/make_curve_goldens.ts --import-full DIR1 --import-full DIR2
 *
 * @module
 */

import { join } from "node:path";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";
import { environment } from "../src/run/environment.ts";
import { machineDescription } from "../src/run/machine.ts";
import type { RunRecord } from "../src/run/record.ts";
import { CHAPTER_PRESET, SMALL_PRESET, type TrainConfig } from "../src/train/config.ts";
import { runTraining } from "../src/run/run.ts";
import type { CurveCase } from "../src/verify/goldens.ts";

const SHORT: { name: string; backend: "cpu" | "wasm"; config: TrainConfig }[] = [
  { name: "small-random", backend: "cpu", config: { ...SMALL_PRESET } },
  { name: "small-random", backend: "wasm", config: { ...SMALL_PRESET } },
  { name: "small-consecutive", backend: "cpu", config: { ...SMALL_PRESET, iter: "consecutive" } },
  {
    name: "chapter-random-2-epochs",
    backend: "wasm",
    config: { ...CHAPTER_PRESET, epochs: 2, predPeriod: 2 },
  },
];

function toCase(name: string, record: RunRecord, command: string): CurveCase {
  return {
    name,
    backend: record.backend.name,
    trainer: record.trainer ?? "reference",
    config: record.config,
    dataset: record.dataset.version ?? "unknown",
    perplexities: record.curve.map((r) => r.perplexity),
    predictions: Object.fromEntries(
      record.curve.filter((r) => r.predictions).map((r) => [String(r.epoch), r.predictions!]),
    ),
    secondsPerEpoch: record.totalSeconds / record.curve.length,
    command,
    machine: machineDescription(environment()),
  };
}

async function main(args: string[]) {
  const flags = parseFlags(args, { "import-full": { type: "string", multiple: true } });
  if (flags["import-full"]) {
    const cases = flags["import-full"].map((dir) => {
      const record: RunRecord = JSON.parse(Deno.readTextFileSync(join(dir, "run.json")));
      const c = record.config;
      const command = `deno task train --iter ${c.iter} --backend ${record.backend.name} ` +
        `--trainer ${record.trainer ?? "reference"} --out ${dir}`;
      return toCase(`chapter-${c.iter}-200-epochs`, record, command);
    });
    await writeFileAtomic("golden/full_curves.json", JSON.stringify({ cases }, null, 1) + "\n");
    console.log(`wrote golden/full_curves.json (${cases.length} runs)`);
    return;
  }
  const cases: CurveCase[] = [];
  for (const { name, backend, config } of SHORT) {
    // The reference trainer, the chapter's loop op by op, as these were recorded.
    const { record } = await runTraining(config, { corpus: {}, backend, trainer: "reference" });
    cases.push(toCase(name, record, "deno run -A golden/make_curve_goldens.ts"));
    console.log(`${name} on ${backend}: ${record.curve.map((r) => r.perplexity).join(", ")}`);
  }
  await writeFileAtomic("golden/curves.json", JSON.stringify({ cases }, null, 1) + "\n");
  console.log("wrote golden/curves.json");
}

await runMain(
  main,
  `deno run -A golden/make_curve_goldens.ts [--import-full DIR ...]

Re-trains the short curves into golden/curves.json, or, with --import-full, imports finished
200-epoch run folders into golden/full_curves.json. Run from the repository root.`,
);
