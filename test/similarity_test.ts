// The similarity check on a generated class: planted copies (renamed, reordered, recommented)
// rank first and are flagged; the independent solutions are not; two students with the same
// rare wrong outputs on hidden cases are flagged for that; similarity.csv and similarity.html say
// so; no grade changes. The page is opened in headless Chromium at a laptop's and a phone's width
// (skipped, with the reason, without Chromium; RNNLAB_SCREENSHOTS=DIR keeps the screenshots).
// The independent solutions written for the measurement get full marks from the real grader.

import assert from "node:assert/strict";
import { join } from "node:path";
import { gradeClass } from "../src/grade/class/class.ts";
import { parseCsv } from "../src/grade/csv.ts";
import { generateClass, INDEPENDENT } from "../fixtures/similarity/generate.ts";
import { compareClass, SIMILARITY_DEFAULTS } from "../src/grade/similarity/similarity.ts";
import { Chromium, findChromium, pngInk, visit } from "./_chromium.ts";
import { fakeGrader } from "./_fake_grader.ts";
import { ROOT, sharedGrader } from "./_helpers.ts";

const read = (path: string) => Deno.readTextFileSync(`${ROOT}${path}`);
const chromium = findChromium();

Deno.test("the independent solutions written for the similarity measurement get full marks", async () => {
  const grader = await sharedGrader();
  for (const path of INDEPENDENT.filter((p) => p.startsWith("fixtures/similarity/"))) {
    const report = await grader.grade(`${ROOT}${path}`, { typeCheck: false });
    assert.equal(
      report.score,
      100,
      `${path}: ${report.exercises.map((e) => `${e.name} ${e.score}`)}`,
    );
  }
});

Deno.test("the five independent solutions stay well below the flag threshold, pair by pair", () => {
  const files = INDEPENDENT.map((file) => ({ student: file, file, text: read(file) }));
  const result = compareClass(files, {
    starter: read("src/grade/starter/rnn_scratch.ts"),
    ...SIMILARITY_DEFAULTS,
  });
  assert.equal(result.pairs.length, 10);
  for (const p of result.pairs) {
    assert.ok(
      p.similarity < SIMILARITY_DEFAULTS.threshold - 0.3,
      `${INDEPENDENT[p.a]} and ${INDEPENDENT[p.b]}: ${p.similarity.toFixed(3)}`,
    );
  }
});

/** Markup a student could put in a file name or a file. */
const HOSTILE = `<img src=x onerror="document.title='pwned'">`;

/** A generated class of 16 (2 planted copies) in a folder, and who copied whom. */
async function classFolder(dir: string) {
  const generated = generateClass({ students: 16, copies: 2, seed: 7 }, read);
  const students = [...generated.files.keys()];
  const copiers = new Set(generated.copies.flat());
  // Two students who copied nothing give the same wrong output on two hidden cases, which no
  // one else gives; three others share a common mistake.
  const [x, y, ...rest] = students.filter((s) => !copiers.has(s));
  const mark: Record<string, string> = {
    [x]: "// grade: rnn=5 gradClipping=5\n// wrong: rnn=0.7313 gradClipping=1.0625\n",
    [y]: "// grade: rnn=5 gradClipping=5\n// wrong: rnn=0.7313 gradClipping=1.0625\n",
  };
  for (const s of rest.slice(0, 3)) mark[s] = "// grade: perplexity=5\n// wrong: perplexity=3.2\n";
  // A copier's file and a student's name that would be markup if they were not escaped.
  const [, copier] = generated.copies[0];
  mark[copier] = `// </pre><script>document.title = "pwned"</script>${HOSTILE}\n`;
  const renamed = rest[3];
  for (const [student, text] of generated.files) {
    const name = student === renamed ? HOSTILE : student;
    await Deno.writeTextFile(join(dir, `${name}.ts`), `${mark[student] ?? ""}${text}`);
  }
  const copies = generated.copies.map((pair) => pair.map((s) => s === renamed ? HOSTILE : s));
  return { copies, twins: [x, y].sort() };
}

Deno.test("a generated class: planted copies first and flagged, the same rare wrong outputs flagged, no grade changed; the page in Chromium", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-similarity-" });
  try {
    await Deno.mkdir(join(dir, "class"));
    const { copies, twins } = await classFolder(join(dir, "class"));
    const log: string[] = [];
    const out = join(dir, "out");
    await gradeClass(fakeGrader(), join(dir, "class"), {
      out,
      jobs: 1,
      corpus: "test",
      similarity: true,
      log: (l) => log.push(l),
    });
    assert.ok(
      log.some((l) =>
        /^wrote similarity\.csv and similarity\.html: \d+ of 120 pairs compared token by token, 3 flagged for a human to read \(no grade changed\)$/
          .test(l)
      ),
      log.join("\n"),
    );
    const [head, ...rows] = parseCsv(await Deno.readTextFile(join(out, "similarity.csv")));
    const row = (r: string[]) => Object.fromEntries(head.map((h, i) => [h, r[i]]));
    const pairs = rows.map(row);
    const key = (a: string, b: string) => [a, b].sort().join("+");
    const planted = new Set(copies.map(([a, b]) => key(a, b)));
    // Flagged first: the two copies (by code), then the twins (by their wrong outputs).
    assert.deepEqual(pairs.slice(0, 2).map((p) => planted.has(key(p.student_a, p.student_b))), [
      true,
      true,
    ]);
    for (const p of pairs.slice(0, 2)) {
      assert.equal(p.flagged, "yes");
      assert.ok(Number(p.similarity) > 0.95, p.similarity);
      assert.match(p.reasons, /^code \d+% similar \(flag at 90%\)$/);
      assert.match(p.matched_lines, /^a \d+-\d+ = b \d+-\d+(; a \d+(-\d+)? = b \d+(-\d+)?)*$/);
    }
    assert.deepEqual([pairs[2].student_a, pairs[2].student_b].sort(), twins);
    assert.equal(pairs[2].flagged, "yes");
    assert.equal(pairs[2].reasons, "the same wrong output on 2 hidden cases that no one else has");
    assert.deepEqual([pairs[2].same_wrong_hidden, pairs[2].same_wrong_hidden_only_them], [
      "2",
      "2",
    ]);
    assert.ok(pairs.slice(3).every((p) => p.flagged === "no"));
    // A common mistake shared by three is not a reason.
    assert.ok(pairs.filter((p) => p.same_wrong_hidden === "1").every((p) => p.flagged === "no"));

    // The same class graded without --similarity: the same grades, to the byte.
    const plain = join(dir, "plain");
    await gradeClass(fakeGrader(), join(dir, "class"), { out: plain, jobs: 1, corpus: "test" });
    assert.equal(
      await Deno.readTextFile(join(plain, "grades.csv")),
      await Deno.readTextFile(join(out, "grades.csv")),
    );
    if (chromium) await inChromium(join(out, "similarity.html"), copies.length + 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const VIEWPORTS = {
  laptop: { width: 1280, height: 800, mobile: false },
  phone: { width: 390, height: 844, mobile: true },
} as const;

/** What the page shows: how many side-by-side views, their panes' widths, and the marks. */
const SHOWN = `({
  title: document.title,
  scripts: document.scripts.length,
  images: document.images.length,
  hostile: document.body.textContent.includes(${JSON.stringify(HOSTILE)}),
  views: document.querySelectorAll(".sbs").length,
  panes: [...document.querySelectorAll(".sbs")].slice(0, 1).flatMap((v) =>
    [...v.querySelectorAll("pre.code")].map((p) => Math.round(p.getBoundingClientRect().width))),
  marks: document.querySelectorAll(".sbs mark").length,
  firstMarks: [...document.querySelectorAll(".sbs")].slice(0, 1).map((v) =>
    [...v.querySelectorAll(".side")].map((s) => s.querySelectorAll("mark").length)),
})`;

/** Opens the page at both widths: no error, no request, no sideways page, files side by side or stacked. */
async function inChromium(page: string, flagged: number): Promise<void> {
  const keep = Deno.env.get("RNNLAB_SCREENSHOTS");
  const browser = await Chromium.launch(chromium!);
  try {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const seen = await visit(browser, `file://${page}`, viewport, SHOWN);
      const what = `similarity.html at ${name} width`;
      assert.deepEqual(seen.problems, [], `${what}: console errors`);
      assert.deepEqual(seen.requests, [], `${what}: requests`);
      assert.ok(seen.scrollWidth <= seen.innerWidth, `${what}: ${seen.scrollWidth} px wide`);
      const shown = seen.value as {
        title: string;
        scripts: number;
        images: number;
        hostile: boolean;
        views: number;
        panes: number[];
        marks: number;
        firstMarks: number[][];
      };
      // What students wrote is shown as text, never run or loaded.
      assert.deepEqual(
        [shown.title, shown.scripts, shown.images, shown.hostile],
        ["Similarity of 16 submissions", 0, 0, true],
        what,
      );
      assert.ok(shown.views >= flagged, `${what}: ${shown.views} pairs side by side`);
      assert.ok(shown.marks > 0, `${what}: no highlighted run`);
      const [a, b] = shown.firstMarks[0];
      assert.equal(a, b, `${what}: each common run highlighted in both files`);
      const [left, right] = shown.panes;
      if (name === "laptop") {
        assert.ok(left > 400 && Math.abs(left - right) < 4, `${what}: ${shown.panes}`);
      } else assert.ok(left > 300 && left <= viewport.width, `${what}: stacked, ${shown.panes}`);
      const ink = pngInk(seen.png);
      assert.ok(ink.ink > 0.02 && ink.colours > 10, `${what}: blank? ${JSON.stringify(ink)}`);
      if (keep) await Deno.writeFile(join(keep, `similarity-${name}.png`), seen.png);
    }
  } finally {
    await browser.close();
  }
}
