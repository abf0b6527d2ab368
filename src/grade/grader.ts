/**
 * Grading a submission end to end: the private copy of its folder, the import check, one sandboxed
 * child per exercise, the comparison of every returned value with the expected one, and the
 * per-case verdicts; the type check runs beside the children, as advice.
 *
 * The exercises run two at a time (`jobs`): first the primitives, then the others. `trainRnn` waits
 * for the primitives because it trains with the student's own primitives except those whose
 * exercise failed, which the reference's replace (a bug costs points once); it starts first among
 * the others because it takes longest. A case of `trainRnn` is given the reference's primitives
 * for the failures of cases at least as visible as itself only: a public case never depends on a
 * hidden case's outcome, which students must not learn before grades are published.
 *
 * Whatever concerns the whole submission (files left out of the copy, why it was not run or could
 * not be loaded, the type check's advice) is said once, in the report, not in every case.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "../errors.ts";
import { type ExerciseName, type Primitive, PRIMITIVES, TAKES_PRIMITIVES } from "./contract.ts";
import { buildExercises, type Case, type ChapterText, type Exercise } from "./exercises/mod.ts";
import { nameText } from "./feedback.ts";
import { relativeToCopy } from "./imports.ts";
import { type Curve, judgeCase } from "./judge.ts";
import type { CaseEvidence, Diagnosis } from "./mistakes/diagnose.ts";
import {
  MISTAKE_TABLE_FILE,
  type MistakeTable,
  mistakeTable,
  type Outcome,
} from "./mistakes/table.ts";
import { isNotebookPath, NotebookModule, parseNotebook, SHARED_TAG } from "./notebook.ts";
import { COPY_LIMITS, type CopyLimits, type LeftOut } from "./private_copy.ts";
import type { Request } from "./protocol.ts";
import { type Grading, type Limits, Sandbox, type SandboxRun } from "./sandbox.ts";
import { killAllWalled, Wall, type WallChoice, type WallKind } from "./wall.ts";
import type { Value } from "./codec.ts";

/** The verdict on one case. */
export interface CaseResult {
  /** The case's description. */
  name: string;
  /** Whether it is a hidden case. */
  hidden: boolean;
  /** Points earned: all of the case's or none. */
  score: number;
  /** The case's share of its exercise's points. */
  maxScore: number;
  /** Whether the value matched. */
  passed: boolean;
  /** What was wrong and a hint (empty when passed). */
  feedback: string;
  /** The start of what the submission printed while this case ran. */
  output: string;
  /** For `trainRnn`: the primitives whose reference version stood in for the student's. */
  referencePrimitives: Primitive[];
  /** The known mistake the output matches, or that none does; `null` when passed or no value. */
  diagnosis: Diagnosis | null;
  /** For `trainRnn`: the student's perplexity per epoch, and the expected one if public. */
  curve: Curve | null;
  /** A digest of the wrong output (`Judgement.wrongOutput`); empty when passed or no value came. */
  wrongOutput: string;
}

/** The verdicts on one exercise. */
export interface ExerciseResult {
  /** The export graded. */
  name: ExerciseName;
  /** The chapter's cell. */
  title: string;
  /** Points earned. */
  score: number;
  /** Points possible. */
  maxScore: number;
  /** Whether a child of this exercise was stopped at its time limit. */
  timedOut: boolean;
  /** One verdict per case. */
  cases: CaseResult[];
}

/** A graded submission. */
export interface GradeReport {
  /** The submission file (a module, or a notebook whose tagged cells were graded). */
  submission: string;
  /** The wall its children ran in: `bubblewrap` (namespaces and Deno's permissions) or `permissions`. */
  sandbox: WallKind;
  /** Points earned in all. */
  score: number;
  /** Points possible in all. */
  maxScore: number;
  /** Wall-clock seconds the grading took. */
  seconds: number;
  /** What the private copy of the submission's folder left out, and why. */
  leftOut: LeftOut[];
  /** Why the submission was not run at all (a refused import, a syntax error), or empty. */
  rejected: string[];
  /** Why the submission could not be loaded, each reason once, or empty. */
  loadErrors: string[];
  /** The type check's diagnostics: advice, which costs no points. */
  advice: string[];
  /** One result per exercise graded. */
  exercises: ExerciseResult[];
}

/** How to grade. */
export interface GradeOptions {
  /** The folder the submission may import from and read (default: the submission's folder). */
  root?: string;
  /** Grade only these exercises (default: all). */
  only?: readonly ExerciseName[];
  /** Multiplies every exercise's time limit (default 1). */
  timeoutScale?: number;
  /** How many children run at once (default 2). */
  jobs?: number;
  /** Overrides of {@linkcode LIMITS}. */
  limits?: Partial<typeof LIMITS>;
  /** Overrides of the private copy's bounds (`COPY_LIMITS` of `private_copy.ts`). */
  copyLimits?: Partial<CopyLimits>;
  /** Whether to type-check the submission against the contract, as advice (default true). */
  typeCheck?: boolean;
}

/** Where a grader keeps its private files. */
export interface GraderOptions {
  /** The folder its temporary workspace is made in (default: the system's temporary folder). */
  tempRoot?: string;
  /**
   * The file that keeps what the catalogue's mistakes give on the cases (`mistakes/table.ts`):
   * read when its key matches, else built and written at the first grading; `null` builds it in
   * memory (default: `runs/grader/mistake_outcomes.json` in the checkout).
   */
  mistakeTable?: string | null;
  /** The operating system's wall (`wall.ts`): `auto` (default), `bubblewrap` or `permissions`. */
  sandbox?: WallChoice;
  /** Where the one line goes that says a grader runs without bubblewrap (default: stderr). */
  log?: (line: string) => void;
}

/** The sandbox limits, less the time limit, which is per exercise. */
export const LIMITS: Omit<Limits, "timeoutMs"> = {
  heapMb: 512,
  rssMb: 1536,
  stdoutBytes: 32 << 20,
  diskMb: 256,
};

const OUTPUT_KEEP = 1500;
const NOT_RUN = "not run: see why at the top of the report";
const NOT_LOADED = "not run: the submission could not be loaded (see why at the top of the report)";

/** The start of a stream of text, and how much more there was. */
class Excerpt {
  #text = "";
  #more = 0;

  /** Keeps what fits of `text`, counts the rest. */
  add(text: string): void {
    const room = OUTPUT_KEEP - this.#text.length;
    if (room > 0) this.#text += text.slice(0, room);
    this.#more += Math.max(0, text.length - Math.max(room, 0));
  }

  /** What was kept, with a note of what was not, and starts again. */
  take(): string {
    const text = this.#more > 0 ? `${this.#text}\n[… ${this.#more} more characters]` : this.#text;
    this.#text = "";
    this.#more = 0;
    return text;
  }
}

/** The verdict on case `c` of an exercise worth `share` points per case. */
function caseResult(
  c: Case,
  share: number,
  feedback: string,
  more: Partial<
    Pick<CaseResult, "output" | "referencePrimitives" | "diagnosis" | "curve" | "wrongOutput">
  > = {},
): CaseResult {
  const passed = feedback === "";
  return {
    name: c.name,
    hidden: c.hidden,
    score: passed ? share : 0,
    maxScore: share,
    passed,
    feedback,
    output: "",
    referencePrimitives: [],
    diagnosis: null,
    curve: null,
    wrongOutput: "",
    ...more,
  };
}

/** What a child reported for a case, before the grader judges it. */
interface CaseRun {
  /** What the function gave; `null` when the case did not finish. */
  outcome: Outcome | null;
  /** Why it did not finish. */
  why: string;
  /** What the submission printed while it ran. */
  printed: string;
  /** The primitives whose reference version the child used. */
  referencePrimitives: Primitive[];
}

/** Why the cases a child never reported did not finish. */
function stopReason(run: SandboxRun, ex: Exercise, limits: Limits): string {
  const stderr = run.stderr.trim() === "" ? "" : `\nstderr:\n${run.stderr.trim().slice(0, 600)}`;
  switch (run.ending) {
    case "timeout":
      return `stopped: the exercise ran past its time limit of ${
        limits.timeoutMs / 1000
      } s (an endless loop?)`;
    case "memory":
      return `stopped: the process used more than ${limits.rssMb} MiB of memory`;
    case "output":
      return `stopped: the process wrote more than ${limits.stdoutBytes} bytes to stdout`;
    case "disk":
      return `stopped: the process made its private caches grow by more than ${limits.diskMb} ` +
        "MiB (modules imported without end?)";
    case "protocol":
      return `stopped: the grader could not read the process's messages (${run.detail})`;
    default:
      if (/out of memory/i.test(run.stderr)) {
        return `stopped: the process ran out of memory (V8 heap limit ${limits.heapMb} MiB)`;
      }
      return `the process exited (code ${
        run.code ?? "killed"
      }) before ${ex.name} returned${stderr}`;
  }
}

/** Rewrites every message of `report` that may name a place in the submission. */
function rewriteMessages(report: GradeReport, rewrite: (text: string) => string): void {
  report.rejected = report.rejected.map(rewrite);
  report.loadErrors = report.loadErrors.map(rewrite);
  report.advice = report.advice.map(rewrite);
  for (const c of report.exercises.flatMap((ex) => ex.cases)) {
    c.feedback = rewrite(c.feedback);
    c.output = rewrite(c.output);
  }
}

/**
 * Rewrites the name the submission was graded under (`graded`, relative to the copy) to the
 * student's own (`own`), shown as text: messages name the file the student knows.
 */
function studentsName(graded: string, own: string): (text: string) => string {
  const pattern = new RegExp(
    `(?<![\\w.\\-/%])${graded.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
    "g",
  );
  const shown = nameText(own);
  return (text) => text.replace(pattern, () => shown);
}

/** The submission file and the folder it is graded with; bad input is a usage error. */
async function locate(path: string, rootFlag?: string): Promise<{ file: string; root: string }> {
  const file = resolve(path);
  if (!(await Deno.stat(file).catch(() => null))?.isFile) {
    throw new UsageError(`submission ${path} is not a file`);
  }
  const root = resolve(rootFlag ?? dirname(file));
  const named = rootFlag === undefined ? `the submission's folder ${root}` : `--root ${rootFlag}`;
  if (!(await Deno.stat(root).catch(() => null))?.isDirectory) {
    throw new UsageError(`${named} is not a folder`);
  }
  const inside = relative(root, file);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    throw new UsageError(`submission ${path} is not inside ${named}`);
  }
  try {
    for await (const _ of Deno.readDir(root)) break;
  } catch (err) {
    throw new UsageError(`${named} cannot be read: ${(err as Error).message}`);
  }
  return { file, root };
}

/** One child's share of an exercise: which cases, with which reference primitives. */
interface Plan {
  cases: number[];
  referencePrimitives: Primitive[];
}

/** What the children of one grading share. */
interface GradingRun {
  grading: Grading;
  table: MistakeTable;
  results: Map<ExerciseName, ExerciseResult>;
  loadErrors: Set<string>;
  opts: GradeOptions;
}

/** A grader over the chapter's text; it computes each expected answer once, however many it grades. */
export class Grader {
  /** The exercises, in grading order. */
  readonly exercises: Exercise[];
  #expected = new Map<string, Value>();
  #tempRoot: string | undefined;
  #tablePath: string | null;
  #table: Promise<MistakeTable> | null = null;
  #sandbox: Promise<Sandbox> | null = null;
  #wall: WallChoice;
  #log: (line: string) => void;
  #cleanUp = () => {};
  #onSignal: Partial<Record<Deno.Signal, () => void>> = {};

  /** Builds the exercises and their cases from the chapter's text. */
  constructor(text: ChapterText, opts: GraderOptions = {}) {
    tf.enableProdMode(); // no "install tfjs-node" notice
    this.exercises = buildExercises(text);
    this.#tempRoot = opts.tempRoot;
    this.#tablePath = opts.mistakeTable === undefined ? MISTAKE_TABLE_FILE : opts.mistakeTable;
    this.#wall = opts.sandbox ?? "auto";
    this.#log = opts.log ?? ((line) => console.error(line));
  }

  /** What the catalogue's mistakes give on the cases: read or built once per grader. */
  #mistakes(): Promise<MistakeTable> {
    this.#table ??= mistakeTable(this.exercises, this.#tablePath).catch((err) => {
      this.#table = null;
      throw err;
    });
    return this.#table;
  }

  #expectedOf(ex: Exercise, i: number): Value {
    const key = `${ex.name}/${i}`;
    if (!this.#expected.has(key)) {
      this.#expected.set(key, tf.tidy(() => ex.expected(ex.cases[i]) as never));
    }
    return this.#expected.get(key)!;
  }

  /**
   * The private workspace, made at the first grading and removed by {@linkcode Grader.close}, or
   * when the process ends or is stopped by SIGINT or SIGTERM (its children killed first).
   */
  #workspace(): Promise<Sandbox> {
    if (this.#sandbox === null) this.#listenForSignals();
    this.#sandbox ??= Wall.open(this.#wall).then((wall) => {
      if (wall.kind !== "bubblewrap") this.#log(`note: ${wall.note}`);
      return Sandbox.open(this.#tempRoot, wall);
    }).then((sandbox) => {
      // If the process ends without close(), the workspace still goes.
      this.#cleanUp = () => {
        // A child still running (the warm-up, say) may be writing there: try twice, then leave it.
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            return Deno.removeSync(sandbox.dir, { recursive: true });
          } catch {
            // the next attempt, or nothing
          }
        }
      };
      globalThis.addEventListener("unload", this.#cleanUp);
      return sandbox;
    }).catch((err) => {
      this.#sandbox = null;
      this.#stopListening();
      throw err;
    });
    return this.#sandbox;
  }

  /** On SIGINT or SIGTERM: every child killed, the workspace removed, then the usual exit. */
  #listenForSignals(): void {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      const stop = () => {
        killAllWalled();
        this.#cleanUp();
        Deno.exit(code);
      };
      this.#onSignal[signal] = stop;
      Deno.addSignalListener(signal, stop);
    }
  }

  #stopListening(): void {
    for (const [signal, stop] of Object.entries(this.#onSignal)) {
      Deno.removeSignalListener(signal as Deno.Signal, stop);
    }
    this.#onSignal = {};
  }

  /** Removes the grader's workspace (a later grading makes a new one). */
  async close(): Promise<void> {
    const sandbox = this.#sandbox;
    this.#sandbox = null;
    if (sandbox === null) return;
    globalThis.removeEventListener("unload", this.#cleanUp);
    this.#stopListening();
    await (await sandbox).close();
  }

  /** Same as {@linkcode Grader.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Grades the submission at `path`: a module, or a notebook (`.ipynb`) whose tagged code cells
   * are the module (see `notebook.ts`). A notebook that is not one is a usage error.
   */
  async grade(path: string, opts: GradeOptions = {}): Promise<GradeReport> {
    await tf.setBackend("cpu");
    const started = performance.now();
    const { file, root } = await locate(path, opts.root);
    const selected = this.exercises.filter((ex) => !opts.only || opts.only.includes(ex.name));
    const sandbox = await this.#workspace();
    const grading = await sandbox.grading(root, file, { ...COPY_LIMITS, ...opts.copyLimits });
    let typeCheck: Promise<unknown> = Promise.resolve();
    try {
      const report: GradeReport = {
        submission: file,
        sandbox: sandbox.wall.kind,
        score: 0,
        maxScore: 0,
        seconds: 0,
        leftOut: grading.leftOut,
        rejected: [],
        loadErrors: [],
        advice: [],
        exercises: [],
      };
      const missing = grading.missing;
      const notebook = missing === null && isNotebookPath(file)
        ? await this.#notebookModule(grading, relative(root, file))
        : null;
      report.rejected = missing !== null
        ? [`${relative(root, file)} was not graded: it is ${missing}`]
        : notebook?.module.cellCount === 0
        ? [
          `${notebook.module.name} has no code cell tagged "${SHARED_TAG}" or with an ` +
          "exercise's name: nothing to grade",
        ]
        : await grading.importProblems();
      const results = new Map<ExerciseName, ExerciseResult>();
      if (report.rejected.length > 0) {
        for (const ex of selected) results.set(ex.name, this.#allFailed(ex, NOT_RUN));
      } else {
        const advice = opts.typeCheck === false ? Promise.resolve([]) : grading.typeAdvice();
        typeCheck = advice;
        // The expected answers (computed once per grader) while the type check and, at a
        // grader's first grading, the warm-up of its workspace run in their own processes.
        for (const ex of selected) ex.cases.forEach((_, i) => this.#expectedOf(ex, i));
        const table = await this.#mistakes();
        const loadErrors = new Set<string>();
        const isPrimitive = (ex: Exercise) => (PRIMITIVES as readonly string[]).includes(ex.name);
        const run = (exercises: Exercise[]) =>
          this.#runAll(exercises, { grading, table, results, loadErrors, opts });
        await run(selected.filter(isPrimitive));
        await run(selected.filter((ex) => !isPrimitive(ex)));
        report.loadErrors = [...loadErrors];
        report.advice = await advice;
      }
      report.exercises = selected.map((ex) => results.get(ex.name)!);
      const sum = (f: (r: ExerciseResult) => number) =>
        Math.round(report.exercises.reduce((s, r) => s + f(r), 0) * 1e6) / 1e6;
      report.score = sum((r) => r.score);
      report.maxScore = sum((r) => r.maxScore);
      // What the children report names files by their place in the copy, the submission by the
      // student's name (as text), a notebook's by the cell.
      const copy = grading.copy;
      const graded = studentsName(relative(copy, grading.submission), relative(root, file));
      rewriteMessages(report, (text) => {
        const inCopy = relativeToCopy(text, copy);
        return notebook === null ? graded(inCopy) : notebook.module.rewrite(inCopy, notebook.file);
      });
      report.seconds = (performance.now() - started) / 1000;
      return report;
    } finally {
      await typeCheck.catch(() => {}); // a failure above must not leave it writing there
      await grading.close();
    }
  }

  /** Reads the notebook in the copy and writes the module of its graded cells beside it. */
  async #notebookModule(
    grading: Grading,
    name: string,
  ): Promise<{ module: NotebookModule; file: string }> {
    const module = new NotebookModule(
      parseNotebook(await Deno.readTextFile(grading.submission), name),
      name,
    );
    return { module, file: await grading.writeModule(module.text) };
  }

  /** Runs `exercises`, `run.opts.jobs` at a time, `trainRnn` (the longest) first. */
  async #runAll(exercises: Exercise[], run: GradingRun): Promise<void> {
    const queue = [...exercises].sort((a, b) =>
      Number(b.name === "trainRnn") - Number(a.name === "trainRnn")
    );
    const worker = async () => {
      for (let ex = queue.shift(); ex; ex = queue.shift()) {
        const plans = ex.name === "trainRnn"
          ? this.#trainPlans(ex, run.results)
          : [{ cases: ex.cases.map((_, i) => i), referencePrimitives: [] }];
        const cases = new Map<number, CaseRun>();
        let timedOut = false;
        for (const plan of plans) {
          const child = await this.#runPlan(ex, plan, run);
          for (const [i, r] of child.runs) cases.set(i, r);
          timedOut ||= child.ending === "timeout";
        }
        const verdicts = this.#judge(ex, ex.cases.map((_, i) => cases.get(i)!), run.table);
        run.results.set(ex.name, {
          name: ex.name,
          title: ex.title,
          score: verdicts.reduce((s, c) => s + c.score, 0),
          maxScore: ex.points,
          timedOut,
          cases: verdicts,
        });
      }
    };
    await Promise.all(Array.from({ length: run.opts.jobs ?? 2 }, worker));
  }

  /** The verdicts on the cases of `ex`, from what the child reported for each. */
  #judge(ex: Exercise, runs: CaseRun[], table: MistakeTable): CaseResult[] {
    const share = ex.points / ex.cases.length;
    const evidence: CaseEvidence[] = runs.map((r, i) => ({
      hidden: ex.cases[i].hidden,
      outcome: r.outcome,
    }));
    return runs.map((r, i) => {
      const more = { output: r.printed, referencePrimitives: r.referencePrimitives };
      if (r.outcome === null) return caseResult(ex.cases[i], share, r.why, more);
      const j = judgeCase(ex, i, r.outcome, this.#expectedOf(ex, i), evidence, table);
      return caseResult(ex.cases[i], share, j.feedback, { ...more, ...j });
    });
  }

  /**
   * `trainRnn`'s children: its public cases get the reference's version of each primitive that
   * failed a public case, its hidden cases of each that failed any case (or that was not graded).
   * One child when both agree.
   */
  #trainPlans(ex: Exercise, results: Map<ExerciseName, ExerciseResult>): Plan[] {
    const failed = (hidden: boolean) =>
      PRIMITIVES.filter((p) => {
        const r = results.get(p);
        return r === undefined || r.cases.some((c) => !c.passed && (hidden || !c.hidden));
      });
    const plans = new Map<string, Plan>();
    ex.cases.forEach((c, i) => {
      const referencePrimitives = failed(c.hidden);
      const key = referencePrimitives.join();
      if (!plans.has(key)) plans.set(key, { cases: [], referencePrimitives });
      plans.get(key)!.cases.push(i);
    });
    return [...plans.values()];
  }

  #allFailed(ex: Exercise, why: string): ExerciseResult {
    const share = ex.points / ex.cases.length;
    return {
      name: ex.name,
      title: ex.title,
      score: 0,
      maxScore: ex.points,
      timedOut: false,
      cases: ex.cases.map((c) => caseResult(c, share, why)),
    };
  }

  /**
   * Runs the cases of `plan` in one child; returns what it reported for each case, by case index,
   * and how it ended.
   */
  async #runPlan(
    ex: Exercise,
    plan: Plan,
    { grading, loadErrors, opts }: GradingRun,
  ): Promise<{ runs: Map<number, CaseRun>; ending: SandboxRun["ending"] }> {
    const timeoutMs = ex.timeoutS * 1000 * (opts.timeoutScale ?? 1);
    const limits: Limits = { ...LIMITS, ...opts.limits, timeoutMs };
    const request: Request = {
      nonce: crypto.randomUUID(),
      submission: pathToFileURL(grading.submission).href,
      exercise: ex.name,
      cases: plan.cases.map((i) => ex.cases[i].args),
      referencePrimitives: plan.referencePrimitives,
      memoryMb: limits.rssMb,
    };
    const takesPrimitives = (TAKES_PRIMITIVES as readonly string[]).includes(ex.name);
    const runs = new Map<number, CaseRun>();
    const output = new Excerpt();
    let next = 0;
    let problem = "";
    const { referencePrimitives } = plan;
    const run = await grading.run(
      request,
      takesPrimitives ? "primitives" : "plain",
      limits,
      (event) => {
        if (problem !== "") return;
        if (event.kind === "output") return output.add(event.text);
        const msg = event.message;
        if (msg.t === "load-error") {
          loadErrors.add(msg.message);
          problem = NOT_LOADED;
        }
        if (msg.t !== "result" && msg.t !== "error") return;
        if (msg.case !== next) {
          problem = "stopped: the process sent its results out of order";
          return;
        }
        const outcome = msg.t === "error" ? { error: msg.message } : { value: msg.value };
        runs.set(plan.cases[next++], {
          outcome,
          why: "",
          printed: output.take(),
          referencePrimitives,
        });
      },
    );
    const why = problem || stopReason(run, ex, limits);
    const printed = output.take();
    plan.cases.forEach((i, k) => {
      if (!runs.has(i)) {
        runs.set(i, {
          outcome: null,
          why,
          printed: k === next ? printed : "",
          referencePrimitives,
        });
      }
    });
    return { runs, ending: run.ending };
  }
}
