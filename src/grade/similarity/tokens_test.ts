// The normalised token stream: comments, whitespace, names and literals do not change it; the
// shape of the code does; and each token points back at its text.

import assert from "node:assert/strict";
import { PyRandom } from "../../random/py_random.ts";
import { kindName, tokenize } from "./tokens.ts";

const SOURCE = Deno.readTextFileSync(new URL("../staff_solution.ts", import.meta.url));

const kinds = (src: string) => Array.from(tokenize(src).kinds, kindName);

Deno.test("tokens abstract names and literals, keep keywords and operators, drop comments and separators", () => {
  assert.deepEqual(
    kinds(`const total = a.b(1, "x"); // sum\n/* note */ return total >= 2 ? \`t\${u}\` : /re/g;`),
    [
      "const",
      "ID",
      "=",
      "ID",
      ".",
      "ID",
      "(",
      "NUM",
      "STR",
      ")",
      "return",
      "ID",
      ">=",
      "NUM",
      "?",
      "STR",
      ":",
      "RE",
    ],
  );
  assert.deepEqual(kinds("x / y / z"), ["ID", "/", "ID", "/", "ID"]); // division, not a regex
  assert.deepEqual(kinds("a.default + b?.of"), ["ID", ".", "ID", "+", "ID", "?.", "ID"]);
});

Deno.test("each token's offsets point at its text", () => {
  const t = tokenize(SOURCE);
  for (let i = 0; i < t.kinds.length; i++) {
    const text = SOURCE.slice(t.starts[i], t.ends[i]);
    const kind = kindName(t.kinds[i]);
    if (kind === "ID") assert.match(text, /^[\w$]+$/);
    else if (kind === "NUM") assert.match(text, /^[\d.]/);
    else if (kind !== "STR" && kind !== "RE") assert.equal(text, kind);
  }
});

/** `src` with its identifiers renamed at random (consistently) and comments and blank lines added. */
function disguise(src: string, rng: PyRandom): string {
  const t = tokenize(src);
  const renames = new Map<string, string>();
  let out = "";
  let at = 0;
  for (let i = 0; i < t.kinds.length; i++) {
    const gap = src.slice(at, t.starts[i]);
    out += gap.includes("\n") && rng.random() < 0.2 ? `${gap}// note ${i}\n\n` : gap;
    let text = src.slice(t.starts[i], t.ends[i]);
    if (kindName(t.kinds[i]) === "ID") {
      if (!renames.has(text)) renames.set(text, `v${rng.randbelow(1_000_000)}_${renames.size}`);
      text = renames.get(text)!;
    }
    out += text;
    at = t.ends[i];
  }
  return out + src.slice(at);
}

Deno.test("renaming every identifier and adding comments changes no token (100 seeded cases)", () => {
  const expected = kinds(SOURCE);
  for (let seed = 0; seed < 100; seed++) {
    const disguised = disguise(SOURCE, new PyRandom(seed));
    assert.deepEqual(kinds(disguised), expected, `seed ${seed}`);
  }
});
