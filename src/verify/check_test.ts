import assert from "node:assert/strict";
import { displayWidth } from "../report/text_table.ts";
import { type Check, renderTable, TABLE_WIDTH } from "./check.ts";

/** Random text of up to `n` characters: words, digits, JSON, a Greek and a Chinese letter. */
function randomText(rand: (n: number) => number, n: number): string {
  const alphabet = 'abc 0.9e-5 Δ 分开 {}[]":, ';
  return Array.from({ length: rand(n) }, () => alphabet[rand(alphabet.length)]).join("");
}

Deno.test("renderTable: no line wider than 100 columns, whatever the checks say", () => {
  let seed = 3;
  const rand = (
    n: number,
  ) => (seed = (seed * 1103515245 + 12345) % 2 ** 31, Math.floor((seed / 2 ** 31) * n));
  for (let trial = 0; trial < 100; trial++) {
    const checks: Check[] = Array.from({ length: 1 + rand(6) }, () => ({
      name: `${"x".repeat(1 + rand(4))} ${randomText(rand, 120)}`,
      status: (["ok", "FAIL", "skip"] as const)[rand(3)],
      measured: randomText(rand, 150),
      expected: randomText(rand, 60),
      worst: randomText(rand, 150),
    }));
    const text = renderTable(checks);
    for (const line of text.split("\n")) {
      assert.ok(displayWidth(line) <= TABLE_WIDTH, `${displayWidth(line)}: ${line}`);
    }
    // Each check's details, read back from its lines (names short enough to take one line).
    if (checks.every((c) => displayWidth(c.name) <= 64)) {
      const squeeze = (t: string) => t.replace(/\s/g, "");
      for (const c of checks) {
        const details = [c.measured, c.expected && `expected ${c.expected}`, c.worst]
          .filter((d) => d !== "").join("; ");
        assert.ok(squeeze(text).includes(squeeze(c.status + details)), text);
      }
    }
  }
});

Deno.test("renderTable: a check's name, its result and what was measured, in columns", () => {
  const checks: Check[] = [
    { name: "corpus 2017", status: "ok", measured: "abc", expected: "abc", worst: "identical" },
    {
      name: "onnx cpu: logits equal the tfjs forward (seq 35, batch 32)",
      status: "FAIL",
      measured: "max abs Δ 1.19e-3",
      expected: "≤ 1e-5",
      worst: "[3, 13, 989]: onnxruntime 4.362946510314941 vs tfjs 4.362949371337891",
    },
    {
      name: "onnx.checker (dev check)",
      status: "skip",
      measured: "no Python",
      expected: "",
      worst: "",
    },
  ];
  const lines = renderTable(checks).split("\n");
  assert.match(lines[0], /^check +result {2}measured; expected; worst$/);
  assert.match(lines[2], /^corpus 2017 +ok {6}abc; expected abc; identical$/);
  assert.equal(lines[3], "onnx cpu: logits equal the tfjs forward (seq 35, batch 32)");
  assert.match(lines[4], /^ {52}FAIL {4}max abs Δ 1\.19e-3; expected ≤ 1e-5;$/);
  assert.match(
    lines[5],
    /^ {8}\[3, 13, 989\]: onnxruntime 4\.362946510314941 vs tfjs 4\.362949371337891$/,
    "the details go on below, indented",
  );
  assert.match(lines.at(-3)!, /^onnx\.checker \(dev check\) +skip {4}no Python$/);
  assert.equal(lines.at(-1), "1 passed, 1 failed, 1 skipped");
});

Deno.test("renderTable: a name too long for its column takes a line of its own, its result below it", () => {
  const name =
    "curve chapter-random-2-epochs on wasm: within ×1.15 of the chapter's printed perplexities";
  const lines = renderTable([
    { name: "corpus 2017", status: "ok", measured: "abc", expected: "abc", worst: "" },
    { name, status: "FAIL", measured: "no epoch 20 (the run has 2)", expected: "", worst: "" },
  ]).split("\n");
  assert.equal(lines[3], name);
  assert.equal(lines[4], `${" ".repeat(52)}FAIL    no epoch 20 (the run has 2)`);
  assert.match(lines.join("\n"), /perplexities\s+FAIL\s+no epoch 20 \(the run has 2\)/);
});
