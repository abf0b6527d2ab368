// The catalogue of mistakes against the chapter and the cases: every mistake cites a line of the
// chapter's cell it concerns, shows on at least one case, and can be told from every other mistake
// of its exercise; the table of their outcomes is read when current and built again when not.

import assert from "node:assert/strict";
import { join } from "node:path";
import type { Value } from "../src/grade/codec.ts";
import { MISTAKES } from "../src/grade/mistakes/catalogue.ts";
import { mistakeTable, tableJson, tableKey } from "../src/grade/mistakes/table.ts";
import { findDifference } from "../src/grade/value_diff.ts";
import { SHARED, sharedGrader } from "./_helpers.ts";
import * as tf from "@tensorflow/tfjs";

const CHAPTER = `${SHARED}seed/rnn-scratch.zh.md`;

/** The code lines of the chapter's cell `In [n]:` (up to the next cell's start). */
function cellLines(text: string, cell: string): string[] {
  const start = text.indexOf(`${cell}:`);
  const end = text.indexOf("In [", start + cell.length);
  return text.slice(start, end < 0 ? undefined : end).split("\n").map((l) => l.trim());
}

Deno.test({
  name: "every mistake cites a line of the chapter's cell it concerns",
  ignore: (await Deno.stat(CHAPTER).catch(() => null)) === null,
  fn: () => {
    const text = Deno.readTextFileSync(CHAPTER);
    assert.ok(MISTAKES.length >= 15, `${MISTAKES.length} mistakes`);
    for (const m of MISTAKES) {
      assert.ok(cellLines(text, m.cell).includes(m.chapterLine), `${m.id}: ${m.chapterLine}`);
      assert.ok(m.advice.length > 40 && m.advice.length < 400, `${m.id}: one or two sentences`);
    }
  },
});

Deno.test("every mistake shows on a case, and no two mistakes of an exercise give the same outcomes", async () => {
  const grader = await sharedGrader();
  const table = await mistakeTable(grader.exercises);
  const cache = new Map<string, Value>();
  const expected = (name: string, i: number) => {
    const ex = grader.exercises.find((e) => e.name === name)!;
    if (!cache.has(`${name}/${i}`)) {
      cache.set(`${name}/${i}`, tf.tidy(() => ex.expected(ex.cases[i]) as never));
    }
    return cache.get(`${name}/${i}`)!;
  };
  const seen: { id: string; exercise: string }[] = [];
  for (const m of MISTAKES) {
    let shows = false;
    for (const [name, outcomes] of table.outcomes.get(m.id)!) {
      const ex = grader.exercises.find((e) => e.name === name)!;
      shows ||= outcomes.some((o, i) =>
        "error" in o || findDifference(expected(name, i), o.value, ex.tolerance, ex.place) !== null
      );
      for (const other of seen.filter((s) => s.exercise === name)) {
        const theirs = table.outcomes.get(other.id)!.get(name)!;
        const same = outcomes.every((o, i) =>
          "error" in o ? "error" in theirs[i] : "value" in theirs[i] &&
            findDifference(o.value, theirs[i].value, ex.tolerance, ex.place) === null
        );
        assert.ok(!same, `${m.id} and ${other.id} give the same outcomes on ${name}`);
      }
      seen.push({ id: m.id, exercise: name });
    }
    assert.ok(shows, `${m.id} changes no case`);
  }
});

Deno.test("the table of outcomes is read when its key is current, and built again when not", async () => {
  const grader = await sharedGrader();
  // The exercises but trainRnn, whose mistakes take seconds to run.
  const exercises = grader.exercises.filter((e) => e.name !== "trainRnn");
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "grader", "outcomes.json");
    const built = await mistakeTable(exercises, path);
    assert.equal(built.key, await tableKey(exercises));
    assert.equal(await Deno.readTextFile(path), tableJson(built));
    const written = (await Deno.stat(path)).mtime;
    assert.deepEqual(await mistakeTable(exercises, path), built); // read back as it was built
    assert.deepEqual((await Deno.stat(path)).mtime, written);
    // A table for other cases (or code) is not trusted: it is built again and replaced.
    await Deno.writeTextFile(path, tableJson({ ...built, key: "stale" }));
    assert.equal((await mistakeTable(exercises, path)).key, built.key);
    assert.equal(await Deno.readTextFile(path), tableJson(built));
    await Deno.writeTextFile(path, "{ not json");
    assert.equal((await mistakeTable(exercises, path)).key, built.key);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
