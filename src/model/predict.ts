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
 * One step of greedy generation: the inputs `tokens` (one per row of `state`) through In [13]'s
 * `rnn`, returning the new state and each row's argmax (read back: the next input depends on it).
 */
async function greedyStep(
  tokens: number[],
  state: tf.Tensor2D,
  params: Params,
): Promise<{ state: tf.Tensor2D; argmax: Int32Array }> {
  const [x] = getInputs(tokens.map((t) => [t]), params.wXh.shape[0]);
  const next = tf.tidy(() => {
    const { outputs, state: h } = rnn([x], state, params);
    return { h, argmax: tf.argMax(outputs[0], 1) };
  });
  x.dispose();
  const argmax = await next.argmax.data<"int32">();
  next.argmax.dispose();
  return { state: next.h, argmax };
}

/**
 * In [15] `predict_rnn`: the prefix followed by `numChars + 1` greedily predicted characters.
 * Asynchronous because reading the argmax back from a GPU is.
 *
 * @example `len(prefix) + num_chars + 1` characters, untrained parameters or not
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildVocab, initParams, predictRnn, selectBackend } from "@rnnlab/rnnlab";
 *
 * await selectBackend("cpu");
 * const vocab = buildVocab([..."分开不想你"]);
 * const text = await predictRnn("分开", 10, initParams(vocab.idxToChar.length, 8, 0), vocab);
 * assert.equal([...text].length, 2 + 10 + 1);
 * assert.ok(text.startsWith("分开"));
 * ```
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
    const next = await greedyStep([step.value], state, params);
    state.dispose();
    state = next.state;
    step = feed.next(next.argmax[0]);
  }
  state.dispose();
  return step.value;
}

/**
 * {@linkcode predictRnn} for several prefixes at once: the same text for each, in one batch.
 *
 * Row i feeds prefix i's characters, then its own argmax, as {@linkcode greedyFeed} says; the rows
 * step together, so a shorter prefix starts generating while a longer one is still being fed, and
 * a row that has its text keeps stepping, unread, until the longest is done. The argmaxes of all
 * rows come back in one read per step. On cpu and wasm each row's numbers are the ones `predictRnn`
 * computes for it alone (a row of a product does not depend on the other rows there), so the text
 * is the same; tfjs-webgpu multiplies a single row by another program than several, so there it is
 * the same unless two logits come within a rounding of each other.
 */
export async function predictRnnBatch(
  prefixes: readonly string[],
  numChars: number,
  params: Params,
  vocab: Vocab,
): Promise<string[]> {
  const feeds = prefixes.map((p) => greedyFeed(p, numChars, vocab));
  let steps = feeds.map((f) => f.next());
  let state = initState(prefixes.length, params.wHh.shape[0]);
  while (steps.some((s) => !s.done)) {
    const next = await greedyStep(steps.map((s) => s.done ? 0 : s.value), state, params);
    state.dispose();
    state = next.state;
    steps = steps.map((s, i) => s.done ? s : feeds[i].next(next.argmax[i]));
  }
  state.dispose();
  return steps.map((s) => s.value as string);
}
