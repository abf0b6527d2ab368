/**
 * The chapter's "预测序列" cell (In [15], `predict_rnn`): greedy generation from a prefix.
 *
 * Like the chapter, it starts from `prefix[0]` and runs `numChars + len(prefix)` steps, feeding
 * the prefix's characters first and then its own argmax, so the result is
 * `len(prefix) + numChars + 1` characters long.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Vocab } from "../data/vocab.ts";
import type { Params } from "./params.ts";
import { getInputs, initState, rnn } from "./rnn.ts";

/**
 * The most characters the tasks predict after a prefix (`train --pred-len`, `generate --chars`):
 * generation runs one step per character, so far more is a hang, not a result.
 */
export const MAX_PREDICT_CHARS = 100_000;

/**
 * The prefix as indices (`prefix.lower()`, then `char_to_idx`). Throws a `RangeError` naming the
 * first character outside the vocabulary, so it also checks a prefix before any work is done.
 */
export function checkPrefix(prefix: string, vocab: Vocab): number[] {
  const chars = Array.from(prefix.toLowerCase());
  if (chars.length === 0) throw new RangeError("a prefix must not be empty");
  const missing = chars.find((c) => !vocab.charToIdx.has(c));
  if (missing !== undefined) {
    throw new RangeError(
      `prefix ${JSON.stringify(prefix)} has ${JSON.stringify(missing)} (U+${
        missing.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")
      }), which is not in the vocabulary`,
    );
  }
  return chars.map((c) => vocab.charToIdx.get(c)!);
}

/**
 * The chapter's feeding rule, apart from the engine that runs the steps: the generator yields the
 * index to feed at each step and is sent back the argmax of that step's output; it returns the
 * text. Inside the prefix the next input is the prefix's next character, after it the argmax.
 */
export function* greedyFeed(
  prefix: string,
  numChars: number,
  vocab: Vocab,
): Generator<number, string, number> {
  const indices = checkPrefix(prefix, vocab); // prefix = prefix.lower(), as indices
  const output = [indices[0]];
  for (let i = 0; i < numChars + indices.length; i++) {
    const argmax = yield output[output.length - 1];
    output.push(i < indices.length - 1 ? indices[i + 1] : argmax);
  }
  return output.map((i) => vocab.idxToChar[i]).join("");
}

/**
 * In [15] `predict_rnn`: the prefix followed by `numChars + 1` greedily predicted characters.
 * Asynchronous because reading the argmax back from a GPU is.
 */
export async function predictRnn(
  prefix: string,
  numChars: number,
  params: Params,
  vocab: Vocab,
): Promise<string> {
  const feed = greedyFeed(prefix, numChars, vocab);
  let step = feed.next();
  let state = initState(1, params.wHh.shape[0]);
  while (!step.done) {
    const [x] = getInputs([[step.value]], vocab.idxToChar.length);
    const next = tf.tidy(() => {
      const { outputs, state: h } = rnn([x], state, params);
      return { h, argmax: tf.argMax(outputs[0], 1) };
    });
    x.dispose();
    state.dispose();
    state = next.h;
    const argmax = (await next.argmax.data())[0];
    next.argmax.dispose();
    step = feed.next(argmax);
  }
  state.dispose();
  return step.value;
}
