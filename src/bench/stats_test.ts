import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import {
  bootstrapMedianInterval,
  median,
  pairedRatios,
  percentiles,
  quantile,
  summarize,
} from "./stats.ts";

/** P(Binomial(n, p) ≥ k). */
function binomialTail(n: number, p: number, k: number): number {
  let sum = 0;
  for (let j = k; j <= n; j++) {
    let choose = 1;
    for (let i = 0; i < j; i++) choose = choose * (n - i) / (i + 1);
    sum += choose * p ** j * (1 - p) ** (n - j);
  }
  return sum;
}

/**
 * The exact bootstrap interval of the median of n distinct values, n odd: a resample's median is
 * at most the j-th smallest value when (n + 1)/2 of its draws are, each with chance j/n.
 */
function exactInterval(values: number[], level = 0.95): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const cdf = (j: number) => binomialTail(n, j / n, (n + 1) / 2);
  const first = (p: number) => sorted.findIndex((_, i) => cdf(i + 1) >= p);
  return [sorted[first((1 - level) / 2)], sorted[first((1 + level) / 2)]];
}

Deno.test("a known sample gives the known interval: 11 values, the exact bootstrap's 3rd to 9th", () => {
  // P(a resample's median ≤ the j-th value) for j = 2, 3, 8, 9: 0.007, 0.051, 0.949, 0.993.
  const sample = [107, 103, 111, 101, 109, 105, 110, 102, 108, 104, 106];
  assert.deepEqual(exactInterval(sample), [103, 109]);
  assert.deepEqual(bootstrapMedianInterval(sample), [103, 109]);
  assert.deepEqual(summarize(sample).ci95, [103, 109]);
});

Deno.test("with 5 or fewer repeats the interval is the whole range; with one, the value", () => {
  assert.deepEqual(bootstrapMedianInterval([5, 1, 4, 2, 3]), [1, 5]);
  assert.deepEqual(bootstrapMedianInterval([0.4, 0.9, 0.5]), [0.4, 0.9]);
  assert.deepEqual(bootstrapMedianInterval([7]), [7, 7]);
});

Deno.test("the bootstrap matches the exact interval on generated odd samples, holds the median, and scales", () => {
  const rng = new PyRandom(26);
  for (let c = 0; c < 60; c++) {
    const n = 7 + 2 * rng.randbelow(6);
    const sample = Array.from({ length: n }, () => 50 + 100 * rng.random());
    const [low, high] = bootstrapMedianInterval(sample);
    const m = median(sample);
    const what = `case ${c}: [${sample.join(", ")}]`;
    assert.ok(Math.min(...sample) <= low && low <= m && m <= high, what);
    assert.ok(high <= Math.max(...sample), what);
    assert.deepEqual(bootstrapMedianInterval(sample.map((x) => 2 * x)), [2 * low, 2 * high], what);
    // Monte Carlo error: 10,000 resamples put a 2.5 % point within one order statistic of exact.
    const sorted = [...sample].sort((a, b) => a - b);
    const [exactLow, exactHigh] = exactInterval(sample).map((x) => sorted.indexOf(x));
    assert.ok(Math.abs(sorted.indexOf(low) - exactLow) <= 1, what);
    assert.ok(Math.abs(sorted.indexOf(high) - exactHigh) <= 1, what);
  }
});

Deno.test("quantiles interpolate as NumPy's do; percentiles are P50, P90, P99", () => {
  assert.equal(quantile([4, 1, 3, 2], 0.9), 3.7); // numpy.quantile([1, 2, 3, 4], 0.9)
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const steps = Array.from({ length: 101 }, (_, i) => i);
  assert.deepEqual(percentiles(steps), { p50: 50, p90: 90, p99: 99 });
  assert.throws(() => quantile([], 0.5), /no values/);
});

Deno.test("a summary keeps every sample, and ratios pair the rounds", () => {
  const s = summarize([120, 100, 110]);
  assert.deepEqual(s.samples, [120, 100, 110]);
  assert.equal(s.median, 110);
  assert.equal(s.spread, 20 / 110);
  assert.deepEqual(pairedRatios([2, 9], [4, 3]), [0.5, 3]);
  assert.throws(() => pairedRatios([1], [1, 2]), /1 times against 2/);
});
