/**
 * What training takes of wasm's heap, against the estimate `deno task train` refuses configs by
 * (`src/run/limits.ts`): each config runs two steps of each trainer in a process of its own, and
 * the wasm heap's size after them (it only grows, so it is the high-water mark) is set beside the
 * estimate. One Markdown row per config and trainer.
 *
 *     deno run --allow-read --allow-env --allow-run bench/wasm_memory.ts
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { initParams } from "../src/model/params.ts";
import { initState } from "../src/model/rnn.ts";
import { formatBytes } from "../src/run/machine.ts";
import { markdownRow, markdownTable } from "../src/report/markdown.ts";
import { estimateMemory } from "../src/run/limits.ts";
import { selectBackend } from "../src/train/backend.ts";
import { SMALL_PRESET } from "../src/train/config.ts";
import { type TrainerName, TRAINERS } from "../src/train/trainers.ts";

/** vocab, hidden, batch, steps: the chapter's, then each size grown alone, then a wide model. */
const CONFIGS = [
  [1465, 256, 32, 35],
  [1465, 2048, 32, 35],
  [1465, 4096, 8, 10],
  [1465, 256, 256, 35],
  [1465, 256, 32, 350],
  [300, 8000, 4, 4],
  [1465, 256, 1, 2],
];

/** Two steps of `trainer` at these sizes; prints the heap's size in bytes. */
async function measure(trainer: TrainerName, [vocab, hidden, batch, steps]: number[]) {
  await selectBackend("wasm");
  const config = { ...SMALL_PRESET, hidden, batchSize: batch, numSteps: steps };
  const t = TRAINERS[trainer](initParams(vocab, hidden, 0), config);
  const rows = Array.from(
    { length: batch },
    (_, b) => Array.from({ length: steps }, (_, i) => (b * 7 + i * 13) % vocab),
  );
  for (let i = 0; i < 2; i++) {
    const state = initState(batch, hidden);
    t.step(state, rows, rows).dispose();
    state.dispose();
  }
  await t.takeLossSum();
  // deno-lint-ignore no-explicit-any
  console.log((tf.backend() as any).wasm.HEAPU8.buffer.byteLength);
}

if (Deno.args[0] === "--one") {
  await measure(Deno.args[1] as TrainerName, Deno.args.slice(2).map(Number));
} else {
  // The head now, each row as it is measured.
  const head = [
    "vocab",
    "hidden",
    "batch",
    "steps",
    "trainer",
    "heap",
    "estimate",
    "estimate / heap",
  ];
  console.log(markdownTable(head, []));
  for (const sizes of CONFIGS) {
    for (const trainer of ["reference", "batched"] as const) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--one", trainer, ...sizes.map(String)],
        stdout: "piped",
        stderr: "null",
      }).output();
      const heap = Number(new TextDecoder().decode(out.stdout).trim().split("\n").pop());
      const [vocab, hidden, batchSize, numSteps] = sizes;
      const { totalBytes } = estimateMemory({ hidden, batchSize, numSteps }, vocab, trainer);
      console.log(markdownRow([
        ...sizes.map(String),
        trainer,
        formatBytes(heap),
        formatBytes(totalBytes),
        (totalBytes / heap).toFixed(2),
      ]));
    }
  }
}
