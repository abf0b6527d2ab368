/**
 * A cage of Linux control groups around one walled process tree: a memory limit the kernel
 * enforces on every process in it (tensors included, which V8's heap limit does not see), a bound
 * on its number of tasks (`pids.max`: `RLIMIT_NPROC` does not hold root), a way to kill every
 * member, and whether the kernel's OOM killer struck.
 *
 * Made synchronously (a few writes to cgroupfs), so that a check starts at once even when the
 * grader's next step is long synchronous work. Each cage is a new child of the grader's own cgroup (read from `/proc/self/cgroup`), so it adds
 * limits below the ones the grader already runs under and changes nothing above it; it is removed
 * once its members are gone. cgroup v1 (separate `memory` and `pids` hierarchies) and v2 (one
 * unified hierarchy, where the parent must delegate the controllers) are both handled. Where the
 * grader cannot create one (no cgroupfs, read-only, a v2 parent that holds processes), `openCage`
 * returns `null` and the caller falls back on `RLIMIT_AS`.
 *
 * @module
 */

import { join } from "node:path";

/** Which cgroup files a cage writes and reads, by version. */
interface Layout {
  /** The folders of the grader's own cgroups, memory's first (one folder on v2). */
  parents: string[];
  /** cgroup v2 (one folder, `memory.max`) or v1 (`memory.limit_in_bytes`). */
  v2: boolean;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

/**
 * Runs `script` in `/bin/sh` with `args` as `$1`…, synchronously; returns its stdout, or `null`
 * when it fails. Deno reads and writes `/proc` and `/sys` only with `--allow-all`, which the
 * grader does not have: the cgroup files are read and written by a shell, a child of the grader,
 * which sits in the grader's cgroups.
 */
function sh(script: string, ...args: string[]): string | null {
  try {
    const out = new Deno.Command("/bin/sh", {
      args: ["-c", script, "sh", ...args],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

/** The grader's own cgroups, by controller, as `/proc/self/cgroup` lists them. */
function ownLayout(): Layout | null {
  const table = sh("cat /proc/self/cgroup");
  if (!table) return null;
  const paths = new Map<string, string>();
  for (const line of table.trim().split("\n")) {
    const [, controllers, path] = line.split(":");
    for (const c of controllers.split(",")) paths.set(c, path);
  }
  const memory = paths.get("memory");
  const pids = paths.get("pids");
  if (memory !== undefined && pids !== undefined) {
    return {
      parents: [join(CGROUP_ROOT, "memory", memory), join(CGROUP_ROOT, "pids", pids)],
      v2: false,
    };
  }
  const unified = paths.get("");
  const isV2 = sh('test -f "$1"', join(CGROUP_ROOT, "cgroup.controllers")) !== null;
  return unified !== undefined && isV2 ? { parents: [join(CGROUP_ROOT, unified)], v2: true } : null;
}

/** The grader's own cgroups, read once (they do not change while it runs). */
let layoutHere: Layout | null | undefined;

/** Limits of a cage. */
export interface CageLimits {
  /** Memory of all its processes together (resident and swap), in MiB. */
  memoryMb: number;
  /** Its most tasks (processes and threads). */
  tasks: number;
}

/** One cage: the `cgroup.procs` files a new process joins, its limits, its kill and removal. */
export class Cage {
  #dirs: string[];
  #v2: boolean;

  /** Use {@linkcode openCage}. */
  constructor(dirs: string[], v2: boolean) {
    this.#dirs = dirs;
    this.#v2 = v2;
  }

  /** The files a process writes its pid into to join the cage (every controller's). */
  get procsFiles(): string[] {
    return this.#dirs.map((d) => join(d, "cgroup.procs"));
  }

  /** The pids in the cage now. */
  members(): number[] {
    const listed = sh('cat "$@"', ...this.procsFiles) ?? "";
    return [...new Set(listed.split("\n").filter((p) => p !== "").map(Number))];
  }

  /** Whether the kernel killed a member for passing the memory limit. */
  oomKilled(): boolean {
    const file = join(this.#dirs[0], this.#v2 ? "memory.events" : "memory.oom_control");
    const m = (sh('cat "$1"', file) ?? "").match(/^oom_kill (\d+)$/m);
    return m !== null && +m[1] > 0;
  }

  /** Kills every member with SIGKILL (a fork racing the kill is caught by the next call). */
  kill(): void {
    // cgroup.kill: v2 on Linux 5.14 or later; else one by one.
    if (this.#v2 && sh('echo 1 > "$1"', join(this.#dirs[0], "cgroup.kill")) !== null) return;
    for (const pid of this.members()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }

  /**
   * Kills what is left and removes the cage, waiting (a second at most) in a shell for its
   * members to go: for a grader that is about to exit and cannot wait asynchronously.
   */
  removeSync(): void {
    this.kill();
    sh('for i in $(seq 50); do rmdir "$@" 2>/dev/null && exit 0; sleep 0.02; done', ...this.#dirs);
  }

  /** Kills what is left, waits (a second at most) until the cage is empty, and removes it. */
  async remove(): Promise<void> {
    for (let i = 0; i < 50 && this.members().length > 0; i++) {
      this.kill();
      await new Promise((r) => setTimeout(r, 20));
    }
    sh('rmdir "$@"', ...this.#dirs);
  }
}

/** The v1 (`v2: false`) or v2 files that set a cage's limits, in the order they must be written. */
function limitFiles(limits: CageLimits, v2: boolean): [number, string, string][] {
  const bytes = `${limits.memoryMb * 2 ** 20}`;
  return v2
    ? [[0, "memory.max", bytes], [0, "memory.swap.max", "0"], [0, "pids.max", `${limits.tasks}`]]
    : [
      [0, "memory.limit_in_bytes", bytes],
      [0, "memory.memsw.limit_in_bytes", bytes], // swap files: skipped where there is no swap
      [1, "pids.max", `${limits.tasks}`],
    ];
}

/**
 * A new cage under the grader's own cgroups with `limits`, or `null` where none can be made here
 * (no cgroupfs, not writable, controllers not delegated).
 */
export function openCage(limits: CageLimits): Cage | null {
  if (layoutHere === undefined) layoutHere = ownLayout();
  const layout = layoutHere;
  if (layout === null) return null;
  const name = `rnnlab-${crypto.randomUUID()}`;
  const dirs = layout.parents.map((p) => join(p, name));
  // One shell: make the folders, write each limit (a swap file only where it exists), and undo
  // it all at the first failure.
  const writes = limitFiles(limits, layout.v2).map(([i, file, value]) => {
    const path = join(dirs[i], file);
    const write = `echo ${value} > '${path}'`;
    return /memsw|swap/.test(file) ? `{ ! test -e '${path}' || ${write}; }` : write;
  });
  const delegate = layout.v2
    ? [`echo '+memory +pids' > '${join(layout.parents[0], "cgroup.subtree_control")}'`]
    : [];
  const made = sh(
    `{ ${
      [...delegate, 'mkdir "$@"', ...writes].join(" && ")
    }; } || { rmdir "$@" 2>/dev/null; exit 1; }`,
    ...dirs,
  );
  return made === null ? null : new Cage(dirs, layout.v2);
}
