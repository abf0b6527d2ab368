/**
 * The chapter's "字符的数值表示" cells (In [4] and [5]): the vocabulary and the corpus as indices.
 *
 * The chapter builds `idx_to_char = list(set(corpus_chars))`, whose order Python leaves undefined;
 * this project fixes it to `sorted(set(corpus_chars))`, the characters in Unicode code point order,
 * so every run and every language gets the same indices.
 *
 * @module
 */

/** The two maps between characters and indices. */
export interface Vocab {
  /** `idx_to_char`: the distinct characters in code point order. */
  idxToChar: string[];
  /** `char_to_idx`: each character's index in `idxToChar`. */
  charToIdx: Map<string, number>;
}

/**
 * In [4]: the distinct characters of `chars`, sorted by code point like Python's `sorted(set(s))`.
 *
 * @example In [4] and [5]: a vocabulary, then the text as indices and back
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildVocab, decode, encode } from "@rnnlab/rnnlab";
 *
 * const chars = [..."想要有直升机 想要和你飞到宇宙去"];
 * const vocab = buildVocab(chars);
 * assert.equal(vocab.idxToChar[0], " "); // code point order: the space first
 * const indices = encode(chars, vocab);
 * assert.equal(decode(indices, vocab), chars.join(""));
 * ```
 */
export function buildVocab(chars: readonly string[]): Vocab {
  return vocabFromList(
    [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!),
  );
}

/** A vocabulary given in index order (as a run or a model file records it): both maps. */
export function vocabFromList(idxToChar: string[]): Vocab {
  return { idxToChar, charToIdx: new Map(idxToChar.map((c, i) => [c, i])) };
}

/** In [5]: `corpus_indices = [char_to_idx[char] for char in corpus_chars]`. */
export function encode(chars: readonly string[], vocab: Vocab): number[] {
  return chars.map((c) => {
    const idx = vocab.charToIdx.get(c);
    if (idx === undefined) {
      throw new RangeError(`character ${JSON.stringify(c)} is not in the vocabulary`);
    }
    return idx;
  });
}

/** The inverse of {@linkcode encode}: `''.join([idx_to_char[idx] for idx in indices])`. */
export function decode(indices: readonly number[], vocab: Vocab): string {
  return indices.map((i) => vocab.idxToChar[i]).join("");
}
