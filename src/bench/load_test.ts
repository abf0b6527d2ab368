import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import {
  busyReasons,
  loadLine,
  loadWindow,
  parseProcStat,
  PROBE_SPREAD,
  probeReasons,
  QUIET_PER_CORE,
} from "./load.ts";

/** A `/proc/<pid>/stat` line: pid (comm) state ppid, then the fields up to cstime. */
function procLine(
  pid: number,
  comm: string,
  ppid: number,
  ticks: [number, number, number, number],
) {
  const [utime, stime, cutime, cstime] = ticks;
  return `${pid} (${comm}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0`;
}

/** `/proc/stat`'s first lines for two CPUs, `busy` and `idle` ticks in all. */
function statLines(busy: number, idle: number): string {
  return [
    `cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0`,
    "cpu0 1 0 0 1 0 0 0 0 0 0",
    "cpu1 1 0 0 1 0 0 0 0 0 0",
  ].join("\n");
}

Deno.test("a process's name may hold spaces and parentheses: its ticks are read after the last ')'", () => {
  const rng = new PyRandom(3);
  const alphabet = "ab ()):x";
  for (let c = 0; c < 300; c++) {
    const comm = Array.from({ length: 1 + rng.randbelow(15) }, () => alphabet[rng.randbelow(8)])
      .join("");
    const text = `${statLines(10, 10)}\n${procLine(42, comm, 7, [5, 6, 7, 8])}\n`;
    const p = parseProcStat(text, 0)!.processes.get(42);
    assert.deepEqual(p, { ppid: 7, command: comm, ticks: 11, childTicks: 15 }, `comm ${comm}`);
  }
  assert.equal(parseProcStat("not proc", 0), undefined);
});

Deno.test("the load window counts this process and its children apart from the others, a finished child through its parent", () => {
  const self = 100;
  const before = [
    statLines(1000, 1000),
    procLine(1, "init", 0, [0, 0, 0, 0]),
    procLine(self, "deno", 1, [50, 0, 0, 0]),
    procLine(101, "python3", self, [10, 0, 0, 0]),
    procLine(200, "busy loop", 1, [0, 0, 0, 0]),
  ].join("\n");
  // 200 ticks pass on 2 CPUs (all busy): this process 40, its live child 20, a child that ended
  // 40 (now in the parent's children's time), the busy loop 100.
  const after = [
    statLines(1200, 1000),
    procLine(1, "init", 0, [0, 0, 0, 0]),
    procLine(self, "deno", 1, [90, 0, 40, 0]),
    procLine(101, "python3", self, [30, 0, 0, 0]),
    procLine(200, "busy loop", 1, [100, 0, 0, 0]),
  ].join("\n");
  const w = loadWindow(parseProcStat(before, 0)!, parseProcStat(after, 2000)!, self, 1.5);
  assert.equal(w.seconds, 2);
  assert.equal(w.ownCores, 1); // 100 of 200 ticks on 2 CPUs
  assert.equal(w.otherCores, 1);
  assert.deepEqual(w.top, [{ pid: 200, command: "busy loop", cores: 1 }]);
  assert.equal(w.loadAverage, 1.5);
});

Deno.test("the load line says noisy and why, or quiet", () => {
  const window = { seconds: 1, loadAverage: 0.1, otherCores: 0, ownCores: 1, top: [] };
  const quiet = {
    cores: 2,
    threshold: QUIET_PER_CORE,
    before: window,
    during: [window],
    noisy: false,
    reasons: [],
  };
  assert.equal(loadLine(quiet), "quiet: at most 0.3 per core of load before and during");
  assert.equal(
    loadLine({ ...quiet, before: { ...window, probeMs: 7 } }),
    "quiet: at most 0.3 per core of load before and during, the speed probe steady",
  );
  const noisy = { ...quiet, noisy: true, reasons: ["load average 3.00 on 2 cores at the start"] };
  assert.equal(
    loadLine(noisy),
    "NOISY: load average 3.00 on 2 cores at the start (quiet is at most 0.3 per core)",
  );
});

Deno.test("busy means other processes above 0.3 of a core per core; the load average decides only without them", () => {
  const w = { seconds: 1, loadAverage: 3, otherCores: 0.6, ownCores: 1, top: [] };
  assert.deepEqual(busyReasons(w, 2, "at the start"), [], "the load average counts this work too");
  const top = [{ pid: 9, command: "yes", cores: 0.9 }];
  assert.deepEqual(busyReasons({ ...w, otherCores: 0.9, top }, 2, "then"), [
    "other processes used 0.90 cores then (yes[9] 0.90)",
  ]);
  const blind = { ...w, otherCores: null };
  assert.deepEqual(busyReasons({ ...blind, loadAverage: 0.6 }, 2, "at the start"), []);
  assert.deepEqual(busyReasons({ ...blind, loadAverage: 0.61 }, 2, "at the start"), [
    "load average 0.61 on 2 cores at the start",
  ]);
});

Deno.test("a speed probe that varied by more than 1.25× makes the run noisy, whatever the processes did", () => {
  const w = (probeMs?: number) => ({
    seconds: 1,
    loadAverage: 0,
    otherCores: 0,
    ownCores: 1,
    top: [],
    ...(probeMs !== undefined && { probeMs }),
  });
  assert.deepEqual(probeReasons([w(6.5), w(7.3), w(8.1)]), [], "1.25× is still steady");
  assert.deepEqual(probeReasons([w(6.5), w(13.0), w(7.0)]), [
    "the machine's speed varied: a fixed probe took 6.5–13.0 ms (2.00×; steady is at most " +
    `${PROBE_SPREAD}×), whatever the processes here used`,
  ]);
  assert.deepEqual(probeReasons([w(6.5)]), [], "one probe says nothing");
  assert.deepEqual(probeReasons([w(), w(), w(20)]), [], "results from before the probe");
});
