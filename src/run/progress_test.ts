// Progress over a count: on a terminal a bar with done/total, rate and ETA and the items' lines
// above it; otherwise a status line every N items and at the end, and only the notable items.

import assert from "node:assert/strict";
import { CountProgress } from "./progress.ts";

function capture(tty: boolean, every = 2) {
  const written: string[] = [];
  const printed: string[] = [];
  const progress = new CountProgress(5, "students", {
    tty,
    every,
    write: (t) => written.push(t),
    print: (l) => printed.push(l),
  });
  return { progress, written, printed };
}

Deno.test("without a terminal: a status line every N students and at the end, and the notable lines", () => {
  const { progress, written, printed } = capture(false);
  for (let done = 1; done <= 5; done++) progress.item(done, `[${done}/5] s${done}`, done === 3);
  assert.deepEqual(written, []);
  assert.equal(printed.length, 4, printed.join("\n"));
  assert.match(printed[0], /^2\/5 students, \d+\.\d\/min, ETA \S+$/);
  assert.equal(printed[1], "[3/5] s3");
  assert.match(printed[2], /^4\/5 students, /);
  assert.match(printed[3], /^5\/5 students, .*, ETA 0\.0s$/);
});

Deno.test("on a terminal: every line printed, the bar redrawn after it with done/total, rate and ETA", () => {
  const { progress, written, printed } = capture(true);
  progress.item(1, "[1/5] s1", false);
  progress.item(2, "[2/5] s2", false);
  progress.clear();
  assert.deepEqual(printed, ["[1/5] s1", "[2/5] s2"]);
  assert.ok(written[0].endsWith("\x1b[K"), JSON.stringify(written[0]));
  assert.match(written[0], /^\[######\.{24}\] 1\/5 students, \d+\.\d\/min, ETA \S+/);
  assert.equal(written[1], "\r\x1b[K"); // cleared before the next line
  assert.match(written[2], /^\[#{12}\.{18}\] 2\/5 students/);
  assert.equal(written.at(-1), "\r\x1b[K");
});
