/**
 * "Where the step's time goes", as a benchmark's Markdown gives it for each trainer: the first
 * step against the steady state, the host's share, the wait for read-backs, and the profiled
 * step: on webgpu the GPU's own time by timestamp queries, on wasm and cpu the top kernels.
 *
 * @module
 */

import { type KernelProfile, profileMarkdown } from "./profile.ts";
import { ratioText, threadsText } from "./result.ts";
import type { Percentiles, Summary } from "./stats.ts";

/** What a row must say for its section. */
export interface TimedRow {
  engine: string;
  trainer: string;
  backend: string;
  threads?: number;
  msPerIteration: Summary;
  firstStepMs: Summary;
  stepMs: Percentiles;
  readbackMsPerIteration: Summary;
  profile?: KernelProfile;
  profileUnavailable?: string;
  workerShare?: number;
  speedup?: Summary;
}

/** One row's section. */
function rowSection(r: TimedRow): string {
  const ms = r.msPerIteration.median;
  const title = `${r.engine}, ${r.trainer}${threadsText(r.threads)}`;
  const lines = [
    `First step ${r.firstStepMs.median.toFixed(1)} ms (median of the rounds), then ` +
    `${ms.toFixed(1)} ms an iteration: ${r.stepMs.p50.toFixed(1)} ms on the host at the median ` +
    `step, ${r.readbackMsPerIteration.median.toFixed(1)} ms waiting for read-backs.`,
  ];
  if (r.profile && r.backend === "webgpu") {
    lines.push(
      `GPU time of one step by timestamp queries: ${r.profile.kernelMs.toFixed(2)} ms ` +
        `(${(100 * r.profile.kernelMs / ms).toFixed(0)} % of the iteration).`,
    );
  }
  if (r.workerShare !== undefined) {
    lines.push(
      `The workers ran ${(100 * r.workerShare).toFixed(0)} % of the large products' tiles ` +
        `(${(100 * (1 - 1 / r.threads!)).toFixed(0)} % when every core is free).`,
    );
  }
  if (r.speedup) {
    lines.push(
      `Against 1 thread, round by round: ${ratioText(r.speedup)} times as fast.`,
    );
  }
  if (r.profileUnavailable) lines.push(`No profile: ${r.profileUnavailable}.`);
  const profile = r.profile ? profileMarkdown(title, r.profile, ms) : `### ${title}`;
  const [head, ...rest] = profile.split("\n");
  return [head, "", ...lines, ...rest].join("\n");
}

/** The section for every row, or nothing when there are none. */
export function stepTimeMarkdown(rows: readonly TimedRow[]): string {
  if (rows.length === 0) return "";
  return ["", "## Where the step's time goes", "", rows.map(rowSection).join("\n\n"), ""].join(
    "\n",
  );
}
