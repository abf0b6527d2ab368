// The chapter as a notebook (notebooks/rnn_scratch.ipynb), executed headless by nbclient with Deno's
// Jupyter kernel, as a student's Jupyter would run it: no cell fails, the corpus and vocabulary are
// the chapter's, both samplers print the chapter's In [7] and In [9] batches character for
// character, the short training runs print the chapter's lines, and the curve is drawn. Skipped,
// with the reason, where Jupyter or the Deno kernel is absent (`.ci/run` installs them when it can).

import assert from "node:assert/strict";
import { join } from "node:path";
import { PYTHON_CANDIDATES } from "../src/io/python.ts";
import { ROOT, SHARED } from "./_helpers.ts";

const NOTEBOOK = `${ROOT}notebooks/rnn_scratch.ipynb`;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const joined = (x: string | string[] | undefined) => Array.isArray(x) ? x.join("") : x ?? "";

/** A Python with nbclient and a `deno` kernelspec, or why there is none. */
async function findJupyter(): Promise<{ python: string } | { why: string }> {
  const probe = "import nbclient, nbformat\nfrom jupyter_client.kernelspec import " +
    "KernelSpecManager\nKernelSpecManager().get_kernel_spec('deno')";
  let why = "no python3 with nbclient (apt-get install python3-nbclient python3-jupyter-client " +
    "jupyter-nbconvert)";
  for (const python of PYTHON_CANDIDATES) {
    const out = await new Deno.Command(python, {
      args: ["-c", probe],
      stdout: "null",
      stderr: "piped",
    })
      .output().catch(() => null);
    if (out?.success) return { python };
    if (out && /NoSuchKernel/.test(new TextDecoder().decode(out.stderr))) {
      why = "no Deno kernel for Jupyter (run deno jupyter --install --force)";
    }
  }
  return { why };
}

/** The lines the chapter printed from `first` (a line's start) to the last line starting `last`. */
function chapterPrinted(cell: number, first: string, last: string): string[] {
  const text = Deno.readTextFileSync(`${SHARED}seed/rnn-scratch.zh.md`);
  const block = text.slice(text.indexOf(`In [${cell}]:`), text.indexOf(`In [${cell + 1}]:`));
  const lines = block.split("\n").map((l) => l.trimEnd());
  const from = lines.findIndex((l) => l.startsWith(first));
  const to = lines.findLastIndex((l) => l.startsWith(last));
  return lines.slice(from, to + 1).filter((l) => l !== "");
}

const jupyter = await findJupyter();

Deno.test({
  name: "the chapter's notebook runs headless and prints what the chapter prints" +
    ("why" in jupyter ? ` (skipped: ${jupyter.why})` : ""),
  ignore: "why" in jupyter,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const out = join(dir, "executed.ipynb");
      const run = await new Deno.Command((jupyter as { python: string }).python, {
        args: [`${ROOT}test/_execute_notebook.py`, NOTEBOOK, `${ROOT}notebooks`, out],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(run.success, new TextDecoder().decode(run.stderr));
      const cells: Cell[] = JSON.parse(await Deno.readTextFile(out)).cells;
      const code = cells.filter((c) => c.cell_type === "code");
      const errors = code.flatMap((c) => c.outputs!.filter((o) => o.output_type === "error"));
      assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
      const cellOf = (marker: string) => code.find((c) => joined(c.source).includes(marker))!;
      const printed = (marker: string) =>
        cellOf(marker).outputs!.filter((o) => o.output_type === "stream").map((o) => joined(o.text))
          .join("");
      const result = (marker: string, type = "text/plain") =>
        joined(cellOf(marker).outputs!.find((o) => o.data?.[type] !== undefined)?.data?.[type]);

      assert.equal(
        printed("// In [1]"),
        "想要有直升机\n想要和你飞到宇宙去\n想要和你融化在一起\n融化在宇宙里\n我每天每天每天在想想想想著你\n\n",
      );
      assert.match(result("// In [2]"), /64925/);
      assert.equal(printed("// In [4]"), "vocab size: 1465\n");
      const lines = (marker: string) =>
        printed(marker).split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
      assert.deepEqual(lines("// In [7]"), chapterPrinted(7, "data:", "<NDArray"));
      assert.deepEqual(lines("// In [9]"), chapterPrinted(9, "data:", "<NDArray"));
      assert.deepEqual(lines("// In [11]"), ["input length:  3", "input[0] shape:  (2, 1465)"]);
      assert.deepEqual(lines("// In [14]"), [
        "output length:  3",
        "output[0] shape:  (2, 1465)",
        "state shape:  (2, 256)",
      ]);
      for (const marker of ["// In [19]", "// In [20]"]) {
        const epochs = lines(marker).filter((l) => l.startsWith("Epoch "));
        assert.deepEqual(
          epochs.map((l) => l.split(".")[0]),
          [5, 10, 15, 20].map((e) => `Epoch ${e}`),
        );
        const ppl = epochs.map((l) => Number(/Perplexity (\d+\.\d{6})$/.exec(l)![1]));
        assert.ok(ppl[3] < ppl[0] / 4, `the perplexity fell: ${ppl}`);
        assert.match(lines(marker).at(-1)!, /^ - {2}不分开./);
        assert.match(result(marker, "image/svg+xml"), /^<svg [^]*<\/svg>$/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
