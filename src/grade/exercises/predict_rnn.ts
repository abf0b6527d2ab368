/**
 * Exercise 6, In [15] `predict_rnn`: greedy prediction after a prefix, with the `rnn` and
 * `get_inputs` it is given (the reference primitives, in the child).
 *
 * @module
 */

import type { Value } from "../codec.ts";
import type { RnnParams } from "../contract.ts";
import { buildVocab } from "../../data/vocab.ts";
import * as staff from "../staff_solution.ts";
import { type Exercise, hiddenCase, publicCase } from "./exercise.ts";
import { argsOf, params } from "./values.ts";

const VOCAB = buildVocab(Array.from("分开不战争中部队我想你的爱abc ")).idxToChar;
const HIDDEN_DIM = 8;

/** The arguments of a case: a prefix, how many characters to predict, random parameters. */
function predictArgs(
  { seed, prefix, numChars }: { seed: number; prefix: string; numChars: number },
): Record<string, Value> {
  return {
    prefix,
    numChars,
    params: params({ seed, vocab: VOCAB.length, hiddenDim: HIDDEN_DIM, scale: 1 }),
    hiddenDim: HIDDEN_DIM,
    idxToChar: VOCAB,
  };
}

interface Args {
  prefix: string;
  numChars: number;
  params: RnnParams;
  hiddenDim: number;
  idxToChar: string[];
}

/** The exercise. */
export function predictRnnExercise(): Exercise {
  return {
    name: "predictRnn",
    title: "In [15] predict_rnn",
    points: 15,
    timeoutS: 30,
    tolerance: null,
    hint: "In [15]: lower-case the prefix; start from a zero state of 1 × hidden_dim; loop " +
      "num_chars + len(prefix) times, feeding the prefix's next character while still inside it, " +
      "then the argmax of the output; the result has len(prefix) + num_chars + 1 characters. " +
      "Call the rnn and get_inputs you are given.",
    place: () => "the prediction",
    cases: [
      publicCase(
        "prefix 分开, 10 characters",
        predictArgs({ seed: 51, prefix: "分开", numChars: 10 }),
      ),
      publicCase(
        "prefix 不分开, 5 characters",
        predictArgs({ seed: 52, prefix: "不分开", numChars: 5 }),
      ),
      hiddenCase(
        "a one-character prefix 我, 8 characters",
        predictArgs({ seed: 53, prefix: "我", numChars: 8 }),
      ),
      hiddenCase(
        "num_chars 0: prefix 战争中部队",
        predictArgs({ seed: 54, prefix: "战争中部队", numChars: 0 }),
      ),
      hiddenCase(
        "an upper-case prefix AB (lower-cased first), 6 characters",
        predictArgs({ seed: 55, prefix: "AB", numChars: 6 }),
      ),
    ],
    expected: (c) => {
      const a = argsOf<Args>(c);
      const charToIdx = new Map(a.idxToChar.map((ch, i) => [ch, i]));
      return staff.predictRnn(
        staff.rnn,
        a.prefix,
        a.numChars,
        a.params,
        a.hiddenDim,
        a.idxToChar,
        charToIdx,
        staff.getInputs,
      );
    },
  };
}
