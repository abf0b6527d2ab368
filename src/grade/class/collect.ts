/**
 * `--collect`: the `--out` folders of a class's shards merged into one, as one run would have
 * written it: their records and feedback files, then the class's outputs (`finish.ts`: grades.csv,
 * summary.md, the final-grade blocks, the gradebook file, batch.json) for the whole class. The
 * shards must come from the same grader and exercises, and cover every share once.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { statOrNull } from "../../io/fs.ts";
import { finishClass, loadOverrides } from "./finish.ts";
import type { Gradebook, GradebookWritten } from "./gradebook.ts";
import type { LatePolicy } from "./late.ts";
import { type Manifest, prepareOut, readManifest, readRecord } from "./out_folder.ts";
import { feedbackPagePath, fileName, sortedByStudent, type StudentRecord } from "./outputs.ts";

/** How to collect: the late policy (`undefined`: the shards'), overrides, gradebook. */
export interface CollectOptions {
  late?: LatePolicy | null;
  overrides?: string;
  gradebook?: Gradebook;
  assignment?: string;
}

/** The shards' manifests, checked to fit together: one grader, one split, every share once. */
async function shardManifests(dirs: string[], out: string): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const dir of dirs) {
    if (resolve(dir) === resolve(out)) throw new UsageError(`--out ${out} is one of the shards`);
    const manifest = await readManifest(dir);
    if (manifest === null) {
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
  return manifests;
}

/**
 * Merges the `--out` folders `dirs` of a class's shards into `out` (see the module's notes).
 * Returns the records, by student, and the gradebook file written.
 */
export async function collectShards(
  dirs: string[],
  out: string,
  opts: CollectOptions = {},
): Promise<{ records: StudentRecord[]; gradebook: GradebookWritten | null }> {
  const manifests = await shardManifests(dirs, out);
  await prepareOut(out);
  const records: StudentRecord[] = [];
  const students = new Set<string>();
  for (const [i, m] of manifests.entries()) {
    for (const file of m.records) {
      const record = await readRecord(join(dirs[i], "records", file));
      if (record === null) {
        throw new UsageError(`--collect ${dirs[i]}: records/${file} cannot be read`);
      }
      if (students.has(record.student)) {
        throw new UsageError(`--collect: student ${record.student} is in two shards`);
      }
      students.add(record.student);
      records.push(record);
      for (const path of [join("records", file), record.feedback]) {
        await writeFileAtomic(join(out, path), await Deno.readFile(join(dirs[i], path)));
      }
      const page = feedbackPagePath(record.feedback); // shards from before pages have none
      if (await statOrNull(join(dirs[i], page)) !== null) {
        await writeFileAtomic(join(out, page), await Deno.readFile(join(dirs[i], page)));
      }
    }
  }
  const sorted = sortedByStudent(records);
  const [first] = manifests;
  const { overrides } = await loadOverrides(out, opts.overrides, students, first.exercises);
  const manifest: Manifest = {
    ...first,
    shard: null,
    records: await Promise.all(sorted.map(async (r) => `${await fileName(r.student)}.json`)),
    notes: [...new Set(manifests.flatMap((m) => m.notes))],
    late: opts.late === undefined ? first.late : opts.late,
  };
  const gradebook = await finishClass(out, sorted, manifest, { ...opts, overrides });
  return { records: sorted, gradebook };
}
