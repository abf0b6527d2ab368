import assert from "node:assert/strict";
import { displayWidth } from "./text_table.ts";
import { wrapParts, wrapWords } from "./wrap.ts";

Deno.test("wrapWords fills lines to their widths, words whole where they fit", () => {
  assert.deepEqual(wrapWords("", 10), [""]);
  assert.deepEqual(wrapWords("max abs Δ 2.86e-6", 40), ["max abs Δ 2.86e-6"]);
  assert.deepEqual(wrapWords("aa bb cc dd", 5), ["aa bb", "cc dd"]);
  assert.deepEqual(wrapWords("aa bb cc dd", 2, 8), ["aa", "bb cc dd"]);
  assert.deepEqual(wrapWords("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  assert.deepEqual(wrapWords("分开分开分开", 5), ["分开", "分开", "分开"]); // two columns each
});

Deno.test("wrapWords on random text: no line too wide, nothing lost, the words in order", () => {
  let seed = 7;
  const rand = (
    n: number,
  ) => (seed = (seed * 1103515245 + 12345) % 2 ** 31, Math.floor((seed / 2 ** 31) * n));
  const alphabet = "ab Δ分{}[]:, ";
  for (let trial = 0; trial < 300; trial++) {
    const text = Array.from({ length: rand(200) }, () => alphabet[rand(alphabet.length)]).join("");
    const [first, rest] = [2 + rand(40), 2 + rand(90)];
    const lines = wrapWords(text, first, rest);
    lines.forEach((l, i) => assert.ok(displayWidth(l) <= (i === 0 ? first : rest), `${l}`));
    assert.equal(lines.join("").replace(/ /g, ""), text.replace(/ /g, ""));
  }
});

Deno.test("wrapParts breaks between parts where it can, inside one only when it is wider than a line", () => {
  assert.deepEqual(wrapParts(["a b", "c"], 20), ["a b; c"]);
  assert.deepEqual(wrapParts(["max abs Δ 1.9e-6", "expected ≤ 1e-5", "[19, 13, 61]: x"], 36, 40), [
    "max abs Δ 1.9e-6; expected ≤ 1e-5;",
    "[19, 13, 61]: x",
  ]);
  assert.deepEqual(wrapParts(["aaaa bbbb cccc", "d"], 9), ["aaaa bbbb", "cccc; d"]);
  assert.deepEqual(wrapParts([], 10), [""]);
});
