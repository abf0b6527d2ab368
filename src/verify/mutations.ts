/**
 * The bugs a forward check must catch: each mutation is a wrong way to run the model, applied to
 * an engine (onnxruntime on the export, as `deno task export --check` runs it). A tolerance that
 * lets one of them through is too loose, whatever the correct engines measure
 * (`test/mutations_test.ts` runs them all on a trained and an untrained model; their margins are
 * `bench/parity_margins.ts`'s).
 *
 * @module
 */

import { PARAM_NAMES, type ParamArrays, type ParamName } from "../model/params.ts";
import type { ForwardOutputs } from "./forward_check.ts";

/** A forward pass of some engine: logits `[seq, batch, vocab]` and the last state. */
export type ForwardEngine = (
  params: ParamArrays,
  tokens: readonly (readonly number[])[],
  h0: Float32Array,
) => Promise<ForwardOutputs>;

/** A mutation: what it gets wrong, and the engine's outputs with it. */
export interface Mutation {
  /** What it gets wrong. */
  what: string;
  /** Runs `engine` on `params`, `tokens` and `h0`, with the bug. */
  run: (
    engine: ForwardEngine,
    params: ParamArrays,
    tokens: readonly (readonly number[])[],
    h0: Float32Array,
  ) => Promise<ForwardOutputs>;
}

/** `p` with parameter `name`'s values replaced by `f` of them. */
function withParam(
  p: ParamArrays,
  name: ParamName,
  f: (data: Float32Array) => Float32Array,
): ParamArrays {
  return { ...p, [name]: { shape: p[name].shape, data: f(p[name].data) } };
}

/** Every parameter rounded by `round`. */
function rounded(p: ParamArrays, round: (x: number) => number): ParamArrays {
  return Object.fromEntries(
    PARAM_NAMES.map((n) => [n, { shape: p[n].shape, data: p[n].data.map(round) }]),
  ) as ParamArrays;
}

/** `x` rounded to bfloat16 (float32's top 16 bits), to nearest, ties to even. */
export function bfloat16Round(x: number): number {
  const bits = new Uint32Array(Float32Array.of(x).buffer);
  const lsb = (bits[0] >>> 16) & 1; // a tie goes to the even upper half
  bits[0] = ((bits[0] + 0x7fff + lsb) >>> 16) << 16;
  return new Float32Array(bits.buffer)[0];
}

/** A square matrix (`n × n`, row-major) transposed. */
function transpose(m: Float32Array): Float32Array {
  const n = Math.round(Math.sqrt(m.length));
  return m.map((_, k) => m[(k % n) * n + Math.floor(k / n)]);
}

/** The mutations, each a bug seen in RNN code (or in a careless export). */
export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  "W_hh transposed": {
    what: "H_{t-1} W_hhᵀ: the recurrent weights read in the other layout",
    run: (e, p, tokens, h0) => e(withParam(p, "W_hh", transpose), tokens, h0),
  },
  "b_h dropped": {
    what: "the hidden bias left out",
    run: (e, p, tokens, h0) => e(withParam(p, "b_h", (d) => d.map(() => 0)), tokens, h0),
  },
  "b_y dropped": {
    what: "the output bias left out",
    run: (e, p, tokens, h0) => e(withParam(p, "b_y", (d) => d.map(() => 0)), tokens, h0),
  },
  "off by one in time": {
    what: "step t reads the input of step t + 1 (the last step its own)",
    run: (e, p, tokens, h0) =>
      e(p, tokens.map((_, t) => tokens[Math.min(t + 1, tokens.length - 1)]), h0),
  },
  "state not carried": {
    what: "every step starts from the initial state instead of the previous step's",
    run: async (e, p, tokens, h0) => {
      const steps = [];
      for (const row of tokens) steps.push(await e(p, [row], h0));
      const logits = steps.flatMap((s) => Array.from(s.logits));
      return { logits, hN: steps.at(-1)!.hN };
    },
  },
  "weights in bfloat16": {
    what: "every parameter rounded to bfloat16 (8 bits of mantissa)",
    run: (e, p, tokens, h0) => e(rounded(p, bfloat16Round), tokens, h0),
  },
  "weights in float16": {
    what: "every parameter rounded to float16 (11 bits of mantissa)",
    run: (e, p, tokens, h0) => e(rounded(p, Math.f16round), tokens, h0),
  },
  "one wrong logit": {
    what: "one logit (the middle one) off by 1% of the largest |logit|",
    run: async (e, p, tokens, h0) => {
      const out = await e(p, tokens, h0);
      const logits = Array.from(out.logits);
      const scale = logits.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      logits[Math.floor(logits.length / 2)] += 0.01 * scale;
      return { logits, hN: out.hN };
    },
  },
};
