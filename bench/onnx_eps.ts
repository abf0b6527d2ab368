/**
 * `bench/onnx_eps.ts`: latency and parity of the exported model on each onnxruntime execution
 * provider; see `USAGE` below, which `--help` prints.
 *
 * @module
 */

import { takeFingerprint } from "../src/bench/take_fingerprint.ts";
import { numberFlag } from "../src/cli/flag_values.ts";
import { parseFlags } from "../src/cli/flags.ts";
import { runMain } from "../src/cli/main.ts";
import { ORT_VERSION } from "../src/infer/cuda_setup.ts";
import { forward } from "../src/infer/forward.ts";
import { writeFileAtomic } from "../src/io/atomic_write.ts";
import { onnxParityChecks, PARITY_BATCH, parityBatch } from "../src/verify/parity.ts";
import { type EpName, openRnnSession } from "../src/infer/session.ts";
import { initParamArrays } from "../src/model/params.ts";
import { METADATA_KEYS } from "../src/onnx/metadata.ts";
import { encodeRnnModel } from "../src/onnx/model.ts";
import { markdownTable } from "../src/report/markdown.ts";
import { readRunDir } from "../src/run/run_dir.ts";
import { selectBackend } from "../src/train/backend.ts";
import { CHAPTER_PRESET } from "../src/train/config.ts";

/** The usage and description that `--help` prints. */
const USAGE =
  `deno run --allow-read --allow-write --allow-env --allow-ffi=node_modules --allow-run=python3 \\
  bench/onnx_eps.ts [--run DIR] [--eps cuda,webgpu,cpu] [--runs 50] [--out FILE.json] [--note TEXT]

Latency and parity of the exported model on each onnxruntime execution provider. --note describes
the machine (CPU, GPU, driver) for the record; --out writes the report as JSON too.

For each provider that can start here: the parity checks of src/verify/parity.ts (max |Δ| of
logits and h_n of onnxruntime and tfjs against a float64 forward, greedy generation), then the time of one graph call on
the chapter's batch (seq 35, batch 32) and of one generation step (seq 1, batch 1): median,
10th and 90th percentile of --runs calls after 5 warm-up calls. Providers that cannot start
are listed with the reason. Without --run, the parameters are the chapter's initial ones
(vocab 1465, hidden 256, seed 0), untrained.`;

/** Median, 10th and 90th percentile of `runs` timed calls of `fn`, in milliseconds. */
async function timeCalls(fn: () => Promise<unknown>, runs: number) {
  for (let i = 0; i < 5; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => Number(ms[Math.min(runs - 1, Math.floor(p * runs))].toFixed(3));
  return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
}

/** What to measure: a run's parameters, vocabulary and prefixes, or the chapter's untrained ones. */
async function loadModel(run?: string) {
  if (run !== undefined) {
    const { record, params } = await readRunDir(run);
    const about = `${run}: ${record.config.epochs} epochs, perplexity ${record.finalPerplexity}`;
    return { params, vocab: record.vocab, prefixes: record.config.prefixes, about };
  }
  const vocab = Array.from({ length: 1465 }, (_, i) => String.fromCodePoint(0x4e00 + i));
  const params = initParamArrays(vocab.length, CHAPTER_PRESET.hidden, 0);
  return { params, vocab, prefixes: [vocab[0]], about: "chapter shapes, untrained (seed 0)" };
}

async function main(args: string[]) {
  const flags = parseFlags(args, {
    run: { type: "string" },
    eps: { type: "string", default: "cuda,webgpu,cpu" },
    runs: { type: "string", default: "50" },
    out: { type: "string" },
    note: { type: "string" },
  });
  const runs = numberFlag("runs", flags.runs, { integer: true, min: 1 });
  await selectBackend("cpu"); // the tfjs reference
  const { params, vocab, prefixes, about } = await loadModel(flags.run);
  const bytes = encodeRnnModel(params, { [METADATA_KEYS.vocab]: JSON.stringify(vocab) });
  const { tokens, h0 } = parityBatch(vocab.length, params.W_xh.shape[1]);
  const results = [];
  for (const ep of flags.eps.split(",") as EpName[]) {
    let s;
    try {
      s = await openRnnSession(bytes, ep);
    } catch (err) {
      results.push({ ep, available: false, reason: (err as Error).message });
      continue;
    }
    const batchCall = await timeCalls(() => forward(s.session, tokens, h0), runs);
    const stepCall = await timeCalls(
      () => forward(s.session, [[0]], new Float32Array(s.hidden)),
      runs,
    );
    await s.session.release();
    const checks = await onnxParityChecks({ params, vocab, prefixes, ep });
    results.push({ ep, available: true, ranOn: s.ep, batchCall, stepCall, checks });
  }

  const report = {
    date: new Date().toISOString(),
    model: about,
    shapes: { vocab: vocab.length, hidden: params.W_xh.shape[1], ...PARITY_BATCH },
    machine: { note: flags.note ?? "", onnxruntime: ORT_VERSION },
    // The providers that really ran, after onnxruntime's fallbacks, and what they ran on.
    fingerprint: await takeFingerprint({
      onnxruntimeEp: results.flatMap((r) => r.available ? [r.ranOn] : []).join(",") || null,
    }),
    results,
  };
  const rows = results.map((r) => {
    if (!r.available) return [r.ep, `unavailable: ${r.reason}`, "", "", "", ""];
    const c = (part: string) => r.checks!.find((k) => k.name.includes(part));
    const gen = r.checks!.filter((k) => k.name.includes("generation"));
    const same = gen.every((k) => k.status === "ok") ? "identical" : "DIFFERS";
    return [
      r.ep,
      `${r.batchCall!.median} ms (${r.batchCall!.p10}–${r.batchCall!.p90})`,
      `${r.stepCall!.median} ms`,
      `${c("logits")?.measured}`,
      `${c("h_n")?.measured}`,
      `${same} (${gen.length} prefixes)`,
    ];
  });
  console.log(markdownTable(
    [
      "EP",
      `seq ${PARITY_BATCH.seq} × batch ${PARITY_BATCH.batch} median (p10–p90)`,
      "1 step median",
      "max Δ logits from float64",
      "max Δ h_n from float64",
      "generation",
    ],
    rows,
  ));
  if (flags.out) await writeFileAtomic(flags.out, JSON.stringify(report, null, 2) + "\n");
}

await runMain(main, USAGE);
