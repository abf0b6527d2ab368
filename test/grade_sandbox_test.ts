// The grader against adversarial submissions (fixtures/adversarial/): each misbehaves in one way or
// tries one class of escape, and the grader must survive it, say what happened, grade the rest, and
// leave untouched what it protects (the staff solution and files outside unread, no store left
// behind, deno.lock and node_modules byte-identical, its own memory bounded). The fixtures import
// fixtures/solutions/alternative.ts, so each is graded from a staged copy of fixtures/, beside a
// where.json saying what an attacker would know: the checkout's path and a canary file outside.

import assert from "node:assert/strict";
import { join } from "node:path";
import { type ExerciseName, PRIMITIVES, TAKES_PRIMITIVES } from "../src/grade/contract.ts";
import {
  type ExerciseResult,
  type GradeOptions,
  Grader,
  type GradeReport,
  LIMITS,
} from "../src/grade/grader.ts";
import {
  type GradescopeResults,
  gradescopeResults,
  HIDDEN_VISIBILITIES,
  textReport,
} from "../src/grade/feedback.ts";
import { Sandbox } from "../src/grade/sandbox.ts";
import { TYPE_CHECK_MEMORY_MB } from "../src/grade/type_check.ts";
import { chapterText, ROOT, runTask, SHARED, sharedGrader } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

/** A temporary folder holding `submission/` (a copy of fixtures/) and `outside/` (a canary). */
interface Stage {
  /** The folder graded: a copy of fixtures/, where.json in adversarial/. */
  root: string;
  /** Beside it, never to be read: `canary.txt`. */
  outside: string;
  /** The canary file. */
  canary: string;
  /** The canary's content, which must appear nowhere. */
  token: string;
  /** Removes it all. */
  remove(): Promise<void>;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(join(from, entry.name), join(to, entry.name));
    else await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

async function stage(): Promise<Stage> {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-stage-" });
  const root = join(dir, "submission");
  const outside = join(dir, "outside");
  await copyDir(`${ROOT}fixtures`, root);
  for await (const entry of Deno.readDir(join(root, "adversarial"))) {
    if (entry.name.endsWith(".ts.txt")) { // kept as text so that the repository's checks skip them
      const path = join(root, "adversarial", entry.name);
      await Deno.rename(path, path.slice(0, -".txt".length));
    }
  }
  await Deno.mkdir(outside);
  const canary = join(outside, "canary.txt");
  const token = `canary-${crypto.randomUUID()}`;
  await Deno.writeTextFile(canary, `${token}\n`);
  await Deno.writeTextFile(
    join(root, "adversarial", "where.json"),
    JSON.stringify({ checkout: ROOT, canary }),
  );
  return { root, outside, canary, token, remove: () => Deno.remove(dir, { recursive: true }) };
}

/** Grades a fixture from a stage; the type check only when `opts` asks for it (it is slow). */
async function grade(
  name: string,
  only: readonly ExerciseName[],
  opts: GradeOptions = {},
): Promise<GradeReport> {
  const s = await stage();
  try {
    const grader = await sharedGrader();
    return await grader.grade(join(s.root, "adversarial", `${name}.ts`), {
      root: s.root,
      only,
      typeCheck: false,
      ...opts,
    });
  } finally {
    await s.remove();
  }
}

function exercise(report: GradeReport, name: ExerciseName): ExerciseResult {
  return report.exercises.find((e) => e.name === name)!;
}

function assertFull(report: GradeReport, ...names: ExerciseName[]) {
  for (const name of names) {
    const ex = exercise(report, name);
    assert.equal(ex.score, ex.maxScore, `${name}: ${ex.cases.map((c) => c.feedback).join("\n")}`);
  }
}

function assertZero(report: GradeReport, name: ExerciseName, feedback: RegExp) {
  const ex = exercise(report, name);
  assert.equal(ex.score, 0);
  for (const c of ex.cases) assert.match(c.feedback, feedback);
}

/** Everything the submission printed, all exercises. */
function printed(report: GradeReport): string {
  return report.exercises.flatMap((e) => e.cases.map((c) => c.output)).join("\n");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** What fake_score and patches_globals return for getInputs, public and hidden cases' wording. */
const WRONG_INPUTS = new RegExp(
  [
    /the list of inputs: a list of 1, expected [345]/,
    /the list of inputs: the number of items differs from the expected one \(yours: 1\)/,
    /inputs\[0\]: element \[0, 0\] is 1, expected 0/,
    /inputs\[0\]: \d+ of \d+ elements differ from the expected ones/,
  ].map((r) => r.source).join("|"),
);

// --- Misbehaviour: the grader survives it and grades the rest -----------------------------------

Deno.test("an endless loop is stopped at the time limit; trainRnn runs with the reference rnn", async () => {
  const report = await grade("infinite_loop", ["rnn", "gradClipping", "trainRnn"], {
    timeoutScale: 0.1,
  });
  assertZero(report, "rnn", /ran past its time limit of 3 s/);
  assertFull(report, "gradClipping", "trainRnn");
  for (const c of exercise(report, "trainRnn").cases) {
    assert.ok(c.referencePrimitives.includes("rnn"));
  }
});

Deno.test("unbounded allocation, on the V8 heap or outside it, is stopped", async () => {
  const report = await grade("allocates", ["getInputs", "rnn", "perplexity"], {
    limits: { rssMb: 700 },
    timeoutScale: 0.5,
  });
  assertZero(report, "getInputs", /ran out of memory \(V8 heap limit 512 MiB\)/);
  assertZero(report, "rnn", /used more than 700 MiB of memory/);
  assertFull(report, "perplexity");
});

Deno.test("a thrown Error or non-Error is reported per case", async () => {
  const report = await grade("throws", ["gradClipping", "perplexity", "rnn"]);
  assertZero(
    report,
    "gradClipping",
    /^gradClipping threw TypeError: grads.map is not a function\nHint: In \[16\]/,
  );
  assertZero(report, "perplexity", /^perplexity threw a thrown string: a string, not an Error/);
  assertFull(report, "rnn");
});

Deno.test("Deno.exit in the middle of an exercise ends that exercise only", async () => {
  const report = await grade("exits_early", ["perplexity", "getInputs"]);
  assertZero(report, "perplexity", /the process exited \(code 0\) before perplexity returned/);
  assert.equal(exercise(report, "perplexity").cases[0].output, "bye\n");
  assertFull(report, "getInputs");
});

Deno.test("printed fake scores and fake protocol lines are shown, never believed", async () => {
  const report = await grade("fake_score", ["getInputs", "rnn"]);
  assertZero(
    report,
    "getInputs",
    WRONG_INPUTS,
  );
  const output = exercise(report, "getInputs").cases[0].output;
  assert.match(output, /^\{"score": 100, "tests": \[\]\}\nScore 100\/100\n/);
  assert.match(output, /00000000-0000-0000-0000-000000000000 \{"t":"done"\}/);
  assertFull(report, "rnn");
  assert.equal(report.score, 15);
});

Deno.test("patched JSON, toJSON, TextEncoder, Deno.stdout and Deno.exit cannot forge results", async () => {
  const report = await grade("patches_globals", ["getInputs", "rnn", "gradClipping"]);
  assertZero(
    report,
    "getInputs",
    WRONG_INPUTS,
  );
  assertFull(report, "rnn", "gradClipping");
});

// --- Reaching outside: files, the network, the environment ----------------------------------------

Deno.test("a static import of the goldens is refused before anything runs", async () => {
  const report = await grade("imports_golden", ["getInputs", "rnn"]);
  assert.deepEqual(report.rejected, [
    `adversarial/imports_golden.ts:8:21 imports "../../golden/chapter_printed.json": only modules ` +
    `in the submission's folder and "@tensorflow/tfjs" or "npm:@tensorflow/tfjs@4.22.0" may be imported`,
  ]);
  assert.equal(report.score, 0);
  assertZero(report, "rnn", /^not run: see why at the top of the report$/);
});

for (
  const [name, probes] of [["reads_files", 9], ["opens_sockets", 4], ["reads_env", 5]] as const
) {
  Deno.test(`${name}: every attempt is denied, and the submission is graded normally`, async () => {
    const report = await grade(name, ["getInputs"]);
    assertFull(report, "getInputs");
    const output = exercise(report, "getInputs").cases[0].output;
    assert.equal(output.match(/^probe .*: denied \(\w+\)$/gm)?.length, probes, output);
    assert.doesNotMatch(output, /LEAKED/);
  });
}

/** Whether reading a file in `dir` changes its access time there (relatime does, noatime not). */
async function readsShowInAtime(dir: string): Promise<boolean> {
  const control = join(dir, "control.txt");
  await Deno.writeTextFile(control, "read me\n");
  await Deno.utime(control, new Date("2001-01-01"), new Date());
  await Deno.readTextFile(control);
  return (await Deno.stat(control)).atime!.getFullYear() !== 2001;
}

async function mkfifo(path: string): Promise<boolean> {
  try {
    return (await new Deno.Command("mkfifo", { args: [path] }).output()).success;
  } catch {
    return false; // no mkfifo here
  }
}

Deno.test("links, fifos and hard links: graded from a private copy of regular files; the staff solution and a canary outside stay unread", async () => {
  const s = await stage();
  try {
    const adversarial = join(s.root, "adversarial");
    const at = (name: string) => join(adversarial, name);
    await Deno.symlink(`${ROOT}src/grade/staff_solution.ts`, at("notes.ts"));
    await Deno.symlink("/", at("data"));
    await Deno.symlink(s.canary, at("canary.txt"));
    await Deno.writeTextFile(join(s.outside, "public.txt"), "public\n");
    await Deno.link(join(s.outside, "public.txt"), at("hard.txt"));
    const fifo = await mkfifo(at("pipe"));
    using big = await Deno.open(at("big.bin"), { create: true, write: true });
    await big.truncate(40 << 20); // sparse: past the copy's 32 MiB bound
    const deep = at(Array.from({ length: 9 }, (_, i) => `d${i + 1}`).join("/"));
    await Deno.mkdir(deep, { recursive: true });
    await Deno.writeTextFile(join(deep, "deep.ts"), "export {};\n");
    const atimeTells = await readsShowInAtime(s.outside);
    await Deno.utime(s.canary, new Date("2001-01-01"), new Date());

    const report = await (await sharedGrader()).grade(at("follows_links.ts"), {
      root: s.root,
      only: ["getInputs", "trainRnn"],
    });

    // Nothing was solved with the staff solution: it could not be imported.
    assert.equal(report.score, 0);
    for (const ex of report.exercises) {
      assertZero(report, ex.name, /no staff solution within reach/);
    }
    const output = printed(report);
    assert.equal(output.match(/^probe .*: denied \(\w+\)$/gm)?.length, 2 * 8, output);
    assert.doesNotMatch(output, /LEAKED/);
    assert.match(output, /^hard link: public$/m); // a hard link is copied as its content
    // The canary outside was never read, by the child or by the grader.
    assert.ok(!JSON.stringify(report).includes(s.token));
    if (atimeTells) assert.equal((await Deno.stat(s.canary)).atime!.getFullYear(), 2001);
    // Neither Deno.mainModule, the working directory nor a stack trace names the checkout.
    assert.match(
      output,
      /^main module: file:\/\/\/.*\/rnnlab-grader-\w+\/child\/plain\/src\/grade\//m,
    );
    assert.match(output, /^stack: Error: called\n.*\n {4}at .*\/rnnlab-grader-\w+\/child\//m);
    assert.doesNotMatch(output, new RegExp(escape(ROOT)));
    // What the copy left out, and why.
    const leftOut = Object.fromEntries(report.leftOut.map((l) => [l.path, l.why]));
    assert.equal(leftOut["adversarial/notes.ts"], "a symbolic link");
    assert.equal(leftOut["adversarial/data"], "a symbolic link");
    assert.equal(leftOut["adversarial/canary.txt"], "a symbolic link");
    if (fifo) assert.equal(leftOut["adversarial/pipe"], "a fifo");
    assert.match(leftOut["adversarial/big.bin"], /41943040 bytes would pass the copy's bound/);
    assert.equal(leftOut["adversarial/d1/d2/d3/d4/d5/d6/d7/d8"], "a folder deeper than 8");
    assert.ok(!("adversarial/hard.txt" in leftOut));
    assert.match(textReport(report), /Left out of the copy that was graded:\n {2}adversarial\//);
  } finally {
    await s.remove();
  }
});

// --- Storage ----------------------------------------------------------------------------------------

/** Every file under `dir` with its size and modification time, or `[]` if there is no `dir`. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const path = join(d, e.name);
      const info = await Deno.lstat(path);
      if (info.isDirectory) await walk(path);
      else out.push(`${path} ${info.size} ${info.mtime?.getTime()}`);
    }
  };
  await walk(dir).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  return out.sort();
}

/** Whether any file under `dir` contains `text`. */
async function anyFileHolds(dir: string, text: string): Promise<boolean> {
  for (const line of await snapshot(dir)) {
    const path = line.slice(0, line.lastIndexOf(" ", line.lastIndexOf(" ") - 1));
    const bytes = await Deno.readFile(path).catch(() => new Uint8Array());
    if (new TextDecoder().decode(bytes).includes(text)) return true;
  }
  return false;
}

Deno.test("web storage: what a child stores is seen by no later child or grading, and nothing is left on disk", async () => {
  const info = JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
    ),
  );
  const shared: string = info.originStorage; // where Deno keeps origin storage by default
  const sharedBefore = await snapshot(shared);
  const temp = await Deno.makeTempDir();
  const s = await stage();
  const outputs: string[] = [];
  try {
    const grader = new Grader(await chapterText(), { tempRoot: temp });
    try {
      for (let g = 0; g < 2; g++) { // two gradings, each child after the other
        const report = await grader.grade(join(s.root, "adversarial", "uses_storage.ts"), {
          root: s.root,
          only: ["getInputs", "rnn", "perplexity"],
          jobs: 1,
        });
        assertFull(report, "getInputs", "rnn", "perplexity");
        outputs.push(...report.exercises.map((e) => e.cases[0].output));
        const [workspace] = [...Deno.readDirSync(temp)].map((e) => join(temp, e.name));
        assert.deepEqual(
          [...Deno.readDirSync(workspace)].filter((e) => e.name.startsWith("grading-")),
          [],
          "a grading's folder outlived it",
        );
      }
    } finally {
      await grader.close();
    }
    assert.equal(outputs.length, 6);
    for (const output of outputs) {
      assert.doesNotMatch(output, /found:|LEAKED/, output); // nothing seen, nothing stored
      assert.equal(output.match(/^probe .*: denied \(\w+\)$/gm)?.length, 5, output);
    }
    // Nothing is left: not in the grader's private place, not in Deno's shared origin storage.
    assert.deepEqual([...Deno.readDirSync(temp)], []);
    assert.deepEqual(await snapshot(shared), sharedBefore);
    for (const mark of outputs.join("\n").match(/mark-[\w-]+/g)!) {
      assert.ok(!(await anyFileHolds(shared, mark)), `${mark} was stored`);
    }
  } finally {
    await s.remove();
    await Deno.remove(temp, { recursive: true });
  }
});

Deno.test("module caches: a child that imports without end is stopped at its private caches' bound", async () => {
  const report = await grade("fills_module_cache", ["getInputs"], { limits: { diskMb: 4 } });
  assertZero(report, "getInputs", /private caches grow by more than 4 MiB/);
});

// --- The import check -------------------------------------------------------------------------------

/** One line per file or link under `path` (or `path` itself): its name and a hash of its content. */
async function contentHashes(path: string): Promise<string[]> {
  const info = await Deno.lstat(path);
  if (info.isSymlink) return [`${path} -> ${await Deno.readLink(path)}`];
  if (info.isFile) {
    const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
    return [`${path} ${btoa(String.fromCharCode(...new Uint8Array(digest)))}`];
  }
  const lines = [`${path}/`];
  for await (const entry of Deno.readDir(path)) {
    lines.push(...await contentHashes(join(path, entry.name)));
  }
  return lines.sort();
}

Deno.test("the import check refuses registry and URL imports without writing deno.lock, node_modules or a cache", async () => {
  const lockBefore = await contentHashes(`${ROOT}deno.lock`);
  const modulesBefore = await contentHashes(`${ROOT}node_modules`);
  const denoDir = JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
    ),
  );
  const cachesBefore = await Promise.all([denoDir.modulesCache, denoDir.npmCache].map(snapshot));

  const report = await grade("imports_npm", ["getInputs"]);

  const refused = (at: string, specifier: string) =>
    `adversarial/imports_npm.ts:${at} imports "${specifier}": only modules in the submission's ` +
    `folder and "@tensorflow/tfjs" or "npm:@tensorflow/tfjs@4.22.0" may be imported`;
  assert.deepEqual(report.rejected, [
    refused("6:21", "npm:left-pad@1.3.0"),
    refused("7:22", "jsr:@std/path@1.0.8"),
    refused("8:24", "https://deno.land/std@0.224.0/assert/mod.ts"),
  ]);
  assert.equal(report.score, 0);
  assert.deepEqual(await contentHashes(`${ROOT}deno.lock`), lockBefore);
  assert.deepEqual(await contentHashes(`${ROOT}node_modules`), modulesBefore);
  assert.deepEqual(
    await Promise.all([denoDir.modulesCache, denoDir.npmCache].map(snapshot)),
    cachesBefore,
  );
});

// --- Output -------------------------------------------------------------------------------------------

/**
 * Runs `f` and returns what it returned and how far this process's resident memory rose meanwhile:
 * the kernel's high-water mark (VmHWM, reset first through clear_refs; Deno lets only a subprocess
 * touch /proc/self) where Linux gives it, and samples of `Deno.memoryUsage().rss` every 5 ms.
 */
async function peakGrowthMb<T>(f: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const sh = async (script: string) => {
    try {
      const out = await new Deno.Command("sh", { args: ["-c", script] }).output();
      return out.success ? new TextDecoder().decode(out.stdout) : "";
    } catch {
      return ""; // no sh
    }
  };
  const status = `/proc/${Deno.pid}/status`;
  const reset = async () => (await sh(`echo 5 > /proc/${Deno.pid}/clear_refs && echo ok`)) !== "";
  const highWater = async () => Number((await sh(`cat ${status}`)).match(/^VmHWM:\s+(\d+)/m)?.[1]);
  const baseline = Deno.memoryUsage().rss / 2 ** 20;
  const exact = await reset();
  let sampled = baseline;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, Deno.memoryUsage().rss / 2 ** 20);
  }, 5);
  const result = await f();
  clearInterval(timer);
  const hwm = exact ? (await highWater()) / 1024 : 0;
  return { result, growthMb: Math.max(sampled, hwm || 0) - baseline };
}

Deno.test("output floods: the grader keeps a bounded excerpt and its own memory stays bounded", async () => {
  const { result: report, growthMb } = await peakGrowthMb(() =>
    grade("floods_output", ["getInputs", "rnn", "perplexity"])
  );
  assert.ok(growthMb < 512, `the grader's resident memory rose by ${growthMb.toFixed(0)} MiB`);
  for (const name of ["getInputs", "rnn", "perplexity"] as const) {
    assertZero(report, name, new RegExp(`wrote more than ${LIMITS.stdoutBytes} bytes to stdout`));
    const output = exercise(report, name).cases[0].output;
    assert.ok(output.length < 1600, `${output.length} characters kept`);
    assert.match(output, /\n\[… \d+ more characters\]$/);
  }
});

// C0 and C1 controls but tab and newline, DEL, bidirectional overrides.
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

Deno.test("terminal escapes a submission prints or throws are shown escaped", async () => {
  const report = await grade("prints_escapes", ["getInputs", "gradClipping"]);
  const text = textReport(report);
  assert.doesNotMatch(text, RAW_CONTROL);
  for (
    const shown of [
      "\\x1b[2J\\x1b[H",
      "\\x1b[32mScore 100/100\\x1b[0m",
      "\\x1b]52;c;ZWNobyBwd25lZA==\\x07",
      "FAIL\\x0dok",
      "\\x9b2J",
      "\\u202eTXT.sj",
      "gradClipping threw Error: \\x1b[2J\\x1b[32mall tests passed",
    ]
  ) {
    assert.ok(text.includes(shown), shown);
  }
  const results = gradescopeResults(report);
  for (const out of [results.output, ...results.tests.map((t) => t.output)]) {
    assert.doesNotMatch(out, RAW_CONTROL);
  }
  const s = await stage();
  try {
    const cli = await runTask("grade", [
      join(s.root, "adversarial", "prints_escapes.ts"),
      "--root",
      s.root,
      "--only",
      "getInputs",
    ], { env: { RNNLAB_DATA: `${SHARED}data` } });
    assert.equal(cli.code, EXIT.ok, cli.stderr);
    assert.doesNotMatch(cli.stdout, RAW_CONTROL);
    assert.match(cli.stdout, /\\x1b\[2J/);
  } finally {
    await s.remove();
  }
});

// --- Hidden cases -------------------------------------------------------------------------------------

/** What a student sees of results.json before grades are published. */
function seenBeforePublication(results: GradescopeResults) {
  const held = ["after_due_date", "after_published"];
  return {
    // While a test is held back, Gradescope shows no total score.
    total: results.tests.some((t) => held.includes(t.visibility)) ? "held back" : results.score,
    output: results.output,
    stdout: results.stdout_visibility === "hidden" ? "hidden" : "shown",
    tests: results.tests.filter((t) => t.visibility === "visible"),
  };
}

Deno.test("hidden cases: nothing students see before publication depends on a hidden case's outcome", async () => {
  const only = [...PRIMITIVES, "trainRnn"] as const;
  const clean = await grade("probes_hidden_cases", only);
  const buggy = await grade("fails_hidden_case", only);
  // The bug is real, a hidden case of getInputs catches it, and trainRnn's hidden case feels it.
  assert.deepEqual(
    exercise(buggy, "getInputs").cases.map((c) => [c.hidden, c.passed]),
    [[false, true], [false, true], [true, false], [true, true], [true, true]],
  );
  const train = exercise(buggy, "trainRnn").cases;
  assert.deepEqual(train.map((c) => [c.hidden, c.referencePrimitives]), [
    [false, []],
    [true, ["getInputs"]],
  ]);
  assert.ok(buggy.score < clean.score);
  for (const visibility of HIDDEN_VISIBILITIES) {
    const [a, b] = [clean, buggy].map((r) =>
      seenBeforePublication(gradescopeResults(r, visibility))
    );
    assert.equal(b.total, "held back", visibility);
    assert.deepEqual(b, a, visibility);
  }
  // After publication the hidden cases' points count, in every form.
  const hidden = gradescopeResults(buggy, "hidden");
  assert.equal(hidden.tests.reduce((s, t) => s + t.score, 0), buggy.score);
  assert.equal(hidden.tests.at(-1)!.visibility, "after_published");
});

// --- The channel --------------------------------------------------------------------------------------

Deno.test("patched built-ins change no byte the child sends", async () => {
  const s = await stage();
  const sandbox = await Sandbox.open();
  try {
    const [clean, patched] = await Promise.all(
      ["solutions/alternative.ts", "adversarial/patches_intrinsics.ts"].map((path) =>
        sandbox.grading(s.root, join(s.root, path))
      ),
    );
    for (const ex of (await sharedGrader()).exercises) {
      const sent = async (grading: typeof clean) => {
        const messages: string[] = [];
        const run = await grading.run(
          {
            nonce: "n",
            submission: new URL(`file://${grading.submission}`).href,
            exercise: ex.name,
            cases: ex.cases.map((c) => c.args),
            referencePrimitives: [],
            memoryMb: LIMITS.rssMb,
          },
          (TAKES_PRIMITIVES as readonly string[]).includes(ex.name) ? "primitives" : "plain",
          { ...LIMITS, timeoutMs: ex.timeoutS * 1000 },
          (event) => event.kind === "message" && messages.push(event.json),
        );
        assert.equal(run.ending, "done", run.stderr);
        return messages;
      };
      const [want, got] = [await sent(clean), await sent(patched)];
      assert.equal(want.length, ex.cases.length + 2); // loaded, a result per case, done
      assert.ok(want.slice(1, -1).every((m) => m.startsWith('{"t":"result"')), ex.name);
      assert.deepEqual(got, want, ex.name);
    }
    await Promise.all([clean.close(), patched.close()]);
  } finally {
    await sandbox.close();
    await s.remove();
  }
});

// --- Misconfiguration -------------------------------------------------------------------------------

Deno.test("misconfiguration is a usage error; a syntax error is said once; type errors are advice", async () => {
  for (
    const [args, message] of [
      [
        ["src/grade/staff_solution.ts", "--root", "/nonexistent"],
        /--root \/nonexistent is not a folder/,
      ],
      [["src/grade/staff_solution.ts", "--root", "deno.json"], /--root deno\.json is not a folder/],
      [
        ["src/grade/staff_solution.ts", "--root", "fixtures"],
        /submission .* is not inside --root fixtures/,
      ],
      [
        ["src/grade/staff_solution.ts", "--results", "/nonexistent/r.json"],
        /results file \/nonexistent\/r\.json: its folder does not exist/,
      ],
      [["--gradescope", "/nonexistent"], /--gradescope \/nonexistent is not a folder/],
    ] as const
  ) {
    const out = await runTask("grade", [...args], { env: { RNNLAB_DATA: `${SHARED}data` } });
    assert.equal(out.code, EXIT.usage, `${args}: ${out.stderr}`);
    assert.match(out.stderr, new RegExp(`^error: ${message.source}[^\\n]*\\n$`));
    assert.equal(out.stdout, "");
  }

  const broken = await grade("syntax_error", ["getInputs", "rnn", "perplexity"]);
  assert.equal(broken.rejected.length, 1);
  assert.match(broken.rejected[0], /^adversarial\/syntax_error\.ts: SyntaxError: .*\n/);
  for (const ex of broken.exercises) assertZero(broken, ex.name, /^not run: see why/);
  const said = broken.rejected[0].split("\n")[0];
  assert.equal(textReport(broken).split(said).length, 2, "said once in the text report");
  assert.equal(JSON.stringify(gradescopeResults(broken)).split(said).length, 2, "and in results");

  const misfit = await grade("misfits_contract", ["gradClipping", "perplexity"], {
    typeCheck: true,
  });
  assertFull(misfit, "gradClipping", "perplexity"); // advice costs nothing
  const advice = misfit.advice.join("\n");
  assert.match(
    advice,
    /TS2322 \[ERROR\]: Type 'typeof import\(.*adversarial\/misfits_contract\.ts/,
  );
  assert.match(advice, /property 'gradClipping' are incompatible/);
  assert.doesNotMatch(advice, /rnnlab-grader|grading-/); // paths relative to the copy
  assert.match(textReport(misfit), /\nType check \(advice: it costs no points\):\n {2}TS2322/);
  assert.deepEqual((await grade("reads_env", ["getInputs"], { typeCheck: true })).advice, []);
});

// --- The walls of issue 21: the reference, exotic throws, a child that will not stop, the type check

/** The processes whose command line holds `text` (this machine's, as /proc lists them). */
async function processesNaming(text: string): Promise<string[]> {
  // Deno reads /proc only with --allow-all: a shell does it.
  const script = 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done';
  const out = await new Deno.Command("sh", { args: ["-c", script] }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((line) => line.includes(text));
}

/** `work`, or a failure once `ms` have passed (a hung grader must fail the test, not hang it). */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a child that keeps running after its results (unload, a worker, a timer) is killed whole; its results count", async () => {
  const report = await within(
    90_000,
    "grading keeps_running",
    grade("keeps_running", ["getInputs", "perplexity"], { timeoutScale: 0.5 }),
  );
  assertFull(report, "getInputs", "perplexity");
  const copy = printed(report).match(/^running in (\S+)$/m)?.[1];
  assert.ok(copy, printed(report));
  assert.deepEqual(await processesNaming(copy), [], "a child outlived its grading");
});

Deno.test("whatever a submission throws (a Proxy trapping everything, a Symbol, a revoked Proxy, an unprintable object), that case fails with a message and the others run", async () => {
  const names = [
    "gradClipping",
    "perplexity",
    "rnn",
    "getInputs",
    "dataIterConsecutive",
    "dataIterRandom",
  ] as const;
  const report = await grade("throws_exotic", names);
  for (const name of names) {
    const [first, ...rest] = exercise(report, name).cases;
    assert.equal(first.passed, false, name);
    assert.match(first.feedback, new RegExp(`^${name} threw .+`), name);
    for (const c of rest) assert.ok(c.passed, `${name}, ${c.name}: ${c.feedback}`);
  }
  assert.match(exercise(report, "perplexity").cases[0].feedback, /Symbol\(a symbol, thrown\)/);
});

/** The lines of the reference's source that would show it: code lines of 30 characters or more. */
async function referenceLines(): Promise<string[]> {
  const files = [
    "src/grade/reference_primitives.ts",
    "src/model/rnn.ts",
    "src/data/iterators.ts",
    "src/random/py_random.ts",
    "src/grade/staff_solution.ts",
  ];
  const lines: string[] = [];
  for (const file of files) {
    for (const line of (await Deno.readTextFile(`${ROOT}${file}`)).split("\n")) {
      const code = line.trim();
      if (code.length >= 30 && !/^(\/\/|\*|\/\*\*|import |export \{)/.test(code)) lines.push(code);
    }
  }
  return lines;
}

Deno.test("nothing of the reference is reachable: what it is handed prints as native code, its modules neither import nor read", async () => {
  const report = await grade("looks_for_reference", ["predictRnn", "trainRnn"]);
  assertFull(report, "predictRnn", "trainRnn");
  const out = printed(report);
  const sources = new Map(
    [...out.matchAll(/^source (\S+): (".*")$/gm)].map((m) => [m[1], JSON.parse(m[2]) as string]),
  );
  const handed = [
    "rnn",
    "getInputs",
    "dataIterRandom",
    "dataIterConsecutive",
    "gradClipping",
    "getParams",
    "rng.shuffle",
    "rng.constructor",
  ];
  assert.deepEqual([...sources.keys()].sort(), handed.sort(), out);
  for (const [name, source] of sources) {
    assert.match(source, /^function \w* ?\(\) \{ \[native code\] \}$/, name);
  }
  assert.equal(out.match(/^probes: 24 denied of 24$/gm)?.length, 2, out);
  assert.match(
    out,
    /^stack names file:\/\/\/.*\/child\/primitives\/src\/grade\/reference_primitives\.ts$/m,
  );
  assert.doesNotMatch(out, /LEAKED|^found /m);
  const everything = [
    JSON.stringify(report),
    textReport(report),
    ...HIDDEN_VISIBILITIES.map((v) => JSON.stringify(gradescopeResults(report, v))),
  ].join("\n");
  for (const line of await referenceLines()) {
    assert.ok(!everything.includes(line), `the reference's "${line}" came back`);
  }
});

Deno.test("outside_the_wall: the host's files, the grader's tree, other processes and the network are out of reach", async () => {
  const report = await grade("outside_the_wall", ["getInputs"]);
  assertFull(report, "getInputs");
  assert.match(printed(report), /^probes: 11 denied of 11$/m);
  assert.doesNotMatch(printed(report), /LEAKED/);
});

Deno.test("a type that explodes the checker: the type check is stopped at its memory bound in one line; the grader's memory stays bounded", async () => {
  const { result: report, growthMb } = await peakGrowthMb(() =>
    grade("bloats_type_check", ["getInputs"], { typeCheck: true })
  );
  assert.deepEqual(report.advice, [
    `the type check was stopped: it needed more than its memory limit of ${TYPE_CHECK_MEMORY_MB} MiB`,
  ]);
  assertFull(report, "getInputs");
  assert.ok(growthMb < 512, `the grader's resident memory rose by ${growthMb.toFixed(0)} MiB`);
  assert.ok(report.seconds < 120, `${report.seconds} s`);
});
