// A stand-in for the grader, for the tests of what is done with grades (late credit, overrides,
// gradebook files, progress, similarity's behavioural signal): each submission says what it
// earns in its own comments, and grading it takes no time.
//
//     // grade: rnn=6 trainRnn=0      points per exercise (full points for the others)
//     // wrong: rnn=0.731             the wrong value its failed hidden case of rnn reports
//
// Each exercise has a public case and a hidden one; an exercise below full points fails its
// hidden case, whose feedback names the wrong value.

import type { Grades } from "../src/grade/class/class.ts";
import { type ExerciseName, EXERCISES } from "../src/grade/contract.ts";
import type { ExerciseResult, GradeReport } from "../src/grade/grader.ts";

/** Points per exercise: 10 each, 30 for trainRnn (100 in all). */
export const FAKE_POINTS: Record<ExerciseName, number> = Object.fromEntries(
  EXERCISES.map((e) => [e, e === "trainRnn" ? 30 : 10]),
) as Record<ExerciseName, number>;

/** The directives `// key: a=1 b=2` of `text`, by key. */
function directives(text: string, key: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(new RegExp(`^// ${key}: (.*)$`, "gm"))) {
    for (const pair of m[1].trim().split(/\s+/)) {
      const [k, v] = pair.split("=");
      out.set(k, v);
    }
  }
  return out;
}

/** A grader that reads each submission's directives (see the module's notes). */
export function fakeGrader(): Grades & { graded: string[] } {
  const graded: string[] = [];
  return {
    graded,
    exercises: EXERCISES.map((name) => ({ name, points: FAKE_POINTS[name] })),
    grade(path, opts): Promise<GradeReport> {
      graded.push(path);
      const text = Deno.readTextFileSync(path);
      const points = directives(text, "grade");
      const wrong = directives(text, "wrong");
      const exercises: ExerciseResult[] = EXERCISES
        .filter((name) => opts.only === undefined || opts.only.includes(name))
        .map((name) => {
          const max = FAKE_POINTS[name];
          const score = Number(points.get(name) ?? max);
          const hiddenPassed = score === max;
          const feedback = hiddenPassed
            ? ""
            : `outputs[0]: element [0, 0] is ${wrong.get(name) ?? "0.5"}, expected 0.25`;
          return {
            name,
            title: name,
            score,
            maxScore: max,
            timedOut: false,
            cases: [
              {
                name: "public case",
                hidden: false,
                score: max / 2,
                maxScore: max / 2,
                passed: true,
              },
              {
                name: "hidden case",
                hidden: true,
                score: hiddenPassed ? max / 2 : 0,
                maxScore: max / 2,
                passed: hiddenPassed,
              },
            ].map((c) => ({
              ...c,
              feedback: c.passed ? "" : feedback,
              output: "",
              referencePrimitives: [],
              diagnosis: null,
              curve: null,
              wrongOutput: c.passed ? "" : `gave ${wrong.get(name) ?? "0.5"}`,
            })),
          };
        });
      const score = exercises.reduce((s, e) => s + e.score, 0);
      const maxScore = exercises.reduce((s, e) => s + e.maxScore, 0);
      return Promise.resolve({
        sandbox: "permissions",
        submission: path,
        score,
        maxScore,
        seconds: 0.01,
        leftOut: [],
        rejected: [],
        loadErrors: [],
        advice: [],
        exercises,
      });
    },
  };
}
