/**
 * A class in one command: every submission of a folder or zip (`layout.ts`) staged on its own,
 * graded by one grader `jobs` at a time, and written up (`outputs.ts`).
 *
 * - **Resumable.** Each submission's record is written (atomically, after its feedback file) as
 *   soon as it is graded; a later run over the same `--out` reuses a record whose staged files'
 *   digest and grader version (the grader's code, the corpus, and the options that change grades)
 *   are unchanged, and grades the rest. A grading that crashed is graded again.
 * - **Failures stay local.** Whatever one submission does or is (missing, broken, huge, hostile, a
 *   notebook that is not one), and whatever goes wrong while grading it, ends as that student's
 *   row with its status; only a grader that cannot run at all (`SandboxSetupError`) stops the
 *   grading, and what was graded before stays recorded.
 * - **Shards.** `shard` grades the students whose id hashes to `index` modulo `count`, so that
 *   the shards of a Slurm array, an Indexed Job or a CI matrix split a class without talking to
 *   each other; `collect.ts` merges their folders into one.
 * - **Written up last.** The final grades (late credit, overrides), grades.csv, summary.md, the
 *   gradebook file and batch.json are written once every submission is done (`finish.ts`), and
 *   with `similarity`, the similarity report (`similarity.ts`).
 *
 * @module
 */

import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../errors.ts";
import type { Shard } from "../../cli/shard.ts";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { sha256Hex, sha256Text } from "../../io/sha256.ts";
import { statOrNull } from "../../io/fs.ts";
import type { ExerciseName } from "../contract.ts";
import { type GradeOptions, type GradeReport, LIMITS } from "../grader.ts";
import { points } from "../feedback.ts";
import { SandboxSetupError } from "../sandbox.ts";
import { feedbackPage } from "../feedback_page.ts";
import { findSubmissionFile } from "../submission_file.ts";
import {
  type ClassFolder,
  digestTree,
  discover,
  type FoundSubmission,
  sourcePath,
  stage,
  type Staged,
} from "./layout.ts";
import {
  feedbackMarkdown,
  feedbackPagePath,
  fileName,
  outcome,
  sortedByStudent,
  type StudentRecord,
} from "./outputs.ts";
import { finishClass, loadOverrides } from "./finish.ts";
import type { Gradebook, GradebookWritten } from "./gradebook.ts";
import { type LatePolicy, requireTimes } from "./late.ts";
import {
  type Manifest,
  MANIFEST_FORMAT,
  prepareOut,
  readManifest,
  readRecord,
} from "./out_folder.ts";
import { writeSimilarity } from "./similarity.ts";
import { unzipSafely } from "./unzip.ts";

/** What grades a submission: a `Grader` (tests hand in stand-ins). */
export interface Grades {
  /** The exercises, with their points. */
  readonly exercises: readonly { name: ExerciseName; points: number }[];
  /** Grades the submission at `path` (see `Grader.grade`). */
  grade(path: string, opts: GradeOptions): Promise<GradeReport>;
}

/** How to grade a class. */
export interface ClassOptions {
  /** The folder the outputs go to (created if missing). */
  out: string;
  /** How many submissions are graded at once (see {@linkcode boundJobs}). */
  jobs: number;
  /** Grade this share only. */
  shard?: Shard;
  /** Grade only these exercises. */
  only?: readonly ExerciseName[];
  /** Multiplies every exercise's time limit. */
  timeoutScale?: number;
  /** Whether the type check's advice goes into the feedback (default true). */
  typeCheck?: boolean;
  /** The SHA-256 of the corpus the grader's cases come from: part of the grader's version. */
  corpus: string;
  /** Where submissions are unpacked and staged (default: the system's temporary folder). */
  tempRoot?: string;
  /** Receives notes, and a line per submission unless `progress` takes them. */
  log?: (line: string) => void;
  /** Receives each submission as it is graded (or reused): for a progress display. */
  progress?: (p: StudentProgress) => void;
  /** The late policy: `undefined` keeps the folder's (from `batch.json`), `null` drops it. */
  late?: LatePolicy | null;
  /** The overrides file (default: `overrides.csv` in `out`, when there is one). */
  overrides?: string;
  /** The gradebook file to write. */
  gradebook?: Gradebook;
  /** The assignment's column in the gradebook (Canvas). */
  assignment?: string;
  /** Also compare the submissions (`similarity.csv`, `similarity.html`); not with a shard. */
  similarity?: boolean;
}

/** One submission done, for a progress display. */
export interface StudentProgress {
  /** How many submissions are done, this one included. */
  done: number;
  /** How many there are in all. */
  total: number;
  /** This one's record. */
  record: StudentRecord;
  /** Its line: how it went. */
  line: string;
  /** Whether its previous record was reused. */
  reused: boolean;
}

/** What grading a class did. */
export interface ClassResult {
  /** The records of this shard's students, by student. */
  records: StudentRecord[];
  /** The gradebook file written, if one was. */
  gradebook: GradebookWritten | null;
}

const CHECKOUT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * How many submissions to grade at once: at most as many as there are cores, and as the memory
 * available holds a grading's children at their limit (two children of `LIMITS.rssMb` each). By
 * default half as many as cores: one grading keeps about two busy (its two children, and the type
 * check beside them; see docs/autograder.md). Returns the number and, when `requested` was cut,
 * why.
 */
export function boundJobs(requested?: number): { jobs: number; note: string } {
  const cores = navigator.hardwareConcurrency || 1;
  let memory = Infinity;
  try {
    memory = Math.floor(Deno.systemMemoryInfo().available / (2 * LIMITS.rssMb * 2 ** 20));
  } catch {
    // no permission to ask: bounded by the cores only
  }
  const bound = Math.max(1, Math.min(cores, memory));
  const jobs = Math.min(requested ?? Math.floor(cores / 2), bound) || 1;
  const note = requested !== undefined && requested > bound
    ? `--jobs ${requested}: grading ${jobs} at once (${cores} cores${
      Number.isFinite(memory) ? `, memory for ${Math.max(memory, 1)}` : ""
    })`
    : "";
  return { jobs, note };
}

/** The shard a student belongs to, of `count`. */
async function shardOf(student: string, count: number): Promise<number> {
  return parseInt((await sha256Text(student)).slice(0, 8), 16) % count;
}

/** The grader's version: its sources, the lockfile, Deno, the corpus and the options that grade. */
async function graderVersion(opts: ClassOptions, exercises: string[]): Promise<string> {
  const parts = [
    `src ${await digestTree(join(CHECKOUT, "src"))}`,
    `deno.lock ${await sha256Hex(await Deno.readFile(join(CHECKOUT, "deno.lock")))}`,
    JSON.stringify({
      deno: Deno.version.deno,
      corpus: opts.corpus,
      exercises,
      timeoutScale: opts.timeoutScale ?? 1,
      typeCheck: opts.typeCheck ?? true,
    }),
  ];
  return (await sha256Text(parts.join("\n"))).slice(0, 16);
}

/** What grading one submission of a class needs. */
interface Run {
  grader: Grades;
  opts: ClassOptions;
  /** The grader's version. */
  version: string;
  /** The points possible. */
  maxScore: number;
  /** The class folder the submissions were found in. */
  root: string;
  /** Says how a submission went. */
  log: (record: StudentRecord, line: string, how: "reused" | "graded" | "regraded") => void;
}

/** Grades a staged submission: its record, and the grader's report when it ran. */
async function gradeStaged(
  run: Run,
  submission: FoundSubmission,
  staged: Staged,
  base: StudentRecord,
): Promise<{ record: StudentRecord; report: GradeReport | null }> {
  const file = await findSubmissionFile(staged.dir);
  if ("why" in file) {
    const left = staged.leftOut.map((l) => `${l.path}: ${l.why}`).join("; ");
    const note = left === "" ? file.why : `${file.why}; left out: ${left}`;
    return { record: { ...base, status: "error", note }, report: null };
  }
  const submissionPath = sourcePath(submission, relative(staged.dir, file.path));
  try {
    const report = await run.grader.grade(file.path, {
      root: staged.dir,
      only: run.opts.only,
      timeoutScale: run.opts.timeoutScale,
      typeCheck: run.opts.typeCheck,
    });
    report.submission = submissionPath;
    report.leftOut = [...staged.leftOut, ...report.leftOut];
    const record = {
      ...base,
      submission: submissionPath,
      ...outcome(report),
      seconds: report.seconds,
    };
    return { record, report };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err; // a notebook that is not one, say
    return {
      record: { ...base, submission: submissionPath, status: "error", note: err.message },
      report: null,
    };
  }
}

/**
 * One submission of a class: staged into `dir` (removed after), its previous record reused when
 * nothing changed, else graded; its feedback and then its record written. Whatever goes wrong
 * becomes the record's status, but a grader that cannot run at all.
 */
async function gradeOne(
  run: Run,
  submission: FoundSubmission,
  dir: string,
): Promise<StudentRecord> {
  const { opts, version, maxScore } = run;
  const key = await fileName(submission.student);
  const recordPath = join(opts.out, "records", `${key}.json`);
  const feedback = `feedback/${key}.md`;
  const page = feedbackPagePath(feedback);
  const base: StudentRecord = {
    student: submission.student,
    name: submission.name,
    layout: submission.layout,
    submission: submission.sources[0].path,
    digest: "",
    grader: version,
    status: "error",
    note: "",
    feedback,
    crashed: false,
    score: 0,
    maxScore,
    points: {},
    failed: {},
    seconds: 0,
    submittedAt: submission.submittedAt ?? null,
    lateMarker: submission.lateMarker ?? false,
    hiddenWrong: {},
  };
  let graded: { record: StudentRecord; report: GradeReport | null };
  let how: "graded" | "regraded" = "graded";
  const started = performance.now();
  try {
    const staged = await stage(submission, run.root, dir);
    base.digest = staged.digest;
    const previous = await readRecord(recordPath);
    if (
      previous?.digest === staged.digest && previous.grader === version && !previous.crashed &&
      await statOrNull(join(opts.out, feedback)) !== null &&
      await statOrNull(join(opts.out, page)) !== null
    ) {
      // The export's metadata may have changed without the files: it is taken anew.
      const record = { ...previous, submittedAt: base.submittedAt, lateMarker: base.lateMarker };
      if (JSON.stringify(record) !== JSON.stringify(previous)) {
        await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
      }
      const line =
        `${submission.student}: unchanged, ${points(record.score)}/${points(maxScore)} ` +
        `(${record.status}; not graded again)`;
      run.log(record, line, "reused");
      return record;
    }
    if (previous !== null) how = "regraded";
    graded = await gradeStaged(run, submission, staged, base);
  } catch (err) {
    if (err instanceof SandboxSetupError) throw err;
    const why = `${(err as Error)?.message ?? String(err)}`.split("\n")[0];
    graded = {
      record: { ...base, status: "error", note: `the grading crashed: ${why}`, crashed: true },
      report: null,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const { record, report } = graded;
  record.seconds ||= (performance.now() - started) / 1000;
  await writeFileAtomic(join(opts.out, feedback), feedbackMarkdown(record, report));
  const who = record.name === "" ? record.student : `${record.student} (${record.name})`;
  await writeFileAtomic(join(opts.out, page), await feedbackPage(report, who, record.note));
  await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  const note = record.note === "" ? "" : ` (${record.note})`;
  run.log(
    record,
    `${submission.student}: ${points(record.score)}/${points(maxScore)} ${record.status}${note} ` +
      `in ${record.seconds.toFixed(1)} s`,
    how,
  );
  return record;
}

/** The class folder of `input` (a folder, or a zip unpacked into `work`), and notes about it. */
async function openClass(
  input: string,
  isFolder: boolean,
  work: string,
): Promise<{ found: ClassFolder; notes: string[] }> {
  const notes: string[] = [];
  let classDir = input;
  if (!isFolder) {
    classDir = join(work, "class");
    const unzipped = await unzipSafely(input, classDir);
    notes.push(...unzipped.leftOut.map((l) => `left out of the zip: ${l.path}: ${l.why}`));
  }
  const found = await discover(classDir);
  notes.push(...found.ignored.map((name) => `not a submission: ${name}`));
  return { found, notes };
}

/**
 * Before any grading: the late policy's files name students of the class, and every student
 * has a submission time (from the export or the staff's file) the policy can use.
 */
function checkLatePolicy(policy: LatePolicy, submissions: FoundSubmission[]): void {
  const students = new Set(submissions.map((s) => s.student));
  for (
    const [flag, table] of [["--extensions", policy.extensions], [
      "--submitted-at",
      policy.times,
    ]] as const
  ) {
    const stray = Object.keys(table).filter((s) => !students.has(s));
    if (stray.length > 0) {
      throw new UsageError(`${flag}: no student ${stray.slice(0, 5).join(", ")} in the class`);
    }
  }
  requireTimes(
    policy,
    submissions.map((s) => ({
      student: s.student,
      layout: s.layout,
      submittedAt: s.submittedAt ?? null,
      lateMarker: s.lateMarker ?? false,
    })),
  );
}

/** Grades `mine` with `jobs` workers; the first fatal error stops the rest and is thrown. */
async function gradeAll(run: Run, mine: FoundSubmission[], work: string): Promise<StudentRecord[]> {
  const records: StudentRecord[] = [];
  let next = 0;
  let fatal: unknown = null;
  const worker = async () => {
    while (fatal === null && next < mine.length) {
      const i = next++;
      try {
        records[i] = await gradeOne(run, mine[i], join(work, `stage-${i}`));
      } catch (err) {
        fatal ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, run.opts.jobs) }, worker));
  if (fatal !== null) throw fatal;
  return records;
}

/**
 * Grades every submission of `input` (a class folder, or a zip of one) with `grader`, and writes
 * the outputs into `opts.out` (and, with `opts.similarity`, the similarity report). Returns the
 * records of the submissions of this shard, by student, and the gradebook file written.
 */
export async function gradeClass(
  grader: Grades,
  input: string,
  opts: ClassOptions,
): Promise<ClassResult> {
  const log = opts.log ?? (() => {});
  const info = await statOrNull(input);
  if (info === null) throw new UsageError(`submissions ${input}: no such file or folder`);
  if (opts.similarity && opts.shard) {
    throw new UsageError("--similarity compares the whole class: not with --shard (see --help)");
  }
  await prepareOut(opts.out, info.isDirectory ? input : undefined);
  const exercises = grader.exercises
    .filter((e) => opts.only === undefined || opts.only.includes(e.name))
    .map((e) => ({ name: e.name, points: e.points }));
  const version = await graderVersion(opts, exercises.map((e) => e.name));
  const late = opts.late === undefined ? (await readManifest(opts.out))?.late ?? null : opts.late;
  const work = await Deno.makeTempDir({ dir: opts.tempRoot, prefix: "rnnlab-batch-" });
  try {
    const { found, notes } = await openClass(input, info.isDirectory, work);
    const everyone = new Set(found.submissions.map((s) => s.student));
    const { overrides } = await loadOverrides(opts.out, opts.overrides, everyone, exercises);
    if (late !== null) checkLatePolicy(late, found.submissions);
    const mine: FoundSubmission[] = [];
    for (const s of found.submissions) {
      if (!opts.shard || await shardOf(s.student, opts.shard.count) === opts.shard.index) {
        mine.push(s);
      }
    }
    for (const note of notes) log(`note: ${note}`);
    let done = 0;
    const overridden = new Set(overrides.map((o) => o.student));
    const run: Run = {
      grader,
      opts,
      version,
      maxScore: exercises.reduce((s, e) => s + e.points, 0),
      root: found.root,
      log: (record, text, how) => {
        const line = `[${++done}/${mine.length}] ${text}`;
        const reused = how === "reused";
        if (opts.progress) opts.progress({ done, total: mine.length, record, line, reused });
        else log(line);
        if (how === "regraded" && overridden.has(record.student)) {
          log(
            `note: ${record.student} was graded again; their overrides still apply (see the feedback)`,
          );
        }
      },
    };
    const records = await gradeAll(run, mine, work);
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      grader: version,
      exercises,
      shard: opts.shard ?? null,
      records: await Promise.all(records.map(async (r) => `${await fileName(r.student)}.json`)),
      notes,
      late,
    };
    const gradebook = await finishClass(opts.out, records, manifest, { ...opts, overrides });
    if (opts.similarity) await writeSimilarity(found, records, opts.out, work, log);
    return { records: sortedByStudent(records), gradebook };
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}
