/**
 * The late policy of a class: a deadline, credit windows after it, and per-student extensions, as
 * PrairieLearn's credit windows and nbgrader's late plugin have them.
 *
 * - `--deadline 2026-03-01T23:59:00+01:00` (ISO 8601, with its offset: a deadline without a time
 *   zone is refused rather than guessed);
 * - `--late 1d:80%,3d:50%`: up to one day after the deadline 80% credit, up to three days 50%, later
 *   nothing (without `--late`, nothing after the deadline); a submission at the deadline is on time;
 * - `--extensions FILE`: a CSV `student,deadline` of new deadlines, the windows counting from them.
 *
 * The submission's time comes from the course tool's export where it has one: Gradescope's
 * `submission_metadata.yml` (`:created_at:`), or Canvas's file names, which say only whether a
 * submission was late (`_LATE_`), against Canvas's own due date. Otherwise it comes from a CSV the
 * staff provide (`--submitted-at FILE`: `student,time`). It is never taken from a file's
 * modification time: a student without a known time stops the grading, with their names and how
 * to give the times.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { readStudentTable } from "../csv.ts";
import type { StudentRecord } from "./outputs.ts";

/** A window after the deadline: up to `hours` late, `credit` (0–1) of the points. */
export interface CreditWindow {
  /** How late, at most, in hours after the deadline. */
  hours: number;
  /** The share of the points kept, 0–1. */
  credit: number;
}

/** A class's late policy, as `batch.json` keeps it (times as ISO text). */
export interface LatePolicy {
  /** The deadline, ISO text. */
  deadline: string;
  /** The windows after it, from the shortest. */
  windows: CreditWindow[];
  /** New deadlines, by student. */
  extensions: Record<string, string>;
  /** Submission times the staff provided, by student. */
  times: Record<string, string>;
}

/** What a student's submission time can come from: their record, or what the export said. */
export type TimeSource = Pick<StudentRecord, "student" | "layout" | "submittedAt" | "lateMarker">;

/** How a student's submission time counts. */
export interface Lateness {
  /** The share of the points earned (1 when on time). */
  credit: number;
  /** When it was submitted (ISO), where known. */
  submitted: string;
  /** Hours after the student's deadline (0 when on time). */
  hoursLate: number;
  /** Where the time came from, and any extension: for the feedback. */
  note: string;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

/** A time with its offset, or a one-line error naming `what`. */
export function parseTime(text: string, what: string): Date {
  const t = text.trim();
  const date = new Date(t);
  if (!ISO.test(t) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `${what}: '${t}' is not a time with its offset (e.g. 2026-03-01T23:59:00+01:00 or …Z)`,
    );
  }
  return date;
}

/** Gradescope's `2024-01-01 10:00:00.000000000 -08:00` as ISO 8601, or `undefined`. */
export function gradescopeTime(text: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)$/.exec(
    text.trim(),
  );
  if (m === null) return undefined;
  const zone = m[4] === "Z" ? "Z" : `${m[4].slice(0, 3)}:${m[4].slice(-2)}`;
  return `${m[1]}T${m[2]}.${(m[3] ?? "0").padEnd(3, "0").slice(0, 3)}${zone}`;
}

/** `--late 1d:80%,3d:50%`: windows with increasing lengths and credits from 0 to 100%. */
export function parseWindows(text: string): CreditWindow[] {
  const windows = text.split(",").map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)([mhdw]):(\d+(?:\.\d+)?)%\s*$/.exec(part);
    if (m === null) {
      throw new UsageError(`--late must be windows like 1d:80%,3d:50% (m, h, d, w), got '${part}'`);
    }
    const hours = Number(m[1]) * { m: 1 / 60, h: 1, d: 24, w: 168 }[m[2] as "m" | "h" | "d" | "w"];
    const credit = Number(m[3]) / 100;
    if (credit > 1) throw new UsageError(`--late: ${part}: credit above 100%`);
    return { hours, credit };
  });
  if (windows.some((w, i) => i > 0 && w.hours <= windows[i - 1].hours)) {
    throw new UsageError(`--late: the windows must grow longer, got '${text}'`);
  }
  return windows;
}

/** Hours as `26h03m`, `45m` or `12s`. */
export function formatHours(hours: number): string {
  if (hours * 60 < 1) return `${Math.round(hours * 3600)}s`;
  const minutes = Math.round(hours * 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** The credit for `hours` late under `windows` (1 when on time, 0 past the last window). */
export function creditFor(hours: number, windows: readonly CreditWindow[]): number {
  if (hours <= 0) return 1;
  return windows.find((w) => hours <= w.hours)?.credit ?? 0;
}

/**
 * How `record`'s submission counts under `policy`: its time from the export, else from the
 * staff's file; a Canvas submission without the LATE marker is on time by Canvas's due date.
 * Returns a string saying why when there is no way to know.
 */
export function lateness(record: TimeSource, policy: LatePolicy): Lateness | string {
  const extension = policy.extensions[record.student];
  const deadline = new Date(extension ?? policy.deadline);
  const by = extension === undefined ? "" : ` (extended to ${extension})`;
  const [time, source] = record.submittedAt
    ? [record.submittedAt, "the export"]
    : policy.times[record.student]
    ? [policy.times[record.student], "--submitted-at"]
    : [undefined, ""];
  if (time === undefined) {
    if (record.layout === "canvas" && !record.lateMarker) {
      return {
        credit: 1,
        submitted: "",
        hoursLate: 0,
        note: `on time: Canvas did not mark it LATE${by}`,
      };
    }
    return record.lateMarker
      ? "Canvas marks it LATE but gives no time"
      : `the ${record.layout} layout gives no submission time`;
  }
  const hoursLate = Math.max(0, (new Date(time).getTime() - deadline.getTime()) / 3_600_000);
  const credit = creditFor(hoursLate, policy.windows);
  const when = hoursLate > 0 ? `${formatHours(hoursLate)} late` : "on time";
  return {
    credit,
    submitted: time,
    hoursLate,
    note: `submitted ${time} (from ${source}): ${when}${by}`,
  };
}

/** What the late policy's flags say. */
export interface LateFlags {
  deadline?: string;
  late?: string;
  extensions?: string;
  submittedAt?: string;
}

/**
 * The policy the flags give: `null` for `--deadline none`, `undefined` when they say nothing (the
 * class keeps the policy it had). The files are read and every time in them checked.
 */
export async function latePolicyFromFlags(f: LateFlags): Promise<LatePolicy | null | undefined> {
  if (f.deadline === undefined) {
    const stray = (["late", "extensions", "submittedAt"] as const).find((k) => f[k] !== undefined);
    if (stray) {
      throw new UsageError(
        `--${stray === "submittedAt" ? "submitted-at" : stray} goes with --deadline`,
      );
    }
    return undefined;
  }
  if (f.deadline === "none") return null;
  parseTime(f.deadline, "--deadline");
  const checkTime = (value: string, where: string) => void parseTime(value, where);
  return {
    deadline: f.deadline.trim(),
    windows: f.late === undefined ? [] : parseWindows(f.late),
    extensions: f.extensions === undefined
      ? {}
      : await readStudentTable(f.extensions, "--extensions", "deadline", checkTime),
    times: f.submittedAt === undefined
      ? {}
      : await readStudentTable(f.submittedAt, "--submitted-at", "time", checkTime),
  };
}

/**
 * Throws a one-line {@linkcode UsageError} naming the students (up to five) whose submission time
 * `policy` needs and nothing gives, and how to give them: a policy never guesses a time.
 */
export function requireTimes(policy: LatePolicy, students: readonly TimeSource[]): void {
  const unknown = students.flatMap((s) => {
    const late = lateness(s, policy);
    return typeof late === "string" ? [`${s.student} (${late})`] : [];
  });
  if (unknown.length === 0) return;
  throw new UsageError(
    `--deadline: no submission time for ${unknown.length} student${
      unknown.length === 1 ? "" : "s"
    }: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}; ` +
      "give their times in --submitted-at FILE (a CSV student,time)",
  );
}
