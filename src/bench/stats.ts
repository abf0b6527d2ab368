/**
 * The statistics of a repeated benchmark: each time, and each ratio of two times taken in the
 * same round, summarised by its median, its spread and a 95 % confidence interval of the median.
 *
 * The interval is a percentile bootstrap: the sample resampled with replacement 10,000 times by
 * CPython's generator from a fixed seed (so a rerun, or Python's `random.Random(0)._randbelow`,
 * gives the same interval), the median of each resample, and the 2.5 % and 97.5 % points of those
 * medians. It assumes nothing about the times' distribution, which on a shared machine is skewed
 * (a run can only be slowed down). The median of n values cannot be pinned down more finely than
 * its neighbours: with n ≤ 5 repeats the interval is the whole range, [min, max], whose chance to
 * hold the true median is 1 − 2^(1−n) (94 % for 5, 75 % for 3), so a citable number wants 5 or
 * more. Nothing is dropped: every sample is kept beside its summary.
 *
 * @module
 */

import { PyRandom } from "../random/py_random.ts";

/** A sample and what a table says of it. */
export interface Summary {
  /** Every value, in the order measured. */
  samples: number[];
  /** The median. */
  median: number;
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
  /** (max − min) / median. */
  spread: number;
  /** A 95 % confidence interval of the median, [low, high]. */
  ci95: [number, number];
}

/** The sample's quantile `q` (0 to 1), interpolated between order statistics (NumPy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error("the quantile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
}

/** The median: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Per-step percentiles, as a benchmark table gives them. */
export interface Percentiles {
  /** The median. */
  p50: number;
  /** The 90th percentile. */
  p90: number;
  /** The 99th percentile. */
  p99: number;
}

/** P50, P90 and P99 of `values`. */
export function percentiles(values: readonly number[]): Percentiles {
  return { p50: quantile(values, 0.5), p90: quantile(values, 0.9), p99: quantile(values, 0.99) };
}

/**
 * A percentile bootstrap interval of the median at `level`: `resamples` resamples drawn by
 * CPython's generator seeded with `seed`; their medians' (1 − level)/2 and (1 + level)/2 order
 * statistics.
 */
export function bootstrapMedianInterval(
  values: readonly number[],
  { resamples = 10_000, level = 0.95, seed = 0 } = {},
): [number, number] {
  const n = values.length;
  if (n === 0) throw new Error("the interval of no values");
  const rng = new PyRandom(seed);
  const medians = new Float64Array(resamples);
  const resample = new Float64Array(n);
  const middle = (n - 1) / 2;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) resample[i] = values[rng.randbelow(n)];
    resample.sort(); // numerically, in place
    medians[r] = (resample[Math.floor(middle)] + resample[Math.ceil(middle)]) / 2;
  }
  medians.sort();
  const tail = (1 - level) / 2;
  return [medians[Math.floor(tail * resamples)], medians[Math.ceil((1 - tail) * resamples) - 1]];
}

/** The median, range, spread and 95 % interval of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  const mid = median(samples);
  const [min, max] = [Math.min(...samples), Math.max(...samples)];
  return {
    samples: [...samples],
    median: mid,
    min,
    max,
    spread: (max - min) / mid,
    ci95: bootstrapMedianInterval(samples),
  };
}

/** `a[i] / b[i]`: the ratios of two engines' times in the same rounds. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`${a.length} times against ${b.length}`);
  return a.map((x, i) => x / b[i]);
}
