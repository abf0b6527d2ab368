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
 *   each other; {@linkcode collectShards} merges their folders into one.
 *
 * @module
 */

import { isAbsolute, join, relative, resolve } from "node:path";
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
import { findSubmissionFile } from "../submission_file.ts";
import { digestTree, discover, type FoundSubmission, stage } from "./layout.ts";
import {
  feedbackMarkdown,
  fileName,
  gradesCsv,
  outcome,
  sortedByStudent,
  type StudentRecord,
  summaryMarkdown,
} from "./outputs.ts";
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
  /** Receives a line per submission, and notes. */
  log?: (line: string) => void;
}

/** The folder's description of its class, `batch.json`: what collecting and resuming read. */
export interface Manifest {
  /** Always {@linkcode MANIFEST_FORMAT}. */
  format: string;
  /** The grader's version. */
  grader: string;
  /** The exercises graded, in order, and their points. */
  exercises: { name: ExerciseName; points: number }[];
  /** The share graded, or `null` for the whole class. */
  shard: Shard | null;
  /** The record files of the students graded, under `records/`. */
  records: string[];
  /** What concerns the class rather than one student (entries left out of a zip, …). */
  notes: string[];
}

/** The format tag of `batch.json`. */
export const MANIFEST_FORMAT = "rnnlab-grade-batch/1";

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

/** Makes `out` and its subfolders; refuses a file, or a folder inside `inside`. */
async function prepareOut(out: string, inside?: string): Promise<void> {
  if (inside !== undefined) {
    const rel = relative(resolve(inside), resolve(out));
    if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))) {
      throw new UsageError(`--out ${out} is inside the submissions folder ${inside}`);
    }
  }
  const info = await statOrNull(out);
  if (info !== null && !info.isDirectory) throw new UsageError(`--out ${out} is not a folder`);
  await Deno.mkdir(join(out, "records"), { recursive: true });
  await Deno.mkdir(join(out, "feedback"), { recursive: true });
}

/** The JSON file `path`, or `null` when it is missing, unreadable or not JSON: one to redo. */
async function readJsonOrNull<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch {
    return null;
  }
}

/** The graded file's path in the class folder, for the reports. */
function sourcePath(submission: FoundSubmission, staged: string): string {
  const file = submission.sources.find((s) => s.as !== "" && s.as.split("/").at(-1) === staged);
  if (file) return file.path;
  const folder = submission.sources.find((s) => s.as === "");
  return folder ? `${folder.path}/${staged}` : staged;
}

/** Writes the class's outputs: `grades.csv`, `summary.md`, `batch.json`, each atomically. */
async function writeOutputs(
  out: string,
  records: StudentRecord[],
  manifest: Manifest,
): Promise<void> {
  const names = manifest.exercises.map((e) => e.name);
  const maxPoints = Object.fromEntries(manifest.exercises.map((e) => [e.name, e.points]));
  await writeFileAtomic(join(out, "grades.csv"), gradesCsv(records, names));
  await writeFileAtomic(
    join(out, "summary.md"),
    summaryMarkdown(records, names, maxPoints, manifest.notes),
  );
  await writeFileAtomic(join(out, "batch.json"), `${JSON.stringify(manifest, null, 2)}\n`);
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
  log: (line: string) => void;
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
  const { grader, opts, version, maxScore } = run;
  const key = await fileName(submission.student);
  const recordPath = join(opts.out, "records", `${key}.json`);
  const feedback = `feedback/${key}.md`;
  const base = {
    student: submission.student,
    name: submission.name,
    layout: submission.layout,
    submission: submission.sources[0].path,
    digest: "",
    grader: version,
    feedback,
    crashed: false,
    score: 0,
    maxScore,
    points: {},
    failed: {},
    seconds: 0,
  };
  let record: StudentRecord;
  let report: GradeReport | null = null;
  const started = performance.now();
  try {
    const staged = await stage(submission, run.root, dir);
    base.digest = staged.digest;
    const previous = await readJsonOrNull<StudentRecord>(recordPath);
    if (
      previous?.digest === staged.digest && previous.grader === version && !previous.crashed &&
      await statOrNull(join(opts.out, feedback)) !== null
    ) {
      run.log(
        `${submission.student}: unchanged, ${points(previous.score)}/${points(maxScore)} ` +
          `(${previous.status}; not graded again)`,
      );
      return previous;
    }
    const file = await findSubmissionFile(dir);
    if ("why" in file) {
      const left = staged.leftOut.map((l) => `${l.path}: ${l.why}`).join("; ");
      const note = left === "" ? file.why : `${file.why}; left out: ${left}`;
      record = { ...base, status: "error", note };
    } else {
      const submissionPath = sourcePath(submission, relative(dir, file.path));
      try {
        report = await grader.grade(file.path, {
          root: dir,
          only: opts.only,
          timeoutScale: opts.timeoutScale,
          typeCheck: opts.typeCheck,
        });
        report.submission = submissionPath;
        report.leftOut = [...staged.leftOut, ...report.leftOut];
        record = {
          ...base,
          submission: submissionPath,
          ...outcome(report),
          seconds: report.seconds,
        };
      } catch (err) {
        if (!(err instanceof UsageError)) throw err; // a notebook that is not one, say
        record = { ...base, submission: submissionPath, status: "error", note: err.message };
      }
    }
  } catch (err) {
    if (err instanceof SandboxSetupError) throw err;
    const why = `${(err as Error)?.message ?? String(err)}`.split("\n")[0];
    record = { ...base, status: "error", note: `the grading crashed: ${why}`, crashed: true };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  record.seconds ||= (performance.now() - started) / 1000;
  await writeFileAtomic(join(opts.out, feedback), feedbackMarkdown(record, report));
  await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  const note = record.note === "" ? "" : ` (${record.note})`;
  run.log(
    `${submission.student}: ${points(record.score)}/${points(maxScore)} ${record.status}${note} ` +
      `in ${record.seconds.toFixed(1)} s`,
  );
  return record;
}

/**
 * Grades every submission of `input` (a class folder, or a zip of one) with `grader`, and writes
 * the outputs into `opts.out`. Returns the records of the submissions of this shard, by student.
 */
export async function gradeClass(
  grader: Grades,
  input: string,
  opts: ClassOptions,
): Promise<StudentRecord[]> {
  const log = opts.log ?? (() => {});
  const info = await statOrNull(input);
  if (info === null) throw new UsageError(`submissions ${input}: no such file or folder`);
  await prepareOut(opts.out, info.isDirectory ? input : undefined);
  const exercises = grader.exercises
    .filter((e) => opts.only === undefined || opts.only.includes(e.name))
    .map((e) => ({ name: e.name, points: e.points }));
  const maxScore = exercises.reduce((s, e) => s + e.points, 0);
  const version = await graderVersion(opts, exercises.map((e) => e.name));
  const work = await Deno.makeTempDir({ dir: opts.tempRoot, prefix: "rnnlab-batch-" });
  try {
    const notes: string[] = [];
    let classDir = input;
    if (!info.isDirectory) {
      classDir = join(work, "class");
      const unzipped = await unzipSafely(input, classDir);
      notes.push(...unzipped.leftOut.map((l) => `left out of the zip: ${l.path}: ${l.why}`));
    }
    const found = await discover(classDir);
    notes.push(...found.ignored.map((name) => `not a submission: ${name}`));
    const mine: FoundSubmission[] = [];
    for (const s of found.submissions) {
      if (!opts.shard || await shardOf(s.student, opts.shard.count) === opts.shard.index) {
        mine.push(s);
      }
    }
    for (const note of notes) log(`note: ${note}`);
    const records: StudentRecord[] = [];
    let next = 0;
    let done = 0;
    let fatal: unknown = null;
    const run: Run = {
      grader,
      opts,
      version,
      maxScore,
      root: found.root,
      log: (line) => log(`[${++done}/${mine.length}] ${line}`),
    };
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
    await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
    if (fatal !== null) throw fatal;
    await writeOutputs(opts.out, records, {
      format: MANIFEST_FORMAT,
      grader: version,
      exercises,
      shard: opts.shard ?? null,
      records: await Promise.all(records.map(async (r) => `${await fileName(r.student)}.json`)),
      notes,
    });
    return sortedByStudent(records);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/**
 * Merges the `--out` folders of a class's shards into `out`: their records and feedback files,
 * and one `grades.csv`, `summary.md` and `batch.json` for the whole class, as one run would have
 * written them. The shards must come from the same grader and exercises, and cover every share
 * once. Returns the records, by student.
 */
export async function collectShards(dirs: string[], out: string): Promise<StudentRecord[]> {
  const manifests: Manifest[] = [];
  for (const dir of dirs) {
    if (resolve(dir) === resolve(out)) throw new UsageError(`--out ${out} is one of the shards`);
    const manifest = await readJsonOrNull<Manifest>(join(dir, "batch.json"));
    if (manifest?.format !== MANIFEST_FORMAT) {
      throw new UsageError(`--collect ${dir}: no batch.json of a batch's --out folder`);
    }
    manifests.push(manifest);
  }
  if (manifests.length === 0) throw new UsageError("--collect needs the shards' folders");
  const [first] = manifests;
  const count = first.shard?.count ?? 1;
  for (const [i, m] of manifests.entries()) {
    if (
      m.grader !== first.grader || JSON.stringify(m.exercises) !== JSON.stringify(first.exercises)
    ) {
      throw new UsageError(
        `--collect ${dirs[i]} was graded by another grader or with other exercises than ${dirs[0]}`,
      );
    }
    if ((m.shard?.count ?? 1) !== count) {
      throw new UsageError(
        `--collect ${dirs[i]} is a share of ${m.shard?.count ?? 1}, not ${count}`,
      );
    }
  }
  const indices = manifests.map((m) => m.shard?.index ?? 0);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !indices.includes(i));
  const twice = indices.filter((x, i) => indices.indexOf(x) !== i);
  if (missing.length > 0 || twice.length > 0) {
    throw new UsageError(
      `--collect: ${missing.length > 0 ? `shard ${missing.join(", ")} of ${count} missing` : ""}${
        missing.length > 0 && twice.length > 0 ? "; " : ""
      }${twice.length > 0 ? `shard ${twice.join(", ")} given twice` : ""}`,
    );
  }
  await prepareOut(out);
  const records: StudentRecord[] = [];
  const students = new Set<string>();
  for (const [i, m] of manifests.entries()) {
    for (const file of m.records) {
      const record = await readJsonOrNull<StudentRecord>(join(dirs[i], "records", file));
      if (record === null) {
        throw new UsageError(`--collect ${dirs[i]}: records/${file} cannot be read`);
      }
      if (students.has(record.student)) {
        throw new UsageError(`--collect: student ${record.student} is in two shards`);
      }
      students.add(record.student);
      records.push(record);
      await writeFileAtomic(
        join(out, "records", file),
        await Deno.readFile(join(dirs[i], "records", file)),
      );
      await writeFileAtomic(
        join(out, record.feedback),
        await Deno.readFile(join(dirs[i], record.feedback)),
      );
    }
  }
  const sorted = sortedByStudent(records);
  await writeOutputs(out, sorted, {
    ...first,
    shard: null,
    records: await Promise.all(sorted.map(async (r) => `${await fileName(r.student)}.json`)),
    notes: [...new Set(manifests.flatMap((m) => m.notes))],
  });
  return sorted;
}
