import assert from "node:assert/strict";
import { SweepDisplay } from "./pool.ts";

Deno.test("the display: a line per run that ends; on a terminal, a status line below them", () => {
  const written: [string, string][] = [];
  const display = new SweepDisplay(2, 4, {
    tty: true,
    write: (fd, text) => written.push([fd, text]),
  });
  display.started("0_lr=0.1", 0, 2);
  display.epoch("0_lr=0.1", { epoch: 1, of: 2, perplexity: 9 });
  display.started("1_lr=0.2", 0, 2);
  display.ended("0_lr=0.1", "0_lr=0.1: complete");
  display.close();
  const status = written.filter(([fd]) => fd === "err").map(([, t]) => t);
  assert.ok(status[1].endsWith("\x1b[K"), "the rest of the line is cleared");
  assert.match(status[1], /^\rsweep: 0\/2 done · 0_lr=0\.1 1\/2 · ETA \S+$/);
  assert.match(status[2], /^\rsweep: 0\/2 done · 0_lr=0\.1 1\/2 · 1_lr=0\.2 0\/2 · ETA/);
  // The status line is cleared before the run's line is written, and drawn again after it.
  const at = written.findIndex(([fd]) => fd === "out");
  assert.deepEqual(written[at - 1], ["err", "\r\x1b[K"]);
  assert.deepEqual(written[at], ["out", "[1/2] 0_lr=0.1: complete\n"]);
  assert.match(written[at + 1][1], /^\rsweep: 1\/2 done · 1_lr=0\.2 0\/2/);
  assert.deepEqual(written.at(-1), ["err", "\r\x1b[K"]);
  // Into a file or a pipe: the lines alone.
  const plain: string[] = [];
  const quiet = new SweepDisplay(1, 2, { tty: false, write: (_, text) => plain.push(text) });
  quiet.started("x", 0, 2);
  quiet.ended("x", "x: complete");
  assert.deepEqual(plain, ["[1/1] x: complete\n"]);
});
