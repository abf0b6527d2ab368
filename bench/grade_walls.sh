#!/usr/bin/env bash
# What the OS wall (issue 21, src/grade/wall.ts) costs the autograder: hyperfine, interleaved by
# its own repeats, on this checkout
#   1. the staff solution, `--sandbox permissions` against `--sandbox bubblewrap` (goal: ≤ 20% more);
#   2. a class of 22 (the staff solution and the ten files of fixtures/solutions/, each in a folder
#      with alternative.ts, twice over, as docs/autograder.md builds it) with either wall, and with
#      the grader of REF (default `main`: the grader before the wall, exported with `git archive`
#      beside this checkout's node_modules) (goal: at least as fast as REF).
# Writes the hyperfine JSON and Markdown under OUT (default bench/results/grade-walls-<date>/) and
# prints the machine and its load. Usage: bench/grade_walls.sh [RUNS] [REF]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
REF=${2:-main}
OUT=${OUT:-bench/results/grade-walls-$(date -u +%F)}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/rnnlab-bench-walls-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The grader of REF, runnable: its tree, this checkout's node_modules.
git archive "$REF" | tar -x -C "$WORK" --one-top-level=ref
ln -s "$PWD/node_modules" "$WORK/ref/node_modules"
[ -e ../shared ] && ln -s "$(realpath ../shared)" "$WORK/shared"  # the corpus, where it lies
[ -e data ] && ln -s "$PWD/data" "$WORK/ref/data"
[ -e runs/grader ] && mkdir -p "$WORK/ref/runs" && cp -r runs/grader "$WORK/ref/runs/" || true

# The class of 22.
for rep in a b; do
  for f in fixtures/solutions/*.ts src/grade/staff_solution.ts; do
    d="$WORK/class/$(basename "$f" .ts)-$rep"
    mkdir -p "$d"
    cp "$f" "$d/rnn_scratch.ts"
    cp fixtures/solutions/alternative.ts "$d/"
  done
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB"
echo "kernel: $(uname -r); deno: $(deno --version | head -1); bwrap: $(bwrap --version 2>/dev/null || echo none)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

grade="deno task --quiet grade"
# Each a warm-up first: the grader's table of mistakes is built once per checkout.
$grade src/grade/staff_solution.ts --only getInputs >/dev/null
(cd "$WORK/ref" && $grade src/grade/staff_solution.ts --only getInputs >/dev/null)

hyperfine --runs "$RUNS" --export-json "$OUT/staff.json" --export-markdown "$OUT/staff.md" \
  -n permissions "$grade src/grade/staff_solution.ts --sandbox permissions" \
  -n bubblewrap "$grade src/grade/staff_solution.ts --sandbox bubblewrap"
echo "load after the staff solution: $(cut -d' ' -f1-3 /proc/loadavg)"

hyperfine --runs "$RUNS" --export-json "$OUT/class.json" --export-markdown "$OUT/class.md" \
  --prepare "rm -rf $WORK/out" \
  -n "$REF" "cd $WORK/ref && $grade --batch $WORK/class --out $WORK/out" \
  -n permissions "$grade --batch $WORK/class --out $WORK/out --sandbox permissions" \
  -n bubblewrap "$grade --batch $WORK/class --out $WORK/out --sandbox bubblewrap"
echo "load after the class: $(cut -d' ' -f1-3 /proc/loadavg)"
