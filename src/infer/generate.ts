/**
 * Greedy generation in onnxruntime with the chapter's semantics (`predict_rnn`, In [15]): one
 * graph call per character, the state `h_n` of each call carried into the next as `h0`.
 *
 * @module
 */

import type { Vocab } from "../data/vocab.ts";
import { greedyFeed } from "../model/predict.ts";
import { forward } from "./forward.ts";
import type { RnnSession } from "./session.ts";

/** The index of the first largest value (the tie rule of `argmax` in tfjs and NumPy). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * The prefix followed by `numChars + 1` greedily predicted characters, like `predictRnn` in tfjs.
 * Throws a `RangeError` for a prefix outside the vocabulary.
 */
export async function generateText(
  s: RnnSession,
  prefix: string,
  numChars: number,
  vocab: Vocab,
): Promise<string> {
  const feed = greedyFeed(prefix, numChars, vocab);
  let step = feed.next();
  let state: Float32Array = new Float32Array(s.hidden); // the chapter starts from zeros
  while (!step.done) {
    const { logits, hN } = await forward(s.session, [[step.value]], state);
    state = hN;
    step = feed.next(argmax(logits));
  }
  return step.value;
}
