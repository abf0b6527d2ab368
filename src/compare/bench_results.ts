/**
 * Benchmark results side by side (`deno task compare A.json B.json …`): each engine's headline
 * time in each result, with its interval, and its ratio to the first result's; what differs in
 * their fingerprints; the load each ran under. A result without a fingerprint is refused, since
 * what ran is unknown (`readBenchResult`, exit 2).
 *
 * @module
 */

import { basename } from "node:path";
import { UsageError } from "../errors.ts";
import { type GatedResult, headlines, readBenchResult } from "../bench/gate.ts";
import { fingerprintDifferences } from "../bench/fingerprint.ts";
import { loadLine } from "../bench/load.ts";
import { intervalText } from "../bench/result.ts";

/** A result to compare, and what to call it. */
export interface ComparedResult {
  label: string;
  result: GatedResult;
}

/** Reads the results; refuses one without a fingerprint, and results of different kinds. */
export async function loadBenchResults(paths: readonly string[]): Promise<ComparedResult[]> {
  const results = await Promise.all(
    paths.map(async (path) => ({ label: basename(path), result: await readBenchResult(path) })),
  );
  const kinds = new Set(results.map((r) => r.result.kind));
  if (kinds.size > 1) {
    throw new UsageError(
      "give results of one kind: step results (train-…) or whole programs (e2e-…)",
    );
  }
  return results;
}

/**
 * The table: one row per engine (in the order the results name them), each result's median
 * [interval], and each later result's median over the first's.
 */
export function benchComparisonTable(results: readonly ComparedResult[]): {
  head: string[];
  rows: string[][];
} {
  const [first, ...later] = results;
  const unit = first.result.kind === "train" ? "ms / iteration" : "whole program s";
  const byKey = results.map((r) => new Map(headlines(r.result).map((h) => [h.key, h])));
  const keys = [...new Set(byKey.flatMap((m) => [...m.keys()]))];
  const rows = keys.map((key) => {
    const engine = byKey.map((m) => m.get(key)?.engine).find((e) => e !== undefined)!;
    const times = byKey.map((m) => m.get(key)?.time);
    const ratios = times.slice(1).map((t) =>
      t && times[0] ? `${(t.median / times[0].median).toFixed(2)}×` : "–"
    );
    return [`${engine} (${key})`, ...times.map((t) => intervalText(t)), ...ratios];
  });
  const head = [
    "engine",
    ...results.map((r) => `${r.label}: ${unit}`),
    ...later.map((r) => `${r.label} / ${first.label}`),
  ];
  return { head, rows };
}

/** Below the table: each result's load line, and how each fingerprint differs from the first's. */
export function benchComparisonNotes(results: readonly ComparedResult[]): string[] {
  const [first] = results;
  return results.flatMap(({ label, result }, i) => {
    const differences = i === 0
      ? []
      : fingerprintDifferences(first.result.fingerprint, result.fingerprint);
    const { commit, dirty } = result.fingerprint;
    const at = commit ? `commit ${commit.slice(0, 7)}${dirty ? " (dirty)" : ""}` : "commit unknown";
    return [
      `${label}: ${result.load ? loadLine(result.load) : "no load recorded"}; ${at}`,
      ...(i === 0
        ? []
        : differences.length === 0
        ? [`  the same machine and software as ${first.label} (the commit apart)`]
        : [`  differs from ${first.label} in:`, ...differences.map((d) => `    ${d}`)]),
    ];
  });
}
