// Progress on stderr: an epoch's bar and lines while training, and a count's bar (done/total, rate
// and ETA) with the items' lines above it, or a status line every N items when not on a terminal.

import assert from "node:assert/strict";
import { CountProgress, Progress } from "./progress.ts";

/** What a terminal shows after `text`: `\r` returns to the line's start, `ESC[K` clears to its end. */
function screen(text: string): string[] {
  const lines = [""];
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const row = lines.length - 1;
    if (text.startsWith("\x1b[K", i)) {
      lines[row] = lines[row].slice(0, col);
      i += 2;
    } else if (text[i] === "\r") col = 0;
    else if (text[i] === "\n") {
      lines.push("");
      col = 0;
    } else {
      lines[row] = lines[row].slice(0, col) + text[i] + lines[row].slice(col + 1);
      col++;
    }
  }
  return lines;
}

Deno.test("progress on a terminal: one line per epoch stays above the bar", () => {
  let out = "";
  const progress = new Progress(2, { tty: true, write: (text) => out += text });
  for (let e = 1; e <= 2; e++) {
    for (let b = 1; b <= 3; b++) progress.batch(e, b, 3);
    progress.epoch(e, 100 / e, 0.5);
  }
  progress.batch(2, 1, 3); // a bar drawn after the last epoch line…
  progress.clear(); // …is cleared before anything else is printed
  const lines = screen(out);
  assert.deepEqual(lines.map((l) => l.replace(/ETA \S+/, "ETA")), [
    "epoch 1/2 perplexity 100.000000 0.50s ETA",
    "epoch 2/2 perplexity 50.000000 0.50s ETA",
    "",
  ]);
  // While it runs, the bar sits below the epochs done.
  const midway = screen(out.slice(0, out.lastIndexOf("\r\x1b[K")));
  assert.equal(midway.length, 3);
  assert.match(midway[2], /^\[#{20}\.{10}\] epoch 2\/2 batch 1\/3 ETA \S+$/);
});

Deno.test("progress into a file or a pipe: the epoch lines alone; a resumed run counts from its first epoch", () => {
  let out = "";
  const progress = new Progress(4, { tty: false, write: (text) => out += text, firstEpoch: 3 });
  progress.batch(3, 1, 2);
  progress.epoch(3, 10, 1);
  progress.clear();
  assert.match(out, /^epoch 3\/4 perplexity 10\.000000 1\.00s ETA \S+\n$/);
});

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
