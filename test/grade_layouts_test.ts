// Each student is graded once, from their own files only, whatever the class's layout and however
// odd its zip: generated class zips (Canvas and Moodle flat exports whose file names claim other
// ids, Moodle folders, Gradescope exports, GitHub Classroom folders, plain files and folders with
// hostile names and keys that collide once cleaned, two Gradescope submissions with one sid, a
// file named like a student's folder, nested folders, folder entries, duplicates,
// links, entries that climb out, a corrupt member) graded by the stand-in grader: the set of
// students out equals the set in, each row's total is what grading that student's file alone
// gives, each has their own feedback file, and every unusable entry is listed in summary.md.

import assert from "node:assert/strict";
import { Zip, ZipPassThrough } from "fflate";
import { join } from "node:path";
import { gradeClass } from "../src/grade/class/class.ts";
import { discover } from "../src/grade/class/layout.ts";
import { fileName } from "../src/grade/class/outputs.ts";
import { parseCsv } from "../src/grade/csv.ts";
import { hostileName, NAME_CLASSES } from "../src/grade/hostile_names.ts";
import { PyRandom } from "../src/random/py_random.ts";
import { fakeGrader } from "./_fake_grader.ts";

const enc = new TextEncoder();

/** One student of a generated class: the id expected, and the file that is theirs. */
interface Student {
  id: string;
  text: string;
}

/** A zip entry: a file (bytes), a folder (`null`), or a link to `link`. */
interface Entry {
  name: string;
  data: Uint8Array | null;
  link?: string;
  compression?: number;
}

/** A zip of `entries`, in order (duplicates kept, as a hostile archiver may write them). */
function zipOf(entries: Entry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    chunks.push(chunk);
  });
  for (const e of entries) {
    const file = new ZipPassThrough(e.name);
    if (e.link !== undefined) Object.assign(file, { os: 3, attrs: (0o120777 << 16) >>> 0 });
    if (e.compression !== undefined) file.compression = e.compression;
    zip.add(file);
    file.push(e.link !== undefined ? enc.encode(e.link) : e.data ?? new Uint8Array(0), true);
  }
  zip.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}

/** A hostile name that is safe in every layout's grammar (no `\`, `/`, nor LMS-like `_1_2_`). */
function safeName(rng: PyRandom, ext: string, maxBytes = 90): string {
  for (;;) {
    const name = hostileName(rng, ext, NAME_CLASSES[rng.randbelow(NAME_CLASSES.length)], maxBytes);
    if (!/[\\/]|_\d+_/.test(name) && !/^(__MACOSX|Thumbs\.db|desktop\.ini)/.test(name)) return name;
  }
}

const LAYOUTS = [
  "plain",
  "plain-folders",
  "canvas",
  "moodle",
  "moodle-flat",
  "gradescope",
  "github",
];

/** A generated class: the zip's entries and the students in it. */
function generateClass(seed: number): { entries: Entry[]; students: Student[]; bad: number } {
  const rng = new PyRandom(seed);
  const layout = LAYOUTS[seed % LAYOUTS.length];
  const n = 2 + rng.randbelow(5);
  const students: Student[] = [];
  const entries: Entry[] = [];
  const text = (i: number) => `// grade: rnn=${i}\n// the file of student ${i}\nexport {};\n`;
  const file = (name: string, i: number): Entry => ({ name, data: enc.encode(text(i)) });
  const colliding = [["Zoë", "Zoe"], ["a b", "a_b"], ["Alice", "alice"], ["x y", "x-y"]];
  const plainIds = [...colliding[rng.randbelow(colliding.length)]];
  while (plainIds.length < n) {
    const id = safeName(rng, "");
    if (!plainIds.includes(id)) plainIds.push(id);
  }
  const uids = Array.from({ length: n }, (_, i) => 1000 + 37 * i + rng.randbelow(30));
  const names = Array.from(
    { length: n },
    (_, i) => `${["lee", "kim", "ng", "li"][i % 4]}${"abcdefg"[i]}`,
  );
  const meta: string[] = [];
  const shareSid = rng.randbelow(2) === 0;
  for (let i = 0; i < n; i++) {
    const other = (i + 1) % n; // whose id a crafted file name claims
    switch (layout) {
      case "plain":
        entries.push(file(`${plainIds[i]}${rng.randbelow(2) ? ".ts" : ".TS"}`, i));
        students.push({ id: plainIds[i], text: text(i) });
        break;
      case "plain-folders": {
        const nested = rng.randbelow(2) ? `${safeName(rng, "")}/` : "";
        entries.push({ name: `${plainIds[i]}/`, data: null });
        entries.push(file(`${plainIds[i]}/${nested}${safeName(rng, ".ts")}`, i));
        students.push({ id: plainIds[i], text: text(i) });
        break;
      }
      case "canvas": {
        const late = rng.randbelow(3) === 0 ? "LATE_" : "";
        const own = rng.randbelow(2)
          ? `${names[other]}_${uids[other]}_${5000 + other}_rnn_scratch.ts` // claims another
          : safeName(rng, ".ts");
        entries.push(file(`${names[i]}_${late}${uids[i]}_${5000 + i}_${own}`, i));
        students.push({ id: `${uids[i]}`, text: text(i) });
        break;
      }
      case "moodle":
        entries.push({ name: `${names[i]} X_${uids[i]}_assignsubmission_file_/`, data: null });
        entries.push(
          file(`${names[i]} X_${uids[i]}_assignsubmission_file_/${safeName(rng, ".ts")}`, i),
        );
        students.push({ id: `${uids[i]}`, text: text(i) });
        break;
      case "moodle-flat": {
        const own = rng.randbelow(2)
          ? `${names[other]} X_${uids[other]}_assignsubmission_file_rnn_scratch.ts` // claims another
          : safeName(rng, ".ts");
        entries.push(file(`${names[i]} X_${uids[i]}_assignsubmission_file_${own}`, i));
        students.push({ id: `${uids[i]}`, text: text(i) });
        break;
      }
      case "gradescope": {
        // Now and then two submissions give one sid: two students, each under the sid and folder.
        const sid = shareSid && i === 1 ? uids[0] : uids[i];
        entries.push(file(`submission_${700 + i}/${safeName(rng, ".ts")}`, i));
        meta.push(`submission_${700 + i}:`, "  :submitters:", `  - :name: ${names[i]}`);
        meta.push(`    :sid: '${sid}'`);
        const id = shareSid && i < 2 ? `${sid} (submission_${700 + i})` : `${sid}`;
        students.push({ id, text: text(i) });
        break;
      }
      default: // github
        entries.push(file(`hw-rnn-${names[i]}${i}/${safeName(rng, ".ts")}`, i));
        students.push({ id: `${names[i]}${i}`, text: text(i) });
    }
  }
  if (meta.length > 0) {
    entries.push({ name: "submission_metadata.yml", data: enc.encode(meta.join("\n")) });
  }
  // What no class should hold, each left out with its reason.
  const noise: Entry[] = [
    { name: "../climbs.ts", data: enc.encode("export {};\n") },
    { name: "/absolute.ts", data: enc.encode("export {};\n") },
    { name: "linked.ts", data: null, link: "/etc/passwd" },
    { name: "corrupt.ts", data: enc.encode("export {};\n"), compression: 99 },
    {
      name: entries.find((e) => e.data !== null)!.name,
      data: enc.encode("// grade: rnn=0\n// a duplicate\n"),
    },
    { name: "a-file/", data: null }, // a folder entry where a file is (put right after it)
  ].filter(() => rng.randbelow(3) > 0);
  const clutter: Entry[] = [{ name: "__MACOSX/._x.ts", data: enc.encode("x") }];
  const all = [...entries];
  for (const e of [...noise, ...clutter]) {
    const at = 1 + rng.randbelow(all.length);
    if (e.name === "a-file/") all.splice(at, 0, { name: "a-file", data: enc.encode("x") }, e);
    else all.splice(at, 0, e);
  }
  const top = rng.randbelow(2) ? `export #${seed} %zz/` : "";
  const named = all.map((e) => ({
    ...e,
    name: e.name.startsWith("/") || e.name.startsWith("..") ? e.name : top + e.name,
  }));
  if (top !== "") named.unshift({ name: top, data: null });
  return { entries: named, students, bad: noise.length };
}

Deno.test("generated class zips: the students out are the students in, each graded from their own file (70 classes)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "layouts-" });
  try {
    const alone = fakeGrader();
    for (let seed = 0; seed < 70; seed++) {
      const { entries, students, bad } = generateClass(seed);
      const zip = join(dir, `class-${seed}.zip`);
      await Deno.writeFile(zip, zipOf(entries));
      const out = join(dir, `out-${seed}`);
      const where = `seed ${seed} (${LAYOUTS[seed % LAYOUTS.length]})`;
      const { records } = await gradeClass(fakeGrader(), zip, {
        out,
        jobs: 2,
        corpus: "t",
        tempRoot: dir,
      });
      assert.deepEqual(
        records.map((r) => r.student).sort(),
        students.map((s) => s.id).sort(),
        where,
      );
      for (const s of students) {
        await Deno.writeTextFile(join(dir, "alone.ts"), s.text);
        const expected = (await alone.grade(join(dir, "alone.ts"), {})).score;
        const record = records.find((r) => r.student === s.id)!;
        assert.equal(record.score, expected, `${where}: ${s.id}: ${record.note}`);
      }
      const csv = parseCsv(await Deno.readTextFile(join(out, "grades.csv")));
      assert.equal(csv.length, students.length + 1, where);
      const keys = await Promise.all(students.map((s) => fileName(s.id)));
      assert.equal(new Set(keys.map((k) => k.toLowerCase())).size, students.length, where);
      for (const [i, s] of students.entries()) {
        // Each student's own feedback file, with their own score.
        const feedback = await Deno.readTextFile(join(out, "feedback", `${keys[i]}.md`));
        const record = records.find((r) => r.student === s.id)!;
        assert.match(feedback, new RegExp(`^- score: ${record.score}/100$`, "m"), where);
      }
      const summary = await Deno.readTextFile(join(out, "summary.md"));
      const listed = summary.split("\n").filter((l) => l.includes("left out of the zip")).length;
      assert.ok(listed >= bad, `${where}: ${listed} entries listed, ${bad} expected\n${summary}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no file name in an LMS export claims another student's id", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claims-" });
  try {
    const rng = new PyRandom(5);
    for (let i = 0; i < 200; i++) {
      const class_ = join(dir, `c${i}`);
      await Deno.mkdir(class_);
      const own = safeName(rng, ".ts");
      const canvas = i % 2 === 0;
      const victim = canvas ? `victim_222_9_${own}` : `Victim V_222_assignsubmission_file_${own}`;
      const crafted = canvas
        ? `mallory_111_8_${victim}`
        : `Mallory M_111_assignsubmission_file_${victim}`;
      await Deno.writeTextFile(join(class_, crafted), "// mallory\n");
      await Deno.writeTextFile(join(class_, victim), "// victim\n");
      const found = await discover(class_);
      const by = Object.fromEntries(
        found.submissions.map((s) => [s.student, s.sources.map((x) => x.path)]),
      );
      assert.deepEqual(by, { "111": [crafted], "222": [victim] }, JSON.stringify(crafted));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
