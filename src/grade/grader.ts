/**
 * Grading a submission end to end: the import check, one sandboxed child per exercise, the
 * comparison of every returned value with the expected one, and the per-case verdicts.
 *
 * The exercises run two at a time (`jobs`): first the primitives, then the others. `trainRnn` waits
 * for the primitives because it trains with the student's own primitives except those whose
 * exercise failed, which the reference's replace (a bug costs points once); it starts first among
 * the others because it takes longest.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UsageError } from "../cli/errors.ts";
import { compareValues } from "./compare.ts";
import { type ExerciseName, type Primitive, PRIMITIVES, TAKES_PRIMITIVES } from "./contract.ts";
import { buildExercises, type Case, type ChapterText, type Exercise } from "./exercises/mod.ts";
import { importProblems, moduleGraph } from "./imports.ts";
import type { Request } from "./protocol.ts";
import { type Limits, runSandboxed, type SandboxRun } from "./sandbox.ts";
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
  /** What the submission printed while this case ran. */
  output: string;
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
  /** One verdict per case. */
  cases: CaseResult[];
  /** For `trainRnn`: the primitives whose reference version stood in for the student's. */
  referencePrimitives: Primitive[];
}

/** A graded submission. */
export interface GradeReport {
  /** The submission file. */
  submission: string;
  /** Points earned in all. */
  score: number;
  /** Points possible in all. */
  maxScore: number;
  /** Wall-clock seconds the grading took. */
  seconds: number;
  /** Why the submission was not run (forbidden imports), or empty. */
  rejected: string[];
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
}

/** The sandbox limits, less the time limit, which is per exercise. */
export const LIMITS: Omit<Limits, "timeoutMs"> = {
  heapMb: 512,
  rssMb: 1536,
  stdoutBytes: 32 << 20,
};

const OUTPUT_KEEP = 1500;

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function clip(text: string, keep = OUTPUT_KEEP): string {
  return text.length > keep
    ? `${text.slice(0, keep)}\n[… ${text.length - keep} more characters]`
    : text;
}

/** The verdict on case `c` of an exercise worth `share` points per case. */
function caseResult(c: Case, share: number, feedback: string, output = ""): CaseResult {
  const passed = feedback === "";
  return {
    name: c.name,
    hidden: c.hidden,
    score: passed ? share : 0,
    maxScore: share,
    passed,
    feedback,
    output,
  };
}

/** Why the cases a child never reported did not finish. */
function stopReason(run: SandboxRun, ex: Exercise, limits: Limits): string {
  const stderr = run.stderr.trim() === "" ? "" : `\nstderr:\n${clip(run.stderr.trim(), 600)}`;
  switch (run.ending) {
    case "timeout":
      return `stopped: the exercise ran past its time limit of ${
        limits.timeoutMs / 1000
      } s (an endless loop?)`;
    case "memory":
      return `stopped: the process used more than ${limits.rssMb} MiB of memory`;
    case "output":
      return `stopped: the process wrote more than ${limits.stdoutBytes} bytes to stdout`;
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

/** A grader over the chapter's text; it computes each expected answer once, however many it grades. */
export class Grader {
  /** The exercises, in grading order. */
  readonly exercises: Exercise[];
  #expected = new Map<string, Value>();
  #config = here("../../deno.json");

  /** Builds the exercises and their cases from the chapter's text. */
  constructor(text: ChapterText) {
    tf.enableProdMode(); // no "install tfjs-node" notice
    this.exercises = buildExercises(text);
  }

  #expectedOf(ex: Exercise, i: number): Value {
    const key = `${ex.name}/${i}`;
    if (!this.#expected.has(key)) {
      this.#expected.set(key, tf.tidy(() => ex.expected(ex.cases[i]) as never));
    }
    return this.#expected.get(key)!;
  }

  /** Grades the submission module at `path`. */
  async grade(path: string, opts: GradeOptions = {}): Promise<GradeReport> {
    await tf.setBackend("cpu");
    const started = performance.now();
    const submission = resolve(path);
    const stat = await Deno.stat(submission).catch(() => null);
    if (!stat?.isFile) throw new UsageError(`submission ${path} is not a file`);
    const root = resolve(opts.root ?? dirname(submission));
    const selected = this.exercises.filter((ex) => !opts.only || opts.only.includes(ex.name));

    const rejected = importProblems(await moduleGraph(submission, this.#config), root);
    const results = new Map<ExerciseName, ExerciseResult>();
    if (rejected.length > 0) {
      const why = `The submission was not run:\n${rejected.join("\n")}`;
      for (const ex of selected) results.set(ex.name, this.#allFailed(ex, why));
    } else {
      // First the primitives, then trainRnn (which needs their verdicts) beside the others.
      const isPrimitive = (ex: Exercise) => (PRIMITIVES as readonly string[]).includes(ex.name);
      await this.#runAll(selected.filter(isPrimitive), submission, root, results, opts);
      await this.#runAll(
        selected.filter((ex) => !isPrimitive(ex)),
        submission,
        root,
        results,
        opts,
      );
    }
    const exercises = selected.map((ex) => results.get(ex.name)!);
    const sum = (f: (r: ExerciseResult) => number) =>
      Math.round(exercises.reduce((s, r) => s + f(r), 0) * 1e6) / 1e6;
    return {
      submission,
      score: sum((r) => r.score),
      maxScore: sum((r) => r.maxScore),
      seconds: (performance.now() - started) / 1000,
      rejected,
      exercises,
    };
  }

  /** Runs `exercises`, `opts.jobs` at a time, `trainRnn` (the longest) first. */
  async #runAll(
    exercises: Exercise[],
    submission: string,
    root: string,
    results: Map<ExerciseName, ExerciseResult>,
    opts: GradeOptions,
  ): Promise<void> {
    const queue = [...exercises].sort((a, b) =>
      Number(b.name === "trainRnn") - Number(a.name === "trainRnn")
    );
    const worker = async () => {
      for (let ex = queue.shift(); ex; ex = queue.shift()) {
        const failed = ex.name !== "trainRnn" ? [] : PRIMITIVES.filter((p) => {
          const r = results.get(p);
          return r === undefined || r.score < r.maxScore; // failed, or not graded in this run
        });
        results.set(ex.name, await this.#runExercise(ex, submission, root, failed, opts));
      }
    };
    await Promise.all(Array.from({ length: opts.jobs ?? 2 }, worker));
  }

  #allFailed(ex: Exercise, why: string): ExerciseResult {
    const share = ex.points / ex.cases.length;
    return {
      name: ex.name,
      title: ex.title,
      score: 0,
      maxScore: ex.points,
      cases: ex.cases.map((c) => caseResult(c, share, why)),
      referencePrimitives: [],
    };
  }

  async #runExercise(
    ex: Exercise,
    submission: string,
    root: string,
    referencePrimitives: Primitive[],
    opts: GradeOptions,
  ): Promise<ExerciseResult> {
    const timeoutMs = ex.timeoutS * 1000 * (opts.timeoutScale ?? 1);
    const limits: Limits = { ...LIMITS, ...opts.limits, timeoutMs };
    const request: Request = {
      nonce: crypto.randomUUID(),
      submission: pathToFileURL(submission).href,
      exercise: ex.name,
      cases: ex.cases.map((c) => c.args),
      referencePrimitives,
      memoryMb: limits.rssMb,
    };
    const takesPrimitives = (TAKES_PRIMITIVES as readonly string[]).includes(ex.name);
    const entry = here(takesPrimitives ? "child_entry_primitives.ts" : "child_entry.ts");
    const run = await runSandboxed(request, { entry, config: this.#config, root }, limits);

    const share = ex.points / ex.cases.length;
    const verdicts: (CaseResult | undefined)[] = new Array(ex.cases.length);
    let output = "";
    let next = 0;
    let problem = "";
    for (const event of run.events) {
      if (event.kind === "output") {
        output += event.text;
        continue;
      }
      const msg = event.message;
      if (msg.t === "load-error") problem = `the submission could not be loaded: ${msg.message}`;
      if (msg.t !== "result" && msg.t !== "error") continue;
      if (msg.case !== next) {
        problem = "stopped: the process sent its results out of order";
        break;
      }
      const diff = msg.t === "error"
        ? `${ex.name} threw ${msg.message}`
        : compareValues(this.#expectedOf(ex, next), msg.value, ex.tolerance, ex.place);
      const feedback = diff === null ? "" : `${diff}\nHint: ${ex.hint}`;
      verdicts[next] = caseResult(ex.cases[next], share, feedback, clip(output));
      next++;
      output = "";
    }
    const reason = problem || stopReason(run, ex, limits);
    const cases = ex.cases.map((c, i) =>
      verdicts[i] ?? caseResult(c, share, reason, i === next ? clip(output) : "")
    );
    return {
      name: ex.name,
      title: ex.title,
      score: cases.reduce((s, c) => s + c.score, 0),
      maxScore: ex.points,
      cases,
      referencePrimitives,
    };
  }
}
