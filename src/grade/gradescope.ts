/**
 * Everything around the grader proper: the starter files of `--init`, and the Gradescope
 * autograder zip of `deno task grade:bundle`.
 *
 * Gradescope unpacks the zip into `/autograder/source`, runs `setup.sh` there once when it builds
 * the image, then `run_autograder` for every submission, with the student's files in
 * `/autograder/submission`; the results go to `/autograder/results/results.json`. Both scripts
 * take the root from `$AUTOGRADER_ROOT` when it is set, which is how the tests run them against a
 * temporary folder laid out the same way.
 *
 * @module
 */

import { type Zippable, zipSync } from "fflate";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { notebookFromModule, STARTER_NOTEBOOK } from "./notebook.ts";
import { STARTER_NAMES } from "./submission_file.ts";
import { MISTAKE_TABLE_FILE } from "./mistakes/table.ts";

/** The repository root. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The Deno version `setup.sh` installs, the project's pinned one. */
const DENO_VERSION = "2.9.6";

/** The starter module, which both starters are made from. */
export const STARTER = new URL("./starter/rnn_scratch.ts", import.meta.url);

/**
 * Writes the starter into `dir` (created if missing): the module `rnn_scratch.ts`, or with
 * `notebook` the notebook `rnn_scratch.ipynb` made from it (see `notebook.ts`); refuses to
 * overwrite. Returns its path.
 */
export async function writeStarter(dir: string, notebook = false): Promise<string> {
  const name = notebook ? STARTER_NOTEBOOK : STARTER_NAMES[0];
  const target = join(dir, name);
  if (await Deno.stat(target).then(() => true, () => false)) {
    throw new UsageError(`${target} exists; not overwriting it`);
  }
  await Deno.mkdir(dir, { recursive: true });
  const text = await Deno.readTextFile(STARTER);
  await writeFileAtomic(
    target,
    notebook ? notebookFromModule(text, { from: STARTER_NAMES[0], to: name }) : text,
  );
  return target;
}

const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: install the pinned Deno
# (from npm) and cache every dependency, so that grading needs no network.
set -euo pipefail
cd "$(dirname "$0")"
DENO_VERSION=${DENO_VERSION}
if ! command -v deno >/dev/null 2>&1 || [ "$(deno --version | head -n1 | cut -d' ' -f2)" != "$DENO_VERSION" ]; then
  command -v npm >/dev/null 2>&1 || { apt-get update && apt-get install -y nodejs npm; }
  npm install -g "deno@\${DENO_VERSION}"
fi
deno install --frozen
deno cache --frozen tasks/grade.ts
# The OS wall (docs/autograder.md): bubblewrap where the image lets it make namespaces; where it
# cannot, the grader says so in results.json ("sandbox": "permissions") and keeps the rest.
command -v bwrap >/dev/null 2>&1 || apt-get install -y bubblewrap ||
  { apt-get update && apt-get install -y bubblewrap; } || echo "bubblewrap not installed"
`;

const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for every submission: grade <root>/submission and write
# <root>/results/results.json. The root is /autograder, or $AUTOGRADER_ROOT when set.
set -euo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
exec deno task --quiet grade --gradescope "$ROOT"
`;

/** The one file outside `src/` that the grader's sources import. */
const CHAPTER_PRINTED = "golden/chapter_printed.json";

/** Adds the files under `dir` but its unit tests (`*_test.ts`). */
async function addTree(files: Zippable, dir: string): Promise<void> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await addTree(files, path);
    else if (entry.isFile && !path.endsWith("_test.ts")) {
      files[path] = await Deno.readFile(join(ROOT, path));
    }
  }
}

/**
 * Writes the Gradescope autograder zip to `out`: `setup.sh` and `run_autograder` at its root, the
 * grader's sources (the staff solution among them) and the chapter's printed results they import
 * (the corpus's defaults come from `src/chapter/`), the corpus zip at `corpusPath` as
 * `data/jaychou_lyrics-<version>.txt.zip`, where the grader looks for it, and what the catalogue's
 * mistakes give on the cases (`mistakeOutcomes`, the text of `mistakes/table.ts`'s file), where the
 * grader reads it instead of computing it. Returns the names of the files in it.
 */
export async function buildBundle(
  out: string,
  corpusPath: string,
  version: string,
  mistakeOutcomes: string,
): Promise<string[]> {
  const mtime = new Date("2017-12-01T00:00:00Z"); // a fixed date: the same inputs give the same zip
  const executable = { os: 3, attrs: (0o100755 << 16) >>> 0, mtime };
  const files: Zippable = {};
  for (const name of ["deno.json", "deno.lock", "tasks/grade.ts", CHAPTER_PRINTED]) {
    files[name] = await Deno.readFile(join(ROOT, name));
  }
  await addTree(files, "src");
  files[`data/jaychou_lyrics-${version}.txt.zip`] = await Deno.readFile(corpusPath);
  const text = new TextEncoder();
  files[relative(ROOT, MISTAKE_TABLE_FILE)] = text.encode(mistakeOutcomes);
  files["setup.sh"] = [text.encode(SETUP_SH), executable];
  files["run_autograder"] = [text.encode(RUN_AUTOGRADER), executable];
  await writeFileAtomic(out, zipSync(files, { mtime }));
  return Object.keys(files).sort();
}
