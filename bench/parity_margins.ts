/**
 * `bench/parity_margins.ts`: how far inside its derived tolerance each correct engine lands, and
 * how far outside it each mutation does, on a trained model and on an untrained one; see `USAGE`
 * below, which `--help` prints.
 *
 * @module
 */

import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";
import { initParamArrays, type ParamArrays } from "../src/model/params.ts";
import { markdownTable } from "../src/report/markdown.ts";
import { readRunDir } from "../src/run/run_dir.ts";
import { selectBackend } from "../src/train/backend.ts";
import { spectralNorm } from "../src/verify/spectral_norm.ts";
import {
  forwardMargins,
  type ForwardOutputs,
  forwardYardstick,
} from "../src/verify/forward_check.ts";
import { MUTATIONS } from "../src/verify/mutations.ts";
import { onnxEngine, parityBatch, tfjsEngine } from "../src/verify/parity.ts";

/** The usage and description that `--help` prints. */
const USAGE = `deno run --allow-read --allow-write --allow-env --allow-ffi=node_modules \\
  bench/parity_margins.ts [--run DIR] [--out FILE.md]

For the parameters of a run (--run DIR, default golden/trained_small, the trained model verify
checks) and for untrained ones of the same shapes (the chapter's initialisation, seed 0): the
derived tolerances of the parity checks (src/verify/derived_tolerance.ts) on their fixed batch
(seq 35, batch 32), the margin of onnxruntime (cpu) and of tfjs (cpu) against the float64
forward, and the margin of each mutation of src/verify/mutations.ts. A margin is the largest
|Δ| from float64 over the tolerance, the worse of logits and h_n: a check passes at most 1, and
every mutation must land above 1. --out writes the tables as Markdown too.`;

/** Whether two arrays hold the same values, bit for bit. */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));
}

/** One model's margins. */
async function margins(label: string, params: ParamArrays) {
  const [vocab, hidden] = params.W_xh.shape;
  const { tokens, h0 } = parityBatch(vocab, hidden);
  const y = forwardYardstick(params, tokens, h0);
  const ratio = (out: ForwardOutputs) => {
    const m = forwardMargins(out, y);
    return Math.max(m.logits.ratio, m.hN.ratio);
  };
  const e = (x: number) => x.toExponential(2);
  const lines = [
    `### ${label}`,
    "",
    `vocab ${vocab}, hidden ${hidden}, ‖W_hh‖₂ ${spectralNorm(params.W_hh).toFixed(2)}`,
    "",
    markdownTable(["output", "float32 noise", "floor (last step)", "tolerance"], [
      ["logits", e(y.logits.noise), e(y.logits.floor), e(y.logits.tol)],
      ["h_n", e(y.hN.noise), e(y.hN.floor), e(y.hN.tol)],
    ]),
    "",
  ];
  const rows: string[][] = [];
  const right = await onnxEngine("cpu")(params, tokens, h0);
  for (
    const [name, out] of [["onnxruntime cpu", right], [
      "tfjs cpu",
      await tfjsEngine(params, tokens, h0),
    ]] as const
  ) {
    const m = forwardMargins(out, y);
    rows.push([`${name} (correct)`, e(m.logits.worst), e(m.hN.worst), ratio(out).toPrecision(2)]);
  }
  for (const [name, mutation] of Object.entries(MUTATIONS)) {
    const out = await mutation.run(onnxEngine("cpu"), params, tokens, h0);
    const m = forwardMargins(out, y);
    const same = sameBits(out.logits, right.logits) && sameBits(out.hN, right.hN);
    rows.push([
      `${name} (onnxruntime)`,
      e(m.logits.worst),
      e(m.hN.worst),
      same ? "no bug here: the same outputs" : ratio(out).toPrecision(2),
    ]);
  }
  lines.push(markdownTable(["engine", "max |Δ| logits", "max |Δ| h_n", "margin (Δ / tol)"], rows));
  return lines.join("\n");
}

async function main(args: string[]) {
  const flags = parseFlags(args, {
    run: { type: "string", default: "golden/trained_small" },
    out: { type: "string" },
  });
  await selectBackend("cpu");
  const { record, params } = await readRunDir(flags.run);
  const [vocab, hidden] = params.W_xh.shape;
  const trained = `${flags.run}: ${record.curve.length} epochs, perplexity ${
    record.curve.at(-1)?.perplexity.toFixed(3)
  } (${record.backend.name}, ${record.trainer})`;
  const text = [
    await margins(`Trained: ${trained}`, params),
    "",
    await margins(
      "Untrained: the chapter's initialisation of the same shapes (seed 0)",
      initParamArrays(vocab, hidden, 0),
    ),
  ].join("\n");
  console.log(text);
  if (flags.out) await writeFileAtomic(flags.out, text + "\n");
}

await runMain(main, USAGE);
