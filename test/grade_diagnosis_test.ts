// The feedback that teaches, on solutions the catalogue of mistakes was not built from
// (fixtures/held_out/): the grader names the right mistake for at least 80% of them and none where
// the catalogue does not hold the mistake or a solution has two; the messages hold the right index,
// values and tensors; a hidden case's expected values reach no output a student sees; and the
// feedback page opens in Chromium at a laptop's and a phone's width.
// RNNLAB_SCREENSHOTS=DIR keeps the page's screenshots there, to look at.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { TensorValue, Value } from "../src/grade/codec.ts";
import type { ExerciseName } from "../src/grade/contract.ts";
import { gradescopeResults, HIDDEN_VISIBILITIES, textReport } from "../src/grade/feedback.ts";
import { feedbackPage } from "../src/grade/feedback_page.ts";
import { ndarrayText } from "../src/grade/ndarray_text.ts";
import type { GradeReport } from "../src/grade/grader.ts";
import { Chromium, findChromium, pngInk, visit } from "./_chromium.ts";
import { ROOT, sharedGrader } from "./_helpers.ts";

const HELD_OUT = `${ROOT}fixtures/held_out`;

/** A held-out fixture: the exercise it touches and the mistake the grader should name, or none. */
interface Fixture {
  file: string;
  exercise: ExerciseName;
  expect: string | null;
}

function fixtures(): Fixture[] {
  return [...Deno.readDirSync(HELD_OUT)].map((e) => e.name).filter((n) => n.endsWith(".ts"))
    .sort().map((file) => {
      const text = Deno.readTextFileSync(join(HELD_OUT, file));
      const [, none, id] = text.match(/expect: (?:none \((\w+)\)|([\w/-]+))/)!;
      return {
        file,
        exercise: (none ?? id.split("/")[0]) as ExerciseName,
        expect: id ?? null,
      };
    });
}

/** Grades a held-out fixture on its exercise alone (they import ../solutions/alternative.ts). */
async function gradeHeldOut(f: Fixture): Promise<GradeReport> {
  return await (await sharedGrader()).grade(join(HELD_OUT, f.file), {
    root: `${ROOT}fixtures`,
    only: [f.exercise],
    typeCheck: false,
  });
}

/** The mistakes a report names: the id of each failed case's single match (`several`, `none`). */
function named(report: GradeReport): string[] {
  return report.exercises.flatMap((ex) =>
    ex.cases.filter((c) => !c.passed && c.diagnosis !== null).map((c) =>
      c.diagnosis!.kind === "one" ? c.diagnosis!.mistake.id : c.diagnosis!.kind
    )
  );
}

const reports = new Map<string, GradeReport>();
async function report(file: string): Promise<GradeReport> {
  if (!reports.has(file)) {
    reports.set(
      file,
      await gradeHeldOut(fixtures().find((f) => f.file === file)!),
    );
  }
  return reports.get(file)!;
}

Deno.test("the grader names the held-out mistakes it was not built from, and none it cannot tell", async () => {
  const all = fixtures();
  const rows: string[] = [];
  let right = 0;
  let inCatalogue = 0;
  for (const f of all) {
    const r = await report(f.file);
    const names = named(r);
    assert.ok(r.score < r.maxScore, `${f.file} loses points`);
    if (f.expect === null) {
      assert.deepEqual(names.filter((n) => n.includes("/")), [], `${f.file} names a mistake`);
      assert.ok(names.length > 0 && names.every((n) => n === "none"), `${f.file}: ${names}`);
    } else {
      inCatalogue++;
      const wrong = names.filter((n) => n.includes("/") && n !== f.expect);
      assert.deepEqual(wrong, [], `${f.file} names another mistake`);
      if (names.includes(f.expect)) right++;
    }
    rows.push(`${f.file.padEnd(30)} ${(f.expect ?? "none").padEnd(38)} ${names.join(", ")}`);
  }
  console.log(`named right: ${right} of ${inCatalogue}\n${rows.join("\n")}`);
  assert.ok(inCatalogue >= 12 && all.length - inCatalogue >= 2, `${all.length} fixtures`);
  assert.ok(right >= 0.8 * inCatalogue, `${right} of ${inCatalogue} named`);
});

/** The element of a tensor value at `index`. */
function at(t: TensorValue, index: number[]): number {
  return t.data[index.reduce((flat, i, d) => flat * t.shape[d] + i, 0)];
}

Deno.test("a public case's message holds the first differing index, both values, the largest error and the mistake", async () => {
  const r = await report("rnn_whh_transposed.ts");
  const ex = (await sharedGrader()).exercises.find((e) => e.name === "rnn")!;
  const c = r.exercises[0].cases[0];
  // What the fixture returns and what was expected, computed here: the first output that differs
  // (from a zero state, W_hh's orientation shows from the second step on).
  const { rnn } = await import(`${HELD_OUT}/rnn_whh_transposed.ts`);
  const { argsOf, asReceived } = await import("../src/grade/exercises/values.ts");
  const a = argsOf<{ inputs: tf.Tensor2D[]; state: tf.Tensor2D; params: unknown }>(ex.cases[0]);
  const gotAll = (asReceived(rnn(a.inputs, a.state, a.params)) as TensorValue[][])[0];
  const wantAll = (tf.tidy(() => ex.expected(ex.cases[0]) as never) as TensorValue[][])[0];
  const differs = (w: number, g: number) => Math.abs(g - w) > 1e-5 + 1e-4 * Math.abs(w);
  const step = wantAll.findIndex((w, k) => w.data.some((x, i) => differs(x, gotAll[k].data[i])));
  const [got, want] = [gotAll[step], wantAll[step]];
  const first = want.data.findIndex((w, i) => differs(w, got.data[i]));
  const index = [Math.floor(first / want.shape[1]), first % want.shape[1]];
  assert.match(
    c.feedback,
    new RegExp(
      `^outputs\\[${step}\\]: element \\[${index.join(", ")}\\] is ${at(got, index)}, expected ${
        at(want, index)
      } \\(within rtol 0\\.0001, atol 0\\.00001; \\d+ of ${want.data.length} elements differ\\)\n`,
    ),
  );
  const errors = want.data.map((w, i) => Math.abs(got.data[i] - w));
  const largest = Math.max(...errors);
  const where = errors.indexOf(largest);
  assert.match(
    c.feedback,
    new RegExp(
      `\nlargest absolute error ${Number(largest.toPrecision(4))} at \\[${
        Math.floor(where / want.shape[1])
      }, ${where % want.shape[1]}\\]`,
    ),
  );
  // Both tensors, printed as the chapter prints NDArrays (one under the other: too wide side by side).
  assert.ok(
    c.feedback.includes(`\nyours:\n${ndarrayText(got)}\nexpected:\n${ndarrayText(want)}\n`),
  );
  assert.ok(ndarrayText(want).endsWith(`\n<NDArray ${want.shape.join("x")} float32>`));
  assert.match(
    c.feedback,
    /\nDiagnosis: your output is what the chapter's code gives with one known mistake: W_hh used transposed \(H W_hhᵀ\)\.\n {2}The chapter, In \[13\]: H = nd\.tanh\(nd\.dot\(X, W_xh\) \+ nd\.dot\(H, W_hh\) \+ b_h\)\n/,
  );
  assert.match(c.feedback, /\nHint: In \[13\]/);
});

Deno.test("a sampler's message shows the first differing batch, X beside Y, yours above the expected", async () => {
  const r = await report("random_batches_overlap.ts");
  const c = r.exercises[0].cases[0]; // In [7]'s 0..29, batch 2, steps 3
  // The first batch is the same (batch 1 starts at example 0 either way); batch 2 is not.
  assert.match(c.feedback, /^epoch 1, batch 2, data: element \[\d, \d\] is \d+, expected \d+ /);
  assert.match(
    c.feedback,
    /\nthe first batch that differs, epoch 1, batch 2:\nyours:\n {2}X \(data\) +Y \(label\)\n {2}\[\[/,
  );
  assert.match(c.feedback, /\nexpected:\n {2}X \(data\) +Y \(label\)\n {2}\[\[/);
  // The expected batch 2 of In [7], as the chapter printed it (in int32).
  assert.match(
    c.feedback,
    /expected:\n {2}X \(data\) +Y \(label\)\n {2}\[\[18 19 20\] +\[\[19 20 21\]\n {3}\[ 0 {2}1 {2}2\]\] +\[ 1 {2}2 {2}3\]\]/,
  );
  assert.match(
    c.feedback,
    /one known mistake: batch i starts at example i instead of i × batch_size\./,
  );
});

Deno.test("trainRnn's feedback draws the curve: yours against the expected, a table in the text report", async () => {
  const r = await report("train_lr_over_batch.ts");
  const [pub, hidden] = r.exercises[0].cases;
  assert.equal(pub.curve!.yours.length, 2);
  assert.equal(pub.curve!.expected!.length, 2);
  assert.equal(hidden.curve!.expected, null);
  const text = textReport(r);
  const fmt = (x: number) => `${Number(x.toPrecision(6))}`;
  for (const [e, y] of pub.curve!.yours.entries()) {
    const w = pub.curve!.expected![e];
    assert.match(
      text,
      new RegExp(
        `\n {9}${e + 1} +${fmt(y)} +${fmt(w)} +${Number((Math.abs(y - w) / w).toPrecision(4))}\n`,
      ),
    );
  }
  assert.match(text, /\n {9}epoch +yours +expected +relative error\n/);
  assert.match(text, /\n {9}epoch +yours\n {9}-----/); // the hidden case: yours only
  assert.match(pub.feedback, /one known mistake: the learning rate divided by the batch size\./);
});

/** Every rendering of a value that the messages use: in full, as tensors print, as curves print. */
function renderings(x: number): string[] {
  const fixed = x.toFixed(6).replace(/0+$/, "");
  return [`${x}`, fixed, `${Number(x.toPrecision(6))}`];
}

Deno.test("a hidden case says what differs and which mistake, never an expected value, in any output", async () => {
  const grader = await sharedGrader();
  for (
    const file of [
      "rnn_sigmoid.ts",
      "perplexity_mean_of_exp.ts",
      "train_lr_over_batch.ts",
      "random_float_batches.ts",
    ]
  ) {
    const r = await report(file);
    const ex = grader.exercises.find((e) => e.name === r.exercises[0].name)!;
    const outputs = [
      textReport(r),
      await feedbackPage(r, "student"),
      ...HIDDEN_VISIBILITIES.map((v) => JSON.stringify(gradescopeResults(r, v))),
    ];
    const publicNumbers = new Set(
      ex.cases.flatMap((c, i) =>
        c.hidden
          ? []
          : flatNumbers(tf.tidy(() => ex.expected(ex.cases[i]) as never)).flatMap(renderings)
      ),
    );
    r.exercises[0].cases.forEach((c, i) => {
      if (!c.hidden) return;
      assert.ok(!c.passed, `${file}: hidden case ${i} fails`);
      assert.ok(c.diagnosis?.kind === "one", `${file}: the hidden case names its mistake`);
      assert.ok(c.feedback.includes("A hidden case shows what differs, never the expected values"));
      assert.doesNotMatch(
        c.feedback,
        /expected [-\d[]|<NDArray|relative error/,
        `${file}: ${c.feedback}`,
      );
      const want = flatNumbers(tf.tidy(() => ex.expected(ex.cases[i]) as never));
      for (const x of want.filter((x) => !Number.isInteger(x))) {
        for (const s of renderings(x).filter((s) => s.length >= 7 && !publicNumbers.has(s))) {
          for (const out of outputs) {
            assert.ok(!out.includes(s), `${file}: ${s} of hidden case ${i} shown`);
          }
        }
      }
    });
  }
});

/** The numbers of a value, in order. */
function flatNumbers(v: Value): number[] {
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return v.flatMap(flatNumbers);
  if (typeof v === "object" && v !== null && v.kind === "tensor") return v.data;
  return [];
}

const chromium = findChromium();

Deno.test({
  name: chromium
    ? "the feedback page in headless Chromium: the mistake, the curve drawn, laptop and phone, no error, no request"
    : "the feedback page in headless Chromium: skipped, Chromium is not installed (apt-get install chromium)",
  ignore: chromium === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-feedback-" });
    const browser = await Chromium.launch(chromium!);
    const keep = Deno.env.get("RNNLAB_SCREENSHOTS");
    try {
      const page = join(dir, "feedback.html");
      await Deno.writeTextFile(
        page,
        await feedbackPage(await report("train_lr_over_batch.ts"), "alice"),
      );
      const SHOWN = `({
        plots: [...document.querySelectorAll("figure svg")].filter((s) => s.getBoundingClientRect().width > 0)
          .map((s) => ({ width: s.getBoundingClientRect().width, lines: s.querySelectorAll(".mark-line path").length })),
        mistakes: [...document.querySelectorAll(".diagnosis strong")].map((e) => e.textContent),
      })`;
      for (
        const [name, viewport] of [
          ["laptop", { width: 1280, height: 800, mobile: false }],
          ["phone", { width: 390, height: 844, mobile: true }],
        ] as const
      ) {
        const seen = await visit(browser, `file://${page}`, viewport, SHOWN);
        assert.deepEqual(seen.problems, [], `${name}: console errors`);
        assert.deepEqual(seen.requests, [], `${name}: requests`);
        const shown = seen.value as {
          plots: { width: number; lines: number }[];
          mistakes: string[];
        };
        assert.equal(shown.plots.length, 2, `${name}: a plot per case, the one for this width`);
        assert.equal(shown.plots[0].lines, 2, `${name}: yours and the expected curve`);
        assert.equal(shown.plots[1].lines, 1, `${name}: the hidden case: yours only`);
        assert.ok(shown.plots.every((p) => p.width <= viewport.width), `${name}: the plots fit`);
        assert.deepEqual(shown.mistakes, [
          "the learning rate divided by the batch size",
          "the learning rate divided by the batch size",
        ]);
        assert.ok(seen.scrollWidth <= seen.innerWidth, `${name}: ${seen.scrollWidth} px wide`);
        const ink = pngInk(seen.png);
        assert.ok(ink.ink > 0.02 && ink.colours > 10, `${name}: blank? ${JSON.stringify(ink)}`);
        if (keep) await Deno.writeFile(join(keep, `feedback-${name}.png`), seen.png);
      }
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
