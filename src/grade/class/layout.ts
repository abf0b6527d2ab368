/**
 * A class's submissions as course tools export them: who each student is, and which files are
 * theirs. The layouts recognised (see docs/autograder.md):
 *
 * - **Gradescope** "Export Submissions": `submission_metadata.yml` beside one `submission_<id>/`
 *   folder per submission; the student is each submitter's `:sid:` (else `:email:`, else `:name:`),
 *   several joined by `+` for a group; the submission's time is its `:created_at:`.
 * - **Canvas** "Download Submissions": flat files `<name>_<user id>_<submission id>_<file>`
 *   (`<name>_LATE_<user id>_…` when late: the LATE marker is kept); the student is the user id, the
 *   name `<name>`, and the files of one user id make one submission, under their own names.
 * - **Moodle** "Download all submissions": folders `<full name>_<participant id>_assignsubmission_
 *   <plugin>_` (or, without "download submissions in folders", flat files
 *   `<full name>_<participant id>_assignsubmission_<plugin>_<file>`); the student is the id.
 * - **GitHub Classroom** (`gh classroom clone student-repos`, or the Classroom Assistant): folders
 *   `<assignment>-<username>`; the student is the username, `<assignment>-` being the prefix all the
 *   class's folders share.
 * - **Plain**: one file (`alice.ts`, `alice.ipynb`) or one folder (`alice/`) per student, named
 *   after the student.
 *
 * A class folder that holds nothing but one folder (the usual zip of a folder) is looked into.
 * Archivers' clutter (`__MACOSX`, dot files) is skipped; loose files that are neither a gradable
 * file nor a course tool's are not submissions and are listed as such.
 *
 * Each submission is then staged: its files copied, regular files only and within the private
 * copy's bounds, into a folder of its own, so that a student's grading never sees another
 * student's files; the staged folder's digest says whether it changed since a previous run.
 *
 * @module
 */

import { basename, join } from "node:path";
import { sha256Hex, sha256Text } from "../../io/sha256.ts";
import { COPY_LIMITS, copyRegularFile, copyRegularFiles, type LeftOut } from "../private_copy.ts";
import { isClutter, isGradable } from "../submission_file.ts";
import { gradescopeTime } from "./late.ts";

/** The layouts {@linkcode discover} recognises. */
export type Layout = "gradescope" | "canvas" | "moodle" | "github-classroom" | "plain";

/** One student's submission as found in the class folder. */
export interface FoundSubmission {
  /** The student's id, from the folder or file name (or Gradescope's metadata). */
  student: string;
  /** The student's name where the layout gives one, else empty. */
  name: string;
  /** The layout that recognised it. */
  layout: Layout;
  /** Its files and folders: their path in the class folder, and where they go in the stage. */
  sources: { path: string; as: string }[];
  /** When it was submitted (ISO 8601), where the export says: Gradescope's `:created_at:`. */
  submittedAt?: string;
  /** Canvas's `_LATE_` marker: submitted after Canvas's due date. */
  lateMarker?: boolean;
}

/** A class folder's submissions. */
export interface ClassFolder {
  /** The folder the submissions were found in (the class folder, or the one folder inside it). */
  root: string;
  /** The submissions, by student id. */
  submissions: FoundSubmission[];
  /** Loose entries that are no submission. */
  ignored: string[];
}

const GRADESCOPE_METADATA = "submission_metadata.yml";
// Anchored at the left: the id is the first that follows the LMS's name part, so that nothing in
// the student's own file name (which comes last) can claim another id.
const MOODLE = /^(.+?)_(\d+)_assignsubmission_([a-z]+)(?:_(.*))?$/s;
const CANVAS = /^([^_]+)_(late_)?(\d+)_(\d+)_(.+)$/is;

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  const list: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) if (!isClutter(entry.name)) list.push(entry);
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A YAML scalar as Gradescope writes one: bare, or in single or double quotes. */
function scalar(text: string): string {
  const t = text.trim();
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t);
    } catch {
      return t.slice(1, -1); // an escape JSON does not know: the text as written
    }
  }
  return t;
}

/** A folder's entry in Gradescope's `submission_metadata.yml`. */
export interface GradescopeEntry {
  /** Each submitter's `:name:`, `:sid:`, `:email:`. */
  submitters: Record<string, string>[];
  /** `:created_at:`, the submission's time, as ISO 8601 (when it reads as a time). */
  createdAt?: string;
}

/**
 * Each folder's entry in Gradescope's `submission_metadata.yml`: the lines `submission_<id>:`,
 * then `:created_at:` and, under `:submitters:`, a list of `- :name:`, `:sid:`, `:email:` entries.
 * Read line by line (the file is Ruby's YAML of a fixed shape); other keys are skipped.
 */
export function gradescopeMetadata(yaml: string): Map<string, GradescopeEntry> {
  const folders = new Map<string, GradescopeEntry>();
  let entry: GradescopeEntry | null = null;
  let listIndent = -1; // the indentation of `:submitters:`, while inside its list
  for (const line of yaml.split(/\r?\n/)) {
    const indent = line.length - line.trimStart().length;
    const top = /^([^\s:#][^:]*):\s*$/.exec(line);
    if (top) {
      entry = { submitters: [] };
      folders.set(scalar(top[1]), entry);
      listIndent = -1;
      continue;
    }
    if (entry === null || line.trim() === "") continue;
    const folder = entry.submitters;
    if (/^\s*:submitters:\s*$/.test(line)) {
      listIndent = indent;
      continue;
    }
    const created = /^\s*:created_at:\s*(.+)$/.exec(line);
    if (created && (listIndent < 0 || indent <= listIndent)) {
      entry.createdAt = gradescopeTime(scalar(created[1]));
      listIndent = -1;
      continue;
    }
    if (listIndent < 0) continue;
    const item = /^(\s*)-\s+:(\w+):\s*(.*)$/.exec(line);
    const field = /^(\s*):(\w+):\s*(.*)$/.exec(line);
    if (item && indent >= listIndent) folder.push({ [item[2]]: scalar(item[3]) });
    else if (field && indent > listIndent && folder.length > 0) {
      folder[folder.length - 1][field[2]] = scalar(field[3]);
    } else if (indent <= listIndent) listIndent = -1;
  }
  return folders;
}

/** The prefix `<assignment>-` that every name of `names` (two or more) shares, or "". */
function sharedDashPrefix(names: string[]): string {
  if (names.length < 2) return "";
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf("-");
  const shared = cut > 0 ? prefix.slice(0, cut + 1) : "";
  return names.every((n) => n.length > shared.length) ? shared : "";
}

/** The submissions of the class folder `dir`, by the layouts above. */
export async function discover(dir: string): Promise<ClassFolder> {
  let root = dir;
  for (let depth = 0; depth < 3; depth++) {
    const list = await entries(root);
    if (list.length !== 1 || !list[0].isDirectory) break;
    root = join(root, list[0].name);
  }
  const list = await entries(root);
  const claims: Claim[] = [];
  const ignored: string[] = [];
  const add = (s: Omit<FoundSubmission, "sources">, path: string, as: string) =>
    claims.push({ ...s, sources: [{ path, as }] });
  const metadata = list.find((e) => e.isFile && e.name === GRADESCOPE_METADATA);
  const gradescope = metadata
    ? gradescopeMetadata(await Deno.readTextFile(join(root, GRADESCOPE_METADATA)))
    : new Map<string, GradescopeEntry>();
  const unmatchedFolders: string[] = [];
  for (const entry of list) {
    if (entry.name === GRADESCOPE_METADATA && metadata) continue;
    const moodle = MOODLE.exec(entry.name);
    if (entry.isDirectory) {
      const meta = gradescope.get(entry.name);
      const group = meta?.submitters ?? [];
      if (group.length > 0) {
        add(
          {
            student: group.map((s) => s.sid || s.email || s.name).join("+"),
            name: group.map((s) => s.name ?? "").filter((n) => n).join(" & "),
            layout: "gradescope",
            ...(meta?.createdAt && { submittedAt: meta.createdAt }),
          },
          entry.name,
          "",
        );
      } else if (moodle && !moodle[4]) {
        add({ student: moodle[2], name: moodle[1], layout: "moodle" }, entry.name, "");
      } else unmatchedFolders.push(entry.name);
    } else if (entry.isFile) {
      const canvas = CANVAS.exec(entry.name);
      if (moodle && moodle[4]) {
        add({ student: moodle[2], name: moodle[1], layout: "moodle" }, entry.name, moodle[4]);
      } else if (canvas) {
        const late = canvas[2] !== undefined;
        add(
          { student: canvas[3], name: canvas[1], layout: "canvas", lateMarker: late },
          entry.name,
          canvas[5],
        );
      } else if (isGradable(entry.name)) {
        const student = entry.name.replace(/\.(ts|ipynb)$/i, "");
        add({ student, name: "", layout: "plain" }, entry.name, entry.name);
      } else ignored.push(entry.name);
    } else ignored.push(entry.name);
  }
  const prefix = sharedDashPrefix(unmatchedFolders);
  for (const folder of unmatchedFolders) {
    const layout = prefix === "" ? "plain" : "github-classroom";
    add({ student: folder.slice(prefix.length), name: "", layout }, folder, "");
  }
  const submissions = distinctStudents(claims).sort((a, b) =>
    a.student < b.student ? -1 : a.student > b.student ? 1 : 0
  );
  return { root, submissions, ignored };
}

/** One entry of the class folder, as the layout that recognised it reads it. */
type Claim = FoundSubmission;

/** The layouts in which one id's entries are one student's files (an LMS's user id). */
const MERGED: readonly Layout[] = ["canvas", "moodle"];

/**
 * One submission per student, each from its own entries only: the entries of one Canvas or
 * Moodle id merge (that LMS's user id names them all); any other entries that give the same id
 * (two Gradescope folders, `alice.ts` beside `alice/`, a plain file named like an LMS id) are
 * different submissions, each under the id followed by its entry's name, `alice (alice.ts)`, and
 * a number if that is still taken. No entry is dropped and none joins another's submission.
 */
function distinctStudents(claims: Claim[]): FoundSubmission[] {
  const groups = new Map<string, FoundSubmission>();
  const byId = new Map<string, FoundSubmission[]>();
  for (const claim of claims) {
    const key = MERGED.includes(claim.layout) ? `${claim.layout}\0${claim.student}` : null;
    const known = key === null ? undefined : groups.get(key);
    if (known === undefined) {
      const group = { ...claim, sources: [...claim.sources] };
      if (key !== null) groups.set(key, group);
      byId.set(claim.student, [...(byId.get(claim.student) ?? []), group]);
      continue;
    }
    known.sources.push(...claim.sources);
    known.name ||= claim.name;
    if (claim.lateMarker) known.lateMarker = true;
  }
  const taken = new Set(byId.keys());
  for (const [id, same] of byId) {
    if (same.length === 1) continue;
    taken.delete(id);
    for (const s of same) {
      const base = `${id} (${s.sources[0].path})`;
      let student = base;
      for (let n = 2; taken.has(student); n++) student = `${base} #${n}`;
      taken.add(student);
      s.student = student;
    }
  }
  return [...byId.values()].flat();
}

/** A submission staged in a folder of its own. */
export interface Staged {
  /** The folder. */
  dir: string;
  /** What the staging left out, by path in the class folder, and why. */
  leftOut: LeftOut[];
  /** The SHA-256 of the staged files, their paths and contents. */
  digest: string;
}

/**
 * Copies `submission`'s files from the class folder `root` into the new folder `dir`: a folder's
 * regular files (the first folder's at the top, any other's in a subfolder named after it), a
 * file under its name in the layout. Links and other special files are left out, and so is what
 * passes the private copy's bounds.
 */
export async function stage(
  submission: FoundSubmission,
  root: string,
  dir: string,
): Promise<Staged> {
  const leftOut: LeftOut[] = [];
  let bytes = 0;
  const sources = await Promise.all(
    submission.sources.map(async (s) => ({
      ...s,
      folder: (await Deno.lstat(join(root, s.path))).isDirectory,
    })),
  );
  sources.sort((a, b) => Number(b.folder) - Number(a.folder)); // folders first, the first at the top
  if (!sources[0]?.folder) await Deno.mkdir(dir);
  for (const [i, { path, as, folder }] of sources.entries()) {
    const from = join(root, path);
    if (folder) {
      const copied = await copyRegularFiles(from, i === 0 ? dir : join(dir, basename(path)), null, {
        ...COPY_LIMITS,
        bytes: COPY_LIMITS.bytes - bytes,
      });
      bytes += copied.bytes;
      leftOut.push(...copied.leftOut.map((l) => ({ path: `${path}/${l.path}`, why: l.why })));
      continue;
    }
    const to = join(dir, basename(as));
    if (await Deno.lstat(to).then(() => true, () => false)) {
      leftOut.push({
        path,
        why: `another of the student's files is already named ${basename(as)}`,
      });
      continue;
    }
    const copied = await copyRegularFile(
      from,
      to,
      COPY_LIMITS.bytes - bytes,
      `${COPY_LIMITS.bytes}`,
    );
    if ("why" in copied) leftOut.push({ path, why: copied.why });
    else bytes += copied.bytes;
  }
  return { dir, leftOut, digest: await digestTree(dir) };
}

/** The SHA-256 of a folder's regular files: their paths, in order, and their contents. */
export async function digestTree(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (rel: string) => {
    const list: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(join(dir, rel))) list.push(entry);
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of list) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        parts.push(
          `${JSON.stringify(path)} ${await sha256Hex(await Deno.readFile(join(dir, path)))}`,
        );
      }
    }
  };
  await walk("");
  return sha256Text(parts.join("\n"));
}

/** The path in the class folder of the file staged as `staged` (relative to the stage), for the reports. */
export function sourcePath(submission: FoundSubmission, staged: string): string {
  const file = submission.sources.find((s) => s.as !== "" && s.as.split("/").at(-1) === staged);
  if (file) return file.path;
  const folder = submission.sources.find((s) => s.as === "");
  return folder ? `${folder.path}/${staged}` : staged;
}
