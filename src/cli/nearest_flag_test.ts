import assert from "node:assert/strict";
import { editDistance, nearestFlag, unknownFlagMessage } from "./nearest_flag.ts";
import { oneLetterTypos } from "../testing.ts";

Deno.test("editDistance counts insertions, deletions, substitutions and swaps", () => {
  const cases: [string, string, number][] = [
    ["", "", 0],
    ["epochs", "epochs", 0],
    ["epoch", "epochs", 1],
    ["epochss", "epochs", 1],
    ["epohcs", "epochs", 1],
    ["epxchs", "epochs", 1],
    ["", "lr", 2],
    ["bogus", "json", 5],
  ];
  for (const [a, b, d] of cases) {
    assert.equal(editDistance(a, b), d, `${a} ${b}`);
    assert.equal(editDistance(b, a), d, `${b} ${a}`);
  }
});

Deno.test("every one-letter typo of a flag names that flag, or one as near", () => {
  const known = ["epochs", "seed", "lr", "theta", "resume", "out", "force", "json", "help"];
  for (const flag of known) {
    for (const typo of oneLetterTypos(flag).filter((t) => !known.includes(t))) {
      const near = nearestFlag(typo, known)!;
      assert.equal(near.distance, 1, `${typo}: ${near.flag}`);
      if (known.filter((k) => editDistance(typo, k) === 1).length === 1) {
        assert.equal(near.flag, flag, typo);
      }
    }
  }
});

Deno.test("unknownFlagMessage: a typo is asked about, a stranger flag given its nearest", () => {
  const known = ["epochs", "json", "help"];
  assert.equal(
    unknownFlagMessage("--epoch", known),
    "unknown flag --epoch; did you mean --epochs?",
  );
  assert.equal(
    unknownFlagMessage("--jsno=1", known),
    "unknown flag --jsno=1; did you mean --json?",
  );
  assert.equal(
    unknownFlagMessage("--bogus", known),
    "unknown flag --bogus; the nearest known flag is --epochs",
  );
});
