// The operating system's wall around the grader's children (src/grade/wall.ts), seen from inside
// and from the host: under bubblewrap nothing outside the binds exists for a child even with every
// Deno permission (a property test over paths sampled from the grader's tree and the host), the
// kernel's limits stop what Deno's do not see, and a grader stopped by a signal leaves neither a
// workspace nor a process. The tests that need bubblewrap are skipped, with the reason, without it.

import assert from "node:assert/strict";
import { join } from "node:path";
import { LIMITS } from "../src/grade/grader.ts";
import { childSpec, Sandbox } from "../src/grade/sandbox.ts";
import { Wall, type WallLimits, type WallSpec } from "../src/grade/wall.ts";
import { ROOT, runTask, taskArgv } from "./_helpers.ts";

const auto = await Wall.open("auto");
const noBwrap = auto.kind === "bubblewrap" ? "" : `needs bubblewrap: ${auto.note}`;
if (noBwrap !== "") console.log(`skipping the bubblewrap tests: ${noBwrap}`);

const SMALL: WallLimits = { memoryMb: 2048, cpuSeconds: 60, tasks: 256, fileBytes: 1 << 20 };

/** Runs `deno ...args` in `wall` with `spec`'s rest; returns its stdout, stderr and ending. */
async function inWall(wall: Wall, spec: Partial<WallSpec> & { args: string[] }) {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-walltest-" });
  try {
    const child = wall.spawn({
      cwd: dir,
      env: { NO_COLOR: "1", DENO_DIR: dir },
      readOnly: [],
      writable: [dir],
      limits: SMALL,
      stdin: "null",
      ...spec,
    });
    const [stdout, stderr] = await Promise.all([
      new Response(child.process.stdout).text(),
      new Response(child.process.stderr).text(),
    ]);
    return { stdout, stderr, ...await child.end() };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every file and folder under `dir`, but `.git`, `node_modules` and `runs`. */
async function tree(dir: string, out: string[] = []): Promise<string[]> {
  for await (const entry of Deno.readDir(dir)) {
    if ([".git", "node_modules", "runs"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory && !entry.isSymlink) await tree(path, out);
  }
  return out;
}

/** The entries of `dir` on the host (none if it cannot be listed). */
async function entries(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) out.push(join(dir, entry.name));
  } catch {
    // not there, or not ours to list
  }
  return out;
}

const PROBE = `
const paths = JSON.parse(Deno.readTextFileSync("paths.json"));
const seen = paths.filter((p) => { try { Deno.lstatSync(p); return true; } catch { return false; } });
const procs = [...Deno.readDirSync("/proc")].filter((e) => /^\\d+$/.test(e.name))
  .map((e) => Deno.readTextFileSync("/proc/" + e.name + "/cmdline").replaceAll("\\0", " "));
const net = Deno.networkInterfaces().map((i) => i.name);
let root = [];
try { root = [...Deno.readDirSync(Deno.args[1])].map((e) => e.name); } catch (err) { root = [err.name]; }
console.log(JSON.stringify({ seen, procs, net, root }));
`;

Deno.test({
  name:
    "under bubblewrap, with every Deno permission, a child sees none of the grader's tree, the host's files, other processes or the network",
  ignore: noBwrap !== "",
  fn: async () => {
    const sandbox = await Sandbox.open(undefined, await Wall.open("bubblewrap"));
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-walltest-" });
    try {
      const copy = join(dir, "submission");
      const denoDir = join(dir, "deno_dir");
      await Deno.mkdir(copy);
      await Deno.mkdir(denoDir);
      await Deno.writeTextFile(join(dir, "deno.json"), "{}");
      // The paths: the grader's whole tree (but node_modules, which holds the bound packages),
      // the host's secrets and folders, the other workspaces and temporary files.
      const paths = [
        ...await tree(ROOT),
        ...await entries("/etc"),
        ...await entries("/root"),
        ...await entries("/home"),
        ...await entries("/var/log"),
        // (but the folders the binds lie in: the test's, the workspace, and the grader's own tree's
        // where it lies in /tmp, as in a fresh clone there: node_modules/.deno is bound)
        ...(await entries("/tmp")).filter((p) =>
          !dir.startsWith(p) && !sandbox.dir.startsWith(p) && !ROOT.startsWith(`${p}/`)
        ),
        ...(await entries(sandbox.dir)).filter((p) => !p.endsWith("/child")),
        "/etc/shadow",
        "/etc/passwd",
        "/usr/bin/env",
        "/bin/sh",
        `${ROOT}golden`,
        `${ROOT}src/grade/staff_solution.ts`,
      ];
      assert.ok(paths.length > 300, `${paths.length} paths`);
      await Deno.writeTextFile(join(copy, "paths.json"), JSON.stringify(paths));
      await Deno.writeTextFile(join(copy, "probe.js"), PROBE);
      const spec = childSpec(
        {
          entry: sandbox.entry("primitives"),
          code: sandbox.code("primitives"),
          packages: sandbox.packageFolders,
          config: join(dir, "deno.json"),
          copy,
          denoDir,
        },
        { ...LIMITS, timeoutMs: 60_000 },
        0,
      );
      const args = ["run", "--allow-all", "--no-lock", "--no-config", "probe.js", "-", ROOT];
      const run = await inWall(sandbox.wall, { ...spec, args, stdin: "null" });
      assert.equal(run.status.code, 0, run.stderr);
      const found = JSON.parse(run.stdout);
      assert.deepEqual(found.seen, [], "host paths that exist in the wall");
      assert.ok(found.procs.length <= 3, found.procs.join("\n"));
      assert.ok(found.procs.every((cmd: string) => !/deno test|\btest\b/.test(cmd)), found.procs);
      assert.ok(found.net.every((name: string) => name === "lo"), `interfaces: ${found.net}`);
      assert.deepEqual(found.root, ["node_modules"], "the checkout holds only the bound packages");
    } finally {
      await sandbox.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("the kernel stops a child past its CPU time, whichever wall holds", async () => {
  for (const choice of ["auto", "permissions"] as const) {
    const wall = await Wall.open(choice);
    const started = performance.now();
    const run = await inWall(wall, {
      args: ["eval", "while (true) {}"],
      limits: { ...SMALL, cpuSeconds: 1 },
    });
    assert.equal(run.status.success, false, choice);
    assert.ok(performance.now() - started < 20_000, `${choice}: not stopped`);
  }
});

Deno.test({
  name: "where a cgroup can be made, the kernel stops a child's tree at its memory bound",
  ignore: auto.memory !== "cgroup",
  fn: async () => {
    const run = await inWall(auto, {
      // Tensors live outside V8's heap: typed arrays are what the kernel has to stop.
      args: ["eval", "const a = []; while (true) a.push(new Uint8Array(64 << 20).fill(1));"],
      limits: { ...SMALL, memoryMb: 400 },
    });
    assert.equal(run.oomKilled, true, run.stderr);
  },
});

Deno.test("--sandbox: the wall used is in results.json, one line says when it is not bubblewrap, a bad value is a usage error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rnnlab-walltest-" });
  try {
    const submission = join(dir, "rnn_scratch.ts");
    await Deno.copyFile(`${ROOT}fixtures/solutions/alternative.ts`, submission);
    const args = [submission, "--only", "getInputs", "--json"];
    const loose = await runTask("grade", [...args, "--sandbox", "permissions"]);
    assert.equal(loose.code, 0, loose.stderr);
    assert.equal(JSON.parse(loose.stdout).sandbox, "permissions");
    assert.deepEqual(
      loose.stderr.split("\n").filter((l) => /sandbox/.test(l)),
      [`note: sandbox: Deno's permissions only (--sandbox permissions); memory bound by ${
        auto.memory === "cgroup" ? "a cgroup" : "RLIMIT_AS (64 GiB)"
      }`],
    );
    const bad = await runTask("grade", [...args, "--sandbox", "chroot"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    if (noBwrap === "") {
      const walled = await runTask("grade", [...args, "--sandbox", "bubblewrap"]);
      assert.equal(walled.code, 0, walled.stderr);
      assert.equal(JSON.parse(walled.stdout).sandbox, "bubblewrap");
      assert.doesNotMatch(walled.stderr, /sandbox/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The processes whose command line holds `text`. */
async function processesNaming(text: string): Promise<string[]> {
  // Deno reads /proc only with --allow-all: a shell does it.
  const script = 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done';
  const out = await new Deno.Command("sh", { args: ["-c", script] }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((line) => line.includes(text));
}

/** The graders' cgroups on this machine (`cgroup.ts` names them `rnnlab-…`). */
async function cages(): Promise<string[]> {
  const find = ["/sys/fs/cgroup", "-maxdepth", "5", "-name", "rnnlab-*"];
  const out = await new Deno.Command("find", { args: find, stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
}

Deno.test("SIGTERM to a grader in the middle of a slow submission: its children die and its workspace goes", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "rnnlab-walltest-" });
  const work = join(tmp, "tmp");
  await Deno.mkdir(work);
  try {
    const submission = join(tmp, "slow.ts");
    await Deno.writeTextFile(
      submission,
      'export * from "./alternative.ts";\nexport function getInputs(): never {\n  while (true) {}\n}\n',
    );
    await Deno.copyFile(`${ROOT}fixtures/solutions/alternative.ts`, join(tmp, "alternative.ts"));
    const cagesBefore = await cages();
    const grader = new Deno.Command(Deno.execPath(), {
      args: taskArgv("grade", [submission, "--only", "getInputs"]),
      cwd: ROOT,
      env: { NO_COLOR: "1", TMPDIR: work },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Once the child spins (its command line names the workspace), stop the grader.
    let children: string[] = [];
    for (let i = 0; i < 1800 && children.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      children = (await processesNaming(work)).filter((c) => /grading-.*child_entry\.ts/.test(c));
    }
    assert.ok(children.length > 0, "no child started within three minutes");
    grader.kill("SIGTERM");
    const status = await grader.status;
    const stderr = await new Response(grader.stderr).text();
    assert.equal(status.code, 143, stderr);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await processesNaming(work), [], "processes outlived the grader");
    assert.deepEqual(await entries(work), [], "the grader's workspace is left");
    const left = (await cages()).filter((c) => !cagesBefore.includes(c));
    assert.deepEqual(left, [], "cgroups are left");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
