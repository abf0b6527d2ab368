/**
 * `bench/recurrence_bench.ts`: the GPU time of the fused trainer's recurrence kernels, both kinds
 * (`src/train/fused/recurrence.ts`), at a preset's sizes, on the WebGPU adapter Deno finds; see
 * `USAGE` below, which `--help` prints.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { choiceFlag, numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { UsageError } from "../src/errors.ts";
import { runMain } from "../src/cli/main.ts";
import { profilePrograms } from "../src/bench/profile.ts";
import { probeAdapter, selectBackend } from "../src/train/backend.ts";
import { PRESETS } from "../src/train/config.ts";
import type { Dims } from "../src/train/fused/kernel.ts";
import {
  bpttSteps,
  forwardSteps,
  type RecurrenceKind,
  recurrenceKind,
} from "../src/train/fused/recurrence.ts";

const USAGE =
  `deno run --allow-read --allow-env bench/recurrence_bench.ts [--preset chapter|small] [--reps N]

The fused trainer's forward (fwd) and BPTT (bptt) kernels, each kind (cooperative: one workgroup
per sequence sharing its step's product among its invocations; perUnit: one invocation per hidden
unit), at the preset's sizes with the chapter's vocabulary (1465) on random inputs: the GPU time
of each launch by timestamp queries, the median of --reps (default 20), the kind the rule picks
on this device, and how far the kinds' results differ (they sum in other orders): the largest
difference of hAll and dZ over their largest value.`;

async function main(args: string[]) {
  const flags = parseFlags(args, {
    preset: { type: "string", default: "chapter" },
    reps: { type: "string", default: "20" },
  });
  const config = PRESETS[choiceFlag("preset", flags.preset, Object.keys(PRESETS))];
  const reps = numberFlag("reps", flags.reps, { integer: true, min: 1 });
  const adapter = await probeAdapter();
  if (!adapter) throw new UsageError("no WebGPU adapter here");
  await selectBackend("webgpu");
  const d: Dims = {
    vocab: 1465,
    hidden: config.hidden,
    batch: config.batchSize,
    steps: config.numSteps,
  };
  const normal = (shape: number[], std: number, seed: number) =>
    tf.randomNormal(shape, 0, std, "float32", seed);
  const params = {
    wXh: normal([d.vocab, d.hidden], 0.1, 1),
    wHh: normal([d.hidden, d.hidden], 1 / Math.sqrt(d.hidden), 2),
    bH: normal([d.hidden], 0.1, 3),
  };
  const state = normal([d.batch, d.hidden], 0.5, 4);
  const dHout = normal([d.steps * d.batch, d.hidden], 1, 5);
  const tokens = tf.tensor1d(
    Int32Array.from({ length: d.steps * d.batch }, (_, r) => (r * 7919) % d.vocab),
    "int32",
  );
  const results: Record<string, unknown>[] = [];
  const outputs: Float32Array[] = [];
  for (const kind of ["cooperative", "perUnit"] as RecurrenceKind[]) {
    const ms: Record<string, number[]> = { fwd: [], bptt: [] };
    for (let i = 0; i <= reps; i++) { // the first is a warm-up: pipelines compile
      const profile = await profilePrograms(() => {
        const hAll = forwardSteps(tokens, state, params, d, kind);
        tf.dispose([hAll, bpttSteps(dHout, hAll, params.wHh, d, kind)]);
      }, 100);
      if (i === 0) continue;
      for (const row of profile.byKernel) ms[row.name]?.push(row.ms);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    results.push({ kind, fwdMs: median(ms.fwd), bpttMs: median(ms.bptt) });
    const hAll = forwardSteps(tokens, state, params, d, kind);
    const dZ = bpttSteps(dHout, hAll, params.wHh, d, kind);
    outputs.push(Float32Array.from([...await hAll.data(), ...await dZ.data()]));
    tf.dispose([hAll, dZ]);
  }
  // As the tests measure kernels: the largest difference over the largest value.
  let [worst, scale] = [0, 0];
  outputs[0].forEach((x, i) => {
    worst = Math.max(worst, Math.abs(x - outputs[1][i]));
    scale = Math.max(scale, Math.abs(outputs[1][i]));
  });
  console.log(JSON.stringify(
    {
      adapter: adapter.description,
      dims: d,
      reps,
      rule: recurrenceKind(d.hidden),
      kinds: results,
      worstDifferenceOverLargest: worst / scale,
    },
    null,
    2,
  ));
}

await runMain(main, USAGE);
