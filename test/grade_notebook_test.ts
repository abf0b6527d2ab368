// Notebook submissions: the student notebook `--init --notebook` writes, notebooks graded through
// their tagged cells in the same sandbox as modules (the staff solution as a notebook gets full
// marks, a one-bug notebook loses exactly its exercise), messages that point at cells, and one
// clear line for a file that is not a notebook.

import assert from "node:assert/strict";
import { join } from "node:path";
import { EXERCISES } from "../src/grade/contract.ts";
import type { GradeReport } from "../src/grade/grader.ts";
import {
  notebookFromModule,
  NotebookModule,
  parseNotebook,
  SHARED_TAG,
  splitModule,
} from "../src/grade/notebook.ts";
import { findSubmissionFile } from "../src/grade/submission_file.ts";
import { ROOT, runTask, SHARED, sharedGrader } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const DATA = { RNNLAB_DATA: `${SHARED}data` };

interface CellJson {
  cell_type: string;
  metadata: { tags?: string[] };
  source: string[] | string;
}
interface NotebookJson {
  cells: CellJson[];
}

const text = (cell: CellJson) =>
  typeof cell.source === "string" ? cell.source : cell.source.join("");
const tagged = (nb: NotebookJson, tag: string) =>
  nb.cells.find((c) => c.metadata.tags?.[0] === tag)!;

/** The staff solution as a notebook, as a student would hand it in. */
function staffNotebook(): NotebookJson {
  return JSON.parse(
    notebookFromModule(Deno.readTextFileSync(`${ROOT}src/grade/staff_solution.ts`)),
  );
}

/** Grades `nb` written as `hw.ipynb` in a fresh folder. */
async function gradeNotebook(
  nb: NotebookJson,
  opts: { only?: (typeof EXERCISES)[number][]; typeCheck?: boolean } = {},
): Promise<GradeReport> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "hw.ipynb"), JSON.stringify(nb));
    return await (await sharedGrader()).grade(join(dir, "hw.ipynb"), { typeCheck: false, ...opts });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const losers = (r: GradeReport) =>
  r.exercises.filter((e) => e.score < e.maxScore).map((e) => e.name);

Deno.test("grade --init --notebook writes a starter cell per exercise, made from the .ts starter", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await runTask("grade", ["--init", dir, "--notebook"]);
    assert.equal(out.code, EXIT.ok, out.stderr);
    const nb: NotebookJson = JSON.parse(await Deno.readTextFile(join(dir, "rnn_scratch.ipynb")));
    const starter = await Deno.readTextFile(`${ROOT}src/grade/starter/rnn_scratch.ts`);
    const code = nb.cells.filter((c) => c.cell_type === "code" && c.metadata.tags);
    assert.deepEqual(code.map((c) => c.metadata.tags), [
      [SHARED_TAG],
      ...EXERCISES.map((e) => [e]),
    ]);
    // Every exercise's cell is the starter's function, doc comment and signature included.
    for (const [i, name] of EXERCISES.entries()) {
      const cell = text(code[i + 1]);
      assert.ok(starter.includes(cell), `${name}'s cell is not the starter's text`);
      assert.match(cell, new RegExp(`^/\\*\\*\\n[^]*\\*/\\nexport function ${name}\\(`));
      assert.match(cell, /throw new Error\("TODO"\);\n}$/);
    }
    assert.match(text(code[0]), /^import \* as tf from "npm:@tensorflow\/tfjs@4\.22\.0";\n/);
    assert.match(text(nb.cells[0]), /grade it with `deno task grade rnn_scratch\.ipynb`/);
    assert.equal(nb.cells.at(-1)!.metadata.tags, undefined); // the student's own cell

    const report = await (await sharedGrader()).grade(join(dir, "rnn_scratch.ipynb"), {
      only: ["getInputs", "perplexity"],
    });
    assert.equal(report.score, 0);
    for (const c of report.exercises.flatMap((e) => e.cases)) {
      assert.match(c.feedback, /threw Error: TODO/);
    }
    assert.deepEqual(report.advice, []); // the starter notebook fits the contract's types

    const again = await runTask("grade", ["--init", dir, "--notebook"]);
    assert.equal(again.code, EXIT.usage);
    assert.match(again.stderr, /^error: .*rnn_scratch\.ipynb exists; not overwriting it\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the staff solution as a notebook gets full marks", async () => {
  const report = await gradeNotebook(staffNotebook(), { typeCheck: true });
  assert.deepEqual(losers(report), []);
  assert.equal(report.score, 100);
  assert.deepEqual([report.rejected, report.loadErrors, report.advice], [[], [], []]);
});

Deno.test("a one-bug notebook loses exactly its exercise; untagged cells are ignored", async () => {
  const nb = staffNotebook();
  const bug = splitModule(
    await Deno.readTextFile(`${ROOT}fixtures/solutions/bug_missing_bias.ts`),
  ).find((s) => s.tag === "rnn")!;
  tagged(nb, "rnn").source = bug.source;
  // Cells the grader must ignore: a student's scratch code that is not even valid, and Markdown.
  nb.cells.splice(3, 0, {
    cell_type: "code",
    metadata: {},
    source: "this is ( not code; Deno.jupyter.md`**scratch**`",
  }, { cell_type: "markdown", metadata: { tags: ["rnn"] }, source: "# not code" });
  const report = await gradeNotebook(nb);
  assert.deepEqual(losers(report), ["rnn"]);
  assert.equal(report.score, 85);
  // The feedback names the mistake, as for a module.
  const rnn = report.exercises.find((e) => e.name === "rnn")!;
  assert.ok(
    rnn.cases.every((c) => c.diagnosis?.kind === "one" && c.diagnosis.mistake.id === "rnn/no-b-y"),
  );
  assert.match(rnn.cases[0].feedback, /one known mistake: the output bias b_y left out\./);
  assert.deepEqual(report.rejected, []);
  const train = report.exercises.find((e) => e.name === "trainRnn")!;
  assert.ok(train.cases.every((c) => c.referencePrimitives.join() === "rnn"));
});

Deno.test("messages point at the cell and the line in it, never at a generated file", async () => {
  const nb = staffNotebook();
  const rnn = tagged(nb, "rnn");
  const lines = text(rnn).split("\n");
  const at = lines.findIndex((l) => l.includes("const outputs"));
  lines.splice(at, 0, '  console.log(new Error("where").stack);', '  const n: number = "x";');
  rnn.source = lines.join("\n");
  const report = await gradeNotebook(nb, { only: ["rnn"], typeCheck: true });
  assert.equal(report.score, 15); // advice costs nothing
  assert.match(report.advice.join("\n"), /at hw\.ipynb, cell "rnn", line (\d+):9/);
  assert.equal(/line (\d+):9/.exec(report.advice.join("\n"))![1], `${at + 2}`);
  const printed = report.exercises[0].cases[0].output;
  assert.match(printed, new RegExp(`at rnn \\(hw\\.ipynb, cell "rnn", line ${at + 1}:15\\)`));
  const everything = JSON.stringify(report);
  assert.doesNotMatch(everything, /ipynb\.ts/);

  const broken = staffNotebook();
  const ppl = tagged(broken, "perplexity");
  ppl.source = text(ppl).replace("{", "{ ) (");
  const syntax = await gradeNotebook(broken, { only: ["rnn"] });
  assert.equal(syntax.rejected.length, 1);
  const said = syntax.rejected[0];
  assert.match(said, /^hw\.ipynb: SyntaxError: /);
  assert.match(said, /\n +2 \| export function perplexity\(/); // the frame numbers the cell's lines
  assert.match(said, /at hw\.ipynb, cell "perplexity", line 2:\d+$/);
  assert.doesNotMatch(said, /ipynb\.ts/);

  const imports = staffNotebook();
  tagged(imports, "getInputs").source =
    'import "../../golden/curves.json" with { type: "json" };\n' +
    text(tagged(imports, "getInputs"));
  const refused = await gradeNotebook(imports, { only: ["getInputs"] });
  assert.match(
    refused.rejected[0],
    /^hw\.ipynb, cell "getInputs", line 1:8 imports "\.\.\/\.\.\/golden\/curves\.json": only/,
  );
});

Deno.test("a notebook is one clear line and exit 2 when it is not one; no graded cell grades nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: [string, string, RegExp][] = [
      ["root:x:0:0 secret", "not.ipynb", /not valid JSON$/],
      ['{"nbformat": 3, "worksheets": []}', "v3.ipynb", /it is nbformat 3; save it as nbformat 4$/],
      ['{"nbformat": 4, "cells": {}}', "cells.ipynb", /it has no list of cells$/],
      [
        '{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}',
        "src.ipynb",
        /cell 1's source/,
      ],
      [
        '{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "metadata": {"tags": "rnn"}}]}',
        "t.ipynb",
        /cell 1's tags are not a list/,
      ],
    ];
    for (const [content, name, message] of cases) {
      await Deno.writeTextFile(join(dir, name), content);
      const out = await runTask("grade", [join(dir, name)], { env: DATA });
      assert.equal(out.code, EXIT.usage, out.stderr);
      assert.match(
        out.stderr,
        new RegExp(
          `^error: ${name.replace(".", "\\.")} is not a Jupyter notebook: ${
            message.source.replace("$", "")
          }[^\\n]*\\n$`,
        ),
      );
      assert.doesNotMatch(out.stderr, /secret/);
      assert.equal(out.stdout, "");
    }
    const untagged = await (await sharedGrader()).grade(
      await Deno.writeTextFile(
        join(dir, "untagged.ipynb"),
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [{ cell_type: "code", metadata: {}, source: ["export const x = 1;"] }],
        }),
      ).then(() => join(dir, "untagged.ipynb")),
      { only: ["getInputs"] },
    );
    assert.deepEqual(untagged.rejected, [
      `untagged.ipynb has no code cell tagged "shared" or with an exercise's name: nothing to grade`,
    ]);
    assert.equal(untagged.score, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the notebook's module: graded cells in order, and where each of its lines is", () => {
  const cells = parseNotebook(
    JSON.stringify({
      nbformat: 4,
      cells: [
        { cell_type: "code", metadata: { tags: ["shared"] }, source: ["a\n", "b"] },
        { cell_type: "code", metadata: {}, source: "ignored" },
        { cell_type: "code", metadata: { tags: ["todo", "rnn"] }, source: "c\n" },
        { cell_type: "code", metadata: { tags: ["rnn"] }, source: "d" },
      ],
    }),
    "x.ipynb",
  );
  const module = new NotebookModule(cells, "x.ipynb");
  assert.equal(module.text, "a\nb\nc\nd\n");
  assert.equal(module.cellCount, 3);
  assert.equal(module.where(2, "4"), 'x.ipynb, cell "shared", line 2:4');
  assert.equal(module.where(3), 'x.ipynb, cell "rnn" #1, line 1');
  assert.equal(module.where(4), 'x.ipynb, cell "rnn" #2, line 1');
  assert.equal(
    module.rewrite("at file:///tmp/g/submission/x.ipynb.ts:3:2 and x.ipynb.ts", "x.ipynb.ts"),
    'at x.ipynb, cell "rnn" #1, line 1:2 and x.ipynb',
  );
});

Deno.test("the submission in a student's folder: the starter's names, else the only candidate", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const put = async (path: string) => {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), "");
    };
    const found = async (sub: string) => {
      const f = await findSubmissionFile(join(dir, sub));
      return "path" in f ? f.path.slice(dir.length + 1) : f.why;
    };
    await put("a/rnn_scratch.ts");
    await put("a/helpers.ts");
    await put("a/rnn_scratch.ipynb");
    assert.equal(await found("a"), "a/rnn_scratch.ts");
    await put("b/hw.ipynb");
    await put("b/notes.md");
    await put("b/.hidden.ts");
    assert.equal(await found("b"), "b/hw.ipynb");
    await put("c/x.ts");
    await put("c/y.ts");
    assert.match(await found("c"), /^several files could be the submission \(x\.ts, y\.ts\)/);
    await put("d/inner/solution.ts");
    assert.equal(await found("d"), "d/inner/solution.ts");
    await Deno.mkdir(join(dir, "e"));
    await Deno.symlink(`${ROOT}src/grade/staff_solution.ts`, join(dir, "e", "rnn_scratch.ts"));
    assert.match(await found("e"), /^no \.ts or \.ipynb file to grade/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
