// A mistake made real: its one line changed in the staff solution, and the exercises that line
// touches, through the helpers it is in.

import assert from "node:assert/strict";
import { MISTAKES } from "./catalogue.ts";
import { importSource, mutate, STAFF_SOLUTION, touchedExercises } from "./mutants.ts";

const staff = Deno.readTextFileSync(STAFF_SOLUTION);
const mistake = (line: string, becomes: string) => ({ ...MISTAKES[0], line, becomes });

Deno.test("a mistake changes its one line, indentation kept, or leaves it out", () => {
  const source = "function f() {\n  const a = 1;\n  return a;\n}\n";
  assert.equal(
    mutate(source, mistake("const a = 1;", "const a = 2;")),
    "function f() {\n  const a = 2;\n  return a;\n}\n",
  );
  assert.equal(mutate(source, mistake("const a = 1;", "")), "function f() {\n  return a;\n}\n");
  assert.throws(() => mutate(source, mistake("const b = 1;", "")), /its line is not in/);
  assert.throws(() => mutate(`${source}${source}`, mistake("return a;", "")), /more than once/);
});

Deno.test("a mistake touches the exercise its line is in, or every exercise calling its helper", () => {
  const touched = (line: string) => touchedExercises(staff, mistake(line, ""));
  assert.deepEqual(touched("const recurrent = tf.matMul(h, wHh);"), ["rnn"]);
  // crossEntropy serves perplexity and trainRnn; argmax serves predictRnn.
  assert.deepEqual(
    touched("const target = label.transpose().reshape([-1]) as tf.Tensor1D;"),
    ["perplexity", "trainRnn"],
  );
  assert.deepEqual(
    touched("const argmax = (y: tf.Tensor2D) => (y.argMax(1).arraySync() as number[])[0];"),
    ["predictRnn"],
  );
});

Deno.test("every catalogued mistake is one line of the staff solution changed, touching an exercise", () => {
  const lines = staff.split("\n");
  for (const m of MISTAKES) {
    const changed = mutate(staff, m).split("\n");
    if (m.becomes === "") assert.equal(changed.length, lines.length - 1, m.id);
    else {
      assert.equal(changed.length, lines.length, m.id);
      assert.equal(lines.filter((l, i) => changed[i] !== l).length, 1, m.id);
      assert.notEqual(m.becomes, m.line, m.id);
    }
    assert.ok(touchedExercises(staff, m).includes(m.id.split("/")[0] as never), m.id);
  }
  assert.equal(new Set(MISTAKES.map((m) => m.id)).size, MISTAKES.length, "ids are unique");
});

Deno.test("a mutated module loads from its source, in this process", async () => {
  const m = await importSource("export const answer: number = 6 * 7; // 中文\n");
  assert.equal(m.answer, 42);
});
