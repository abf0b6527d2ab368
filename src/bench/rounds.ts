/**
 * Repeats, interleaved: every engine of a benchmark runs once per round, in the same order each
 * round (A B C A B C …), so whatever drifts over the run (the machine's load, its clock, its
 * caches) reaches every engine alike, and the ratio of two engines is taken within each round.
 * The load is checkpointed after every run (`quiet.ts`).
 *
 * @module
 */

import { pairedRatios, summarize, type Summary } from "./stats.ts";

/** One engine a benchmark measures, once per round. */
export interface Engine<S> {
  /** Stable across results of the same benchmark (the regression gate matches rows by it). */
  key: string;
  /** In words, for the progress lines. */
  label: string;
  /** Measures it once; `round` counts from 0. */
  run(round: number): Promise<S>;
}

/** A result that says the engine cannot run here: measured once, not every round. */
export interface Unavailable {
  unavailable?: string;
}

/**
 * Runs every engine once per round for `rounds` rounds, in order, calling `after` after each run;
 * returns each engine's results, in round order, by key. An engine that reports itself
 * unavailable is not run again.
 */
export async function interleave<S>(
  engines: readonly Engine<S>[],
  rounds: number,
  { after, log }: { after: () => Promise<void>; log: (line: string) => void },
): Promise<Map<string, S[]>> {
  const results = new Map(engines.map((e) => [e.key, [] as S[]]));
  for (let round = 0; round < rounds; round++) {
    for (const engine of engines) {
      const done = results.get(engine.key)!;
      if ((done[0] as Unavailable | undefined)?.unavailable !== undefined) continue;
      log(`round ${round + 1} of ${rounds}: ${engine.label}…`);
      done.push(await engine.run(round));
      await after();
    }
  }
  return results;
}

/** An engine's ratios to PyTorch eager's and `nn.RNN`'s times, round by round. */
export interface Ratios {
  /** Over PyTorch eager's time in the same round, when both ran. */
  vsTorch?: Summary;
  /** Over PyTorch `nn.RNN`'s. */
  vsTorchRnn?: Summary;
}

/** `a` over `b` round by round, summarised; none unless both ran in the same rounds. */
function roundRatios(a?: readonly number[], b?: readonly number[]): Summary | undefined {
  return a && b && a.length === b.length && a.length > 0
    ? summarize(pairedRatios(a, b))
    : undefined;
}

/**
 * The ratios of `times` (one per round) to the yardsticks' times in the same rounds; a yardstick
 * that did not run (or ran in fewer rounds) gives none.
 */
export function ratiosTo(
  times: readonly number[],
  yardsticks: { eager?: readonly number[]; nnRnn?: readonly number[] },
): Ratios {
  const [vsTorch, vsTorchRnn] = [yardsticks.eager, yardsticks.nnRnn].map((base) =>
    roundRatios(times, base)
  );
  return { ...(vsTorch && { vsTorch }), ...(vsTorchRnn && { vsTorchRnn }) };
}

/**
 * On wasm with several threads: the same run's time on one thread over its time here, round by
 * round (how many times as fast the extra threads make it), when both ran in the same rounds.
 */
export function threadSpeedup(
  times: readonly number[],
  oneThread: readonly number[] | undefined,
): Summary | undefined {
  return roundRatios(oneThread, times);
}
