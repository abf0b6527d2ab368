/**
 * The private copy of a submission's folder that a grading runs on: the child never sees the
 * student's folder itself.
 *
 * Deno checks a path as written, not where a symbolic link points, so a link in the folder would
 * lend the child whatever it points at. The copy therefore holds regular files only, their bytes
 * read through a handle that is checked to be the file that was listed: a symbolic link, a fifo,
 * a socket or a device is left out (never opened, so a link's target is never read), and a hard
 * link becomes a plain copy of its content. The copy is bounded in files, bytes and depth; what is
 * left out is listed with the reason.
 *
 * @module
 */

import { dirname, join, posix } from "node:path";
import { gradedPath } from "./graded_name.ts";

/** How much a copy may hold. */
export interface CopyLimits {
  /** The most regular files copied. */
  files: number;
  /** The most bytes copied, all files together. */
  bytes: number;
  /** The deepest folder copied (the folder itself is depth 0). */
  depth: number;
}

/** The default bounds: far above a chapter's solution, far below a disk. */
export const COPY_LIMITS: CopyLimits = { files: 500, bytes: 32 << 20, depth: 8 };

/** How many entries are looked at, per file the copy may hold, before the walk stops. */
const EXAMINED_PER_FILE = 4;

/** Something the copy does not hold, and why. */
export interface LeftOut {
  /** Its path, relative to the copied folder. */
  path: string;
  /** Why it was left out. */
  why: string;
}

/** What a copy holds and what it left out. */
export interface CopyReport {
  /** Regular files copied. */
  files: number;
  /** Their bytes. */
  bytes: number;
  /** What was left out, in the order met. */
  leftOut: LeftOut[];
  /** Where the copy holds the submission (`first`), relative to it; `null` when not copied. */
  graded: string | null;
}

function kind(info: Deno.FileInfo): string {
  if (info.isSymlink) return "a symbolic link";
  if (info.isFifo) return "a fifo";
  if (info.isSocket) return "a socket";
  if (info.isBlockDevice || info.isCharDevice) return "a device";
  return "not a regular file";
}

/**
 * Copies the regular file `from` to `to` (created, and its folders if need be: `to` must lie in a
 * folder without links) if it is one and holds at most `maxBytes`, reading it through a handle checked to be the file listed. Returns its size, or
 * why it was left out.
 */
export async function copyRegularFile(
  from: string,
  to: string,
  maxBytes: number,
  bound = `${maxBytes}`,
): Promise<{ bytes: number } | { why: string }> {
  const listed = await Deno.lstat(from);
  if (!listed.isFile) return { why: kind(listed) };
  if (listed.size > maxBytes) {
    return { why: `${listed.size} bytes would pass the copy's bound of ${bound}` };
  }
  const file = await Deno.open(from, { read: true });
  try {
    const opened = await file.stat();
    if (!opened.isFile || opened.ino !== listed.ino || opened.dev !== listed.dev) {
      return { why: "it changed while it was copied" };
    }
    const data = new Uint8Array(listed.size);
    let n = 0;
    while (n < data.length) {
      const got = await file.read(data.subarray(n));
      if (got === null) break;
      n += got;
    }
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.writeFile(to, data.subarray(0, n), { createNew: true, mode: 0o644 });
    return { bytes: n };
  } finally {
    file.close();
  }
}

/** The names of the entries of folder `dir` but `but`. */
async function namesBeside(dir: string, but: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const entry of Deno.readDir(dir)) if (entry.name !== but) names.add(entry.name);
  return names;
}

/**
 * Copies the regular files under `from` into `to` (created; it must not exist), `first` (a path
 * relative to `from`, the submission) before anything else when given, under the name the grader
 * chooses (`graded_name.ts`: `submission.ts` in the same folder), then the rest in name order.
 */
export async function copyRegularFiles(
  from: string,
  to: string,
  first: string | null,
  limits: CopyLimits = COPY_LIMITS,
): Promise<CopyReport> {
  const report: CopyReport = { files: 0, bytes: 0, leftOut: [], graded: null };
  const leave = (path: string, why: string) => report.leftOut.push({ path, why });
  await Deno.mkdir(to);
  const copyFile = async (rel: string, as = rel): Promise<string | null> => {
    if (report.files >= limits.files) {
      const listed = await Deno.lstat(join(from, rel));
      leave(rel, listed.isFile ? `the copy's bound of ${limits.files} files` : kind(listed));
      return null;
    }
    const copied = await copyRegularFile(
      join(from, rel),
      join(to, as),
      limits.bytes - report.bytes,
      `${limits.bytes}`,
    );
    if ("why" in copied) {
      leave(rel, copied.why);
      return null;
    }
    report.files++;
    report.bytes += copied.bytes;
    return as;
  };
  if (first !== null) {
    const taken = await namesBeside(join(from, posix.dirname(first)), posix.basename(first));
    report.graded = await copyFile(first, gradedPath(first, taken));
  }
  let examined = 0;
  const walk = async (rel: string, depth: number) => {
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(join(from, rel))) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (path === first) continue;
      if (++examined > limits.files * EXAMINED_PER_FILE) {
        return leave(path, "the folder holds too much: the rest of it was not looked at");
      }
      if (entry.isDirectory) {
        if (depth > limits.depth) leave(path, `a folder deeper than ${limits.depth}`);
        else await walk(path, depth + 1);
      } else if (entry.isFile) await copyFile(path);
      else leave(path, kind(await Deno.lstat(join(from, path))));
    }
  };
  await walk("", 1);
  return report;
}
