/**
 * A class's submissions as course tools export them: who each student is, and which files are
 * theirs. The layouts recognised (see docs/autograder.md):
 *
 * - **Gradescope** "Export Submissions": `submission_metadata.yml` beside one `submission_<id>/`
 *   folder per submission; the student is each submitter's `:sid:` (else `:email:`, else `:name:`),
 *   several joined by `+` for a group.
 * - **Canvas** "Download Submissions": flat files `<name>_<user id>_<submission id>_<file>`
 *   (`<name>_LATE_<user id>_…` when late); the student is the user id, the name `<name>`, and the
 *   files of one user id make one submission, under their own names.
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
const MOODLE = /^(.+)_(\d+)_assignsubmission_([a-z]+)(?:_(.*))?$/;
const CANVAS = /^([^_]+)_(?:late_)?(\d+)_(\d+)_(.+)$/i;

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  const list: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) if (!isClutter(entry.name)) list.push(entry);
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A YAML scalar as Gradescope writes one: bare, or in single or double quotes. */
function scalar(text: string): string {
  const t = text.trim();
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (t.startsWith('"') && t.endsWith('"')) return JSON.parse(t);
  return t;
}

/**
 * The submitters of each folder in Gradescope's `submission_metadata.yml`: the lines
 * `submission_<id>:`, then under `:submitters:` a list of `- :name:`, `:sid:`, `:email:` entries.
 * Read line by line (the file is Ruby's YAML of a fixed shape); other keys are skipped.
 */
export function gradescopeSubmitters(yaml: string): Map<string, Record<string, string>[]> {
  const folders = new Map<string, Record<string, string>[]>();
  let folder: Record<string, string>[] | null = null;
  let listIndent = -1; // the indentation of `:submitters:`, while inside its list
  for (const line of yaml.split(/\r?\n/)) {
    const indent = line.length - line.trimStart().length;
    const top = /^([^\s:#][^:]*):\s*$/.exec(line);
    if (top) {
      folder = [];
      folders.set(scalar(top[1]), folder);
      listIndent = -1;
      continue;
    }
    if (folder === null || line.trim() === "") continue;
    if (/^\s*:submitters:\s*$/.test(line)) {
      listIndent = indent;
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
  const found = new Map<string, FoundSubmission>();
  const ignored: string[] = [];
  const add = (s: Omit<FoundSubmission, "sources">, path: string, as: string) => {
    const known = found.get(s.student);
    if (known === undefined) found.set(s.student, { ...s, sources: [{ path, as }] });
    else {
      known.sources.push({ path, as });
      known.name ||= s.name;
    }
  };
  const metadata = list.find((e) => e.isFile && e.name === GRADESCOPE_METADATA);
  const submitters = metadata
    ? gradescopeSubmitters(await Deno.readTextFile(join(root, GRADESCOPE_METADATA)))
    : new Map();
  const unmatchedFolders: string[] = [];
  for (const entry of list) {
    if (entry.name === GRADESCOPE_METADATA && metadata) continue;
    const moodle = MOODLE.exec(entry.name);
    if (entry.isDirectory) {
      const group: Record<string, string>[] | undefined = submitters.get(entry.name);
      if (group !== undefined && group.length > 0) {
        add(
          {
            student: group.map((s) => s.sid || s.email || s.name).join("+"),
            name: group.map((s) => s.name ?? "").filter((n) => n).join(" & "),
            layout: "gradescope",
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
        add({ student: canvas[2], name: canvas[1], layout: "canvas" }, entry.name, canvas[4]);
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
  const submissions = [...found.values()].sort((a, b) =>
    a.student < b.student ? -1 : a.student > b.student ? 1 : 0
  );
  return { root, submissions, ignored };
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
