/**
 * Does the exported model compute what the training framework computes? Parity checks between
 * onnxruntime and the tfjs model of `src/model/` on the same parameters:
 *
 * - the export loads and runs in onnxruntime on the chosen execution provider;
 * - on a fixed batch (35 steps × 32 sequences, from a non-zero state), onnxruntime's `logits` and
 *   `h_n`, and the tfjs forward `rnn`'s, each lie within the derived tolerance of the float64
 *   forward of the same parameters (`forward_check.ts`; the rule: `derived_tolerance.ts`);
 * - greedy generation from each prefix gives the same text in both engines;
 * - where `python3` has the `onnx` package, the file passes `onnx.checker` (a development check:
 *   where `python3` or its `onnx` is missing, its row is skipped with the reason).
 *
 * tfjs runs on whatever backend is active; select one first (`selectBackend`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { type Vocab, vocabFromList } from "../data/vocab.ts";
import { disposeParams, type ParamArrays, type Params, paramsFromArrays } from "../model/params.ts";
import { predictRnn } from "../model/predict.ts";
import { getInputs, rnn } from "../model/rnn.ts";
import { runOnnxChecker } from "../onnx/checker.ts";
import { METADATA_KEYS } from "../onnx/metadata.ts";
import { encodeRnnModel } from "../onnx/model.ts";
import { forward } from "../infer/forward.ts";
import { generateText } from "../infer/generate.ts";
import { type EpName, openRnnSession, type RnnSession } from "../infer/session.ts";
import { type Check, skipCheck } from "./check.ts";
import { forwardChecks, forwardYardstick } from "./forward_check.ts";
import type { ForwardEngine } from "./mutations.ts";

/** The fixed batch's shape: the chapter's `num_steps` and `batch_size`. */
export const PARITY_BATCH = { seq: 35, batch: 32 } as const;

/** What the parity checks run on. */
export interface ParityInput {
  /** The parameters, as trained. */
  params: ParamArrays;
  /** The vocabulary in index order. */
  vocab: string[];
  /** The prefixes to generate from. */
  prefixes: string[];
  /** Characters to generate after each prefix (the chapter's `pred_len`, 100, by default). */
  numChars?: number;
  /** The execution provider (cpu by default). */
  ep?: EpName;
  /** Which model, in every row's name (e.g. `golden trained_small`); none by default. */
  model?: string;
}

/** The fixed batch: deterministic tokens `[seq][batch]` over the whole vocabulary, and a state. */
export function parityBatch(vocabSize: number, hidden: number) {
  const { seq, batch } = PARITY_BATCH;
  const tokens = Array.from(
    { length: seq },
    (_, t) => Array.from({ length: batch }, (_, b) => (t * 131 + b * 17) % vocabSize),
  );
  const h0 = Float32Array.from({ length: batch * hidden }, (_, i) => 0.5 * Math.sin(i));
  return { tokens, h0 };
}

/** The tfjs forward on `tokens[t][b]` from `h0`: logits `[seq, batch, vocab]` and the last state. */
async function tfjsForward(
  p: Params,
  tokens: readonly (readonly number[])[],
  h0: Float32Array,
): Promise<{ logits: Float32Array; hN: Float32Array }> {
  const batch = tokens[0].length;
  const batchMajor = tokens[0].map((_, b) => tokens.map((row) => row[b])); // get_inputs takes X
  const inputs = getInputs(batchMajor, p.wXh.shape[0]);
  const [logits, hN] = tf.tidy(() => {
    const { outputs, state } = rnn(inputs, tf.tensor2d(h0, [batch, h0.length / batch]), p);
    return [tf.stack(outputs), state];
  });
  const result = { logits: await logits.data<"float32">(), hN: await hN.data<"float32">() };
  tf.dispose([logits, hN, ...inputs]);
  return result;
}

/** The tfjs forward `rnn` on the active backend as a {@linkcode ForwardEngine}. */
export const tfjsEngine: ForwardEngine = async (params, tokens, h0) => {
  const p = paramsFromArrays(params);
  try {
    return await tfjsForward(p, tokens, h0);
  } finally {
    disposeParams(p);
  }
};

/**
 * onnxruntime on `ep` as a {@linkcode ForwardEngine}: each call exports the parameters it is given
 * and runs the graph once (what the mutations run, `mutations.ts`).
 */
export function onnxEngine(ep: EpName = "cpu"): ForwardEngine {
  return async (params, tokens, h0) => {
    const s = await openRnnSession(encodeRnnModel(params, {}), ep);
    try {
      return await forward(s.session, tokens, h0);
    } finally {
      await s.session.release();
    }
  };
}

/** The index of the first character where two texts differ, or -1. */
function firstDifference(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Greedy generation from `prefix` in both engines. */
async function generationCheck(
  s: RnnSession,
  p: Params,
  vocab: Vocab,
  prefix: string,
  numChars: number,
): Promise<Check> {
  const name = `onnx ${s.ep}: greedy generation from ${prefix} equals tfjs predictRnn`;
  const expected = "identical text";
  let ortText: string;
  let tfText: string;
  try {
    tfText = await predictRnn(prefix, numChars, p, vocab);
    ortText = await generateText(s, prefix, numChars, vocab);
  } catch (err) {
    return { name, status: "FAIL", measured: (err as Error).message, expected, worst: "" };
  }
  const at = firstDifference(ortText, tfText);
  return at < 0
    ? {
      name,
      status: "ok",
      measured: `identical (${Array.from(ortText).length} chars)`,
      expected,
      worst: "",
    }
    : {
      name,
      status: "FAIL",
      measured: `differs at char ${at}`,
      expected,
      worst: `onnxruntime ${JSON.stringify(ortText)} vs tfjs ${JSON.stringify(tfText)}`,
    };
}

/**
 * Runs every parity check (see the module doc) and returns one row per check, each name preceded
 * by `input.model` where given.
 */
export async function onnxParityChecks(input: ParityInput): Promise<Check[]> {
  const checks = await parityChecks(input);
  return input.model ? checks.map((c) => ({ ...c, name: `${input.model}: ${c.name}` })) : checks;
}

/** {@linkcode onnxParityChecks}, its rows unnamed by model. */
async function parityChecks(input: ParityInput): Promise<Check[]> {
  const ep = input.ep ?? "cpu";
  const bytes = encodeRnnModel(input.params, {
    [METADATA_KEYS.vocab]: JSON.stringify(input.vocab),
  });
  const checks: Check[] = [];
  const checker = await runOnnxChecker(bytes);
  const checkerName = "onnx.checker accepts the export (dev check)";
  checks.push(
    checker.available
      ? {
        name: checkerName,
        status: checker.ok ? "ok" : "FAIL",
        measured: checker.message,
        expected: "valid model",
        worst: "",
      }
      : skipCheck(checkerName, checker.why),
  );
  let s: RnnSession;
  try {
    s = await openRnnSession(bytes, ep);
  } catch (err) {
    checks.push({
      name: `onnx ${ep}: the export loads and runs in onnxruntime`,
      status: "FAIL",
      measured: (err as Error).message,
      expected: "a session",
      worst: "",
    });
    return checks;
  }
  checks.push({
    name: `onnx ${ep}: the export loads and runs in onnxruntime`,
    status: "ok",
    measured: `session on ${s.ep}`,
    expected: "a session",
    worst: "",
  });
  const [vocabSize, hidden] = input.params.W_xh.shape;
  const { seq, batch } = PARITY_BATCH;
  const { tokens, h0 } = parityBatch(vocabSize, hidden);
  const p = paramsFromArrays(input.params);
  try {
    const yardstick = forwardYardstick(input.params, tokens, h0);
    const fixed = `(seq ${seq}, batch ${batch})`;
    checks.push(
      ...forwardChecks(`onnx ${ep}`, await forward(s.session, tokens, h0), yardstick, fixed),
      ...forwardChecks(
        `tfjs ${tf.getBackend()}`,
        await tfjsForward(p, tokens, h0),
        yardstick,
        fixed,
      ),
    );
    const vocab = vocabFromList(input.vocab);
    for (const prefix of input.prefixes) {
      checks.push(await generationCheck(s, p, vocab, prefix, input.numChars ?? 100));
    }
  } finally {
    disposeParams(p);
    await s.session.release();
  }
  return checks;
}
