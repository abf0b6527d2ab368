/**
 * The regression gate, `deno task bench --baseline FILE`: a new result against an earlier one of
 * the same benchmark on the same machine and software, the code apart.
 *
 * Comparable means the same kind of benchmark and config, and the same fingerprint apart from its
 * provenance (`fingerprint.ts`): otherwise, or when the baseline has no fingerprint, the gate
 * refuses (exit 2) before anything runs. Slower means rnnlab's median time lies above the
 * baseline's 95 % interval and more than a margin above its median (exit 1); PyTorch's rows are
 * shown beside, as a check on the machine.
 *
 * The margin is there because the interval only knows the noise within one run: on this
 * project's 2-core machine two quiet runs of the same trainers 20 minutes apart had medians up to
 * 9 % apart, the first run's interval excluding the second's median (bench/results/README.md).
 *
 * @module
 */

import { EXIT, UsageError } from "../errors.ts";
import { readJson } from "../io/fs.ts";
import type { TrainConfig } from "../train/config.ts";
import type { BenchResult } from "./step_result.ts";
import type { EndToEndResult } from "./end_to_end.ts";
import { type Fingerprint, fingerprintDifferences } from "./fingerprint.ts";
import type { Summary } from "./stats.ts";

/** A result the gate reads. */
export type GatedResult = BenchResult | EndToEndResult;

/**
 * How far above the baseline's median a time must also be to count as slower, by default: 10 %,
 * just above the 9 % drift measured between two quiet runs of unchanged code (`--gate-margin`).
 */
export const DEFAULT_GATE_MARGIN = 0.1;

/** The gate's exit codes. */
export const GATE_EXIT = { same: EXIT.ok, slower: EXIT.failed, notComparable: EXIT.usage } as const;

/**
 * Reads a result of `deno task bench`, named `label` in errors; refuses a file that is not one,
 * or one without a fingerprint (exit 2: what ran is unknown, so it compares with nothing).
 */
export async function readBenchResult(path: string, label = path): Promise<GatedResult> {
  const result = await readJson<Partial<GatedResult>>(path, label);
  if (result === undefined) throw new UsageError(`${label}: no such file`);
  if (result === null || typeof result !== "object" || !("fingerprint" in result)) {
    throw new UsageError(
      `${label} has no fingerprint (a result from before them): refused`,
      GATE_EXIT.notComparable,
    );
  }
  if ((result.kind !== "train" && result.kind !== "e2e") || !Array.isArray(result.rows)) {
    throw new UsageError(`${label} is not a deno task bench result`);
  }
  return result as GatedResult;
}

/** Reads a baseline for `--baseline`: {@linkcode readBenchResult}. */
export function readBaseline(path: string): Promise<GatedResult> {
  return readBenchResult(path, `--baseline ${path}`);
}

/**
 * Why a new run of `kind` with `config` on `fingerprint` cannot be set against `baseline`: one
 * line per difference, none when it can.
 */
export function baselineMismatch(
  baseline: GatedResult,
  now: { kind: GatedResult["kind"]; config: TrainConfig; fingerprint: Fingerprint },
): string[] {
  const lines = [];
  if (baseline.kind !== now.kind) lines.push(`kind: ${baseline.kind} → ${now.kind}`);
  for (const [k, v] of Object.entries(now.config)) {
    const was = (baseline.config as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(was) !== JSON.stringify(v)) {
      lines.push(`config.${k}: ${JSON.stringify(was)} → ${JSON.stringify(v)}`);
    }
  }
  return [...lines, ...fingerprintDifferences(baseline.fingerprint, now.fingerprint)];
}

/** Each row's key, engine and headline time: ms an iteration, or the whole program's seconds. */
export function headlines(
  r: GatedResult,
): { key: string; engine: string; rnnlab: boolean; time: Summary }[] {
  const rows = r.kind === "train"
    ? [
      ...r.rows.map((x) => ({ ...x, rnnlab: true, time: x.msPerIteration })),
      ...r.torch.flatMap((x) =>
        "unavailable" in x ? [] : [{ ...x, rnnlab: false, time: x.msPerIteration }]
      ),
    ]
    : r.rows.flatMap((x) =>
      x.processSeconds
        ? [{ ...x, rnnlab: x.key.startsWith("rnnlab/"), time: x.processSeconds }]
        : []
    );
  return rows.map(({ key, engine, rnnlab, time }) => ({ key, engine, rnnlab, time }));
}

/** What the gate found. */
export interface GateVerdict {
  /** 0: no rnnlab row slower; 1: one or more slower beyond the baseline's interval and margin. */
  exitCode: number;
  /** One line per row both results have. */
  lines: string[];
}

/**
 * Sets `now`'s rows against `baseline`'s, row by row (matched by key): slower or faster when the
 * median lies outside the baseline's interval and more than `margin` (a fraction) from its median.
 */
export function gateVerdict(
  baseline: GatedResult,
  now: GatedResult,
  margin = DEFAULT_GATE_MARGIN,
): GateVerdict {
  const before = new Map(headlines(baseline).map((h) => [h.key, h]));
  const unit = now.kind === "train" ? "ms" : "s";
  const f = (x: number) => x.toFixed(now.kind === "train" ? 1 : 2);
  let slower = false;
  const lines = headlines(now).flatMap((h) => {
    const was = before.get(h.key);
    if (!was) return [];
    const [low, high] = was.time.ci95;
    const ratio = h.time.median / was.time.median;
    const outside = h.time.median > high || h.time.median < low;
    const beyond = Math.abs(ratio - 1) > margin;
    const verdict = !outside || !beyond ? "same" : ratio > 1 ? "SLOWER" : "faster";
    const within = outside && !beyond ? ", outside the interval but within the margin" : "";
    if (verdict === "SLOWER" && h.rnnlab) slower = true;
    return [
      `${verdict}: ${h.engine} (${h.key}) ${f(h.time.median)} ${unit} against the baseline's ` +
      `${f(was.time.median)} [${f(low)}, ${f(high)}] (${ratio.toFixed(2)}×${within})` +
      `${h.rnnlab ? "" : " (PyTorch: a check on the machine, not gated)"}`,
    ];
  });
  lines.push(
    `(slower or faster: outside the baseline's interval and beyond ±${+(100 * margin).toFixed(
      4,
    )} %)`,
  );
  if (now.noisy) lines.push("this run was noisy: a slower verdict may be the machine's");
  return { exitCode: slower ? GATE_EXIT.slower : GATE_EXIT.same, lines };
}
