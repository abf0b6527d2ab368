/**
 * What every mistake of the catalogue gives on the cases of the exercises it touches: computed
 * once, in the grader's process, when the Gradescope bundle is built (it ships in the zip) and at a
 * grader's first grading, and kept in a file keyed by everything it depends on (the staff
 * solution, the catalogue, the cases and how the child calls an exercise), so that a grader whose
 * key matches reads it instead. A sandboxed child never receives any of it.
 *
 * Each mutated module is called exactly as the child calls a submission (`PREPARE` of
 * `child.ts`), its results through the same codec, so that a student who made the mistake sends
 * the same value.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { sha256Text } from "../../io/sha256.ts";
import { PREPARE } from "../child.ts";
import { decodeValue, encodeJson, toTensors, type Value } from "../codec.ts";
import type { ExerciseName } from "../contract.ts";
import type { Case, Exercise } from "../exercises/mod.ts";
import { REFERENCE_PRIMITIVES } from "../reference_primitives.ts";
import { type Mistake, MISTAKES } from "./catalogue.ts";
import { importSource, mutate, STAFF_SOLUTION, touchedExercises } from "./mutants.ts";

/** What a function gave on a case: a value, or the error it threw. */
export type Outcome = { value: Value } | { error: string };

/** Every mistake's outcomes, by mistake id, then exercise, then case. */
export interface MistakeTable {
  /** The digest of what the outcomes depend on. */
  key: string;
  /** Mistake id → exercise → one outcome per case of the exercise. */
  outcomes: Map<string, Map<ExerciseName, Outcome[]>>;
}

/** The format's name, part of the key and of the file. */
const FORMAT = "rnnlab-mistake-outcomes/1";

/** Where the grader keeps the table (and where the bundle carries it): `runs/grader/`. */
export const MISTAKE_TABLE_FILE = fileURLToPath(
  new URL("../../../runs/grader/mistake_outcomes.json", import.meta.url),
);

/** The code the outcomes depend on: the staff solution, the catalogue, how they are run. */
const SOURCES = [
  STAFF_SOLUTION,
  ...[
    "./catalogue.ts",
    "./mutants.ts",
    "./table.ts",
    "../child.ts",
    "../codec.ts",
    "../reference_primitives.ts",
  ].map((path) => new URL(path, import.meta.url)),
];

/** The digest of everything the outcomes depend on: the code, and every case's arguments. */
export async function tableKey(exercises: readonly Exercise[]): Promise<string> {
  const sources = await Promise.all(SOURCES.map((url) => Deno.readTextFile(url)));
  const cases = exercises.map((ex) => [ex.name, ex.cases.map((c) => c.args)]);
  return await sha256Text(JSON.stringify([FORMAT, sources, cases]));
}

/** Calls `module`'s function of `ex` on case `c` as the child would, in the grader's process. */
function outcomeOf(ex: Exercise, c: Case, module: Record<string, unknown>): Outcome {
  try {
    let json = "";
    tf.tidy(() => {
      const args: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.args)) args[k] = toTensors(v);
      json = encodeJson(PREPARE[ex.name](args, REFERENCE_PRIMITIVES, [])(module));
    });
    return { value: decodeValue(JSON.parse(json)) };
  } catch (err) {
    return { error: `${(err as Error)?.message ?? err}`.slice(0, 200) };
  }
}

/** Runs every mistake on the cases of the exercises it touches. */
export async function buildTable(
  exercises: readonly Exercise[],
  mistakes: readonly Mistake[] = MISTAKES,
): Promise<MistakeTable> {
  tf.enableProdMode(); // no "install tfjs-node" notice
  await tf.setBackend("cpu");
  const source = await Deno.readTextFile(STAFF_SOLUTION);
  const outcomes = new Map<string, Map<ExerciseName, Outcome[]>>();
  for (const m of mistakes) {
    const module = await importSource(mutate(source, m));
    const byExercise = new Map<ExerciseName, Outcome[]>();
    for (const name of touchedExercises(source, m)) {
      const ex = exercises.find((e) => e.name === name);
      if (ex !== undefined) byExercise.set(name, ex.cases.map((c) => outcomeOf(ex, c, module)));
    }
    outcomes.set(m.id, byExercise);
  }
  return { key: await tableKey(exercises), outcomes };
}

/** The table as the file holds it (values in the wire format, so NaN and ∞ survive). */
export function tableJson(table: MistakeTable): string {
  const outcome = (o: Outcome) =>
    "value" in o ? `{"value":${encodeJson(o.value, Infinity)}}` : JSON.stringify(o);
  const mistakes = [...table.outcomes].map(([id, byExercise]) =>
    `${JSON.stringify(id)}:{${
      [...byExercise].map(([ex, os]) => `"${ex}":[${os.map(outcome).join(",")}]`).join(",")
    }}`
  );
  return `{"format":"${FORMAT}","key":"${table.key}","outcomes":{${mistakes.join(",\n")}}}\n`;
}

/** Reads a table file; `null` when it is missing or not one. */
async function readTable(path: string): Promise<MistakeTable | null> {
  try {
    const json = JSON.parse(await Deno.readTextFile(path));
    if (json.format !== FORMAT || typeof json.key !== "string") return null;
    const outcomes = new Map<string, Map<ExerciseName, Outcome[]>>();
    for (const [id, byExercise] of Object.entries(json.outcomes as Record<string, object>)) {
      outcomes.set(
        id,
        new Map(
          Object.entries(byExercise as Record<ExerciseName, Outcome[]>).map(([ex, os]) => [
            ex as ExerciseName,
            os.map((o) => "value" in o ? { value: decodeValue(o.value) } : { error: o.error }),
          ]),
        ),
      );
    }
    return { key: json.key, outcomes };
  } catch {
    return null;
  }
}

/**
 * The table for `exercises`: read from `path` when its key matches, else built and written there
 * (atomically; where it cannot be written, a read-only install say, it is only kept in memory);
 * with `path` `null`, built in memory.
 */
export async function mistakeTable(
  exercises: readonly Exercise[],
  path: string | null = MISTAKE_TABLE_FILE,
): Promise<MistakeTable> {
  if (path !== null) {
    const stored = await readTable(path);
    if (stored !== null && stored.key === await tableKey(exercises)) return stored;
  }
  const table = await buildTable(exercises);
  if (path !== null) {
    await Deno.mkdir(dirname(path), { recursive: true })
      .then(() => writeFileAtomic(path, tableJson(table)))
      .catch(() => {}); // a cache: the grading goes on without it
  }
  return table;
}
