/**
 * The operating system's wall around every process the grader runs for a submission (the child of
 * each exercise, the import check, the type check). Deno's permissions (`sandbox.ts`) stay the
 * inner wall; this one holds whatever they miss:
 *
 * - **bubblewrap** (`bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL`): new
 *   user, mount, pid, network, IPC and UTS namespaces. No network at all; a private `/tmp`, `/proc`
 *   and `/dev`; and a root that holds nothing but read-only binds of the `deno` binary and the
 *   libraries `ldd` names, the folders the caller names, and the caller's writable ones. The
 *   grader's checkout, `golden/`, other processes and the rest of the disk do not exist in it.
 * - **its own session and process group** (`setsid`), killed whole; without bubblewrap,
 *   `setpriv --pdeathsig KILL` makes it die with the grader.
 * - **kernel limits**: a cgroup (`cgroup.ts`) bounds the memory of the whole tree and its tasks
 *   where the grader may make one; else `RLIMIT_AS` (generous: V8 reserves tens of GiB of
 *   address space it never touches, so it bounds little). Always `RLIMIT_CPU` and `RLIMIT_FSIZE`.
 *   Not `RLIMIT_NPROC`: the kernel exempts root from it, and for anyone else it counts every task
 *   of the user on the host (a user namespace's own count is checked against its creator's limit
 *   too), so a grader on a busy desktop could not start a child; the cgroup's `pids.max` bounds
 *   the tasks of the tree instead.
 *
 * Which wall holds is decided once per process ({@linkcode openWall}): `bwrap --unshare-all` is
 * tried, and where namespaces are forbidden (a Gradescope container, say) the grader says so on
 * one line and runs with Deno's permissions and the rest.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { type Cage, openCage } from "./cgroup.ts";

/** The walls a grader can run its children in. */
export const WALL_KINDS = ["bubblewrap", "permissions"] as const;
/** `bubblewrap` (namespaces and Deno's permissions) or `permissions` (Deno's permissions only). */
export type WallKind = typeof WALL_KINDS[number];
/** What `--sandbox` accepts: a wall, or `auto` (bubblewrap where it runs). */
export const WALL_CHOICES = ["auto", ...WALL_KINDS] as const;
/** A value of `--sandbox`. */
export type WallChoice = typeof WALL_CHOICES[number];

/** The kernel's bounds on one walled process tree. */
export interface WallLimits {
  /** Memory of the whole tree (cgroup), or the address space of each process (fallback), MiB. */
  memoryMb: number;
  /** CPU time of each process, in seconds (`RLIMIT_CPU`). */
  cpuSeconds: number;
  /** Tasks (processes and threads) of the tree (the cgroup's `pids.max`, where there is one). */
  tasks: number;
  /** The largest file it may write, in bytes (`RLIMIT_FSIZE`). */
  fileBytes: number;
}

/** One walled `deno` run. */
export interface WallSpec {
  /** `deno`'s arguments. */
  args: string[];
  /** Its working directory (bound). */
  cwd: string;
  /** Its whole environment. */
  env: Record<string, string>;
  /** Host paths bound read-only, at the same place. */
  readOnly: string[];
  /** Host paths bound writable, at the same place (inside a read-only one is fine). */
  writable: string[];
  /** Its limits. */
  limits: WallLimits;
  /** Whether its stdin is a pipe (else `/dev/null`). */
  stdin: "piped" | "null";
}

/**
 * The address space a `deno` process gets where no cgroup bounds its memory: V8 reserves about
 * 33 GiB at start (its pointer cage and code ranges), so less does not start.
 */
const ADDRESS_SPACE_GB = 64;

/** The processes running now, killed when the grader is stopped. */
const LIVE = new Set<WalledProcess>();

/** Kills every walled process still running and removes its cgroup (for a grader about to exit). */
export function killAllWalled(): void {
  for (const p of LIVE) p.abandon();
}

/** A walled process: its `Deno.ChildProcess`, killed and waited for as a whole. */
export class WalledProcess {
  /** The process (its stdin, stdout and stderr are the walled program's). */
  readonly process: Deno.ChildProcess;
  #cage: Cage | null;
  #group: boolean;

  /** Use {@linkcode Wall.spawn}. */
  constructor(process: Deno.ChildProcess, cage: Cage | null, group: boolean) {
    this.process = process;
    this.#cage = cage;
    this.#group = group;
    LIVE.add(this);
  }

  /** Kills the whole tree now: its process group, and every member of its cgroup. */
  kill(): void {
    try {
      if (this.#group) Deno.kill(-this.process.pid, "SIGKILL");
      else this.process.kill("SIGKILL");
    } catch {
      // gone already
    }
    this.#cage?.kill();
  }

  /** Kills the tree and removes its cgroup, synchronously: the grader is exiting. */
  abandon(): void {
    this.kill();
    this.#cage?.removeSync();
    LIVE.delete(this);
  }

  /**
   * Kills the tree and waits until it is gone; the limits hold until then. Returns the leader's
   * exit status and whether the kernel killed it for its memory.
   */
  async end(): Promise<{ status: Deno.CommandStatus; oomKilled: boolean }> {
    this.kill();
    const status = await this.process.status;
    this.kill(); // what the leader left behind
    const oomKilled = this.#cage?.oomKilled() ?? false;
    await this.#cage?.remove();
    LIVE.delete(this);
    return { status, oomKilled };
  }
}

/** The absolute path of a program on the usual `PATH`, or `null`. */
function program(name: string): string | null {
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"]) {
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not there
    }
  }
  return null;
}

/** `[real path, path]` of each shared library `ldd` says `binary` loads. */
function libraries(ldd: string | null, binary: string): [string, string][] {
  if (ldd === null) return [];
  const out = new Deno.Command(ldd, { args: [binary], stdout: "piped", stderr: "null" })
    .outputSync();
  const paths = new TextDecoder().decode(out.stdout).match(/\/\S+/g) ?? [];
  return paths.map((p) => [Deno.realPathSync(p), p]);
}

/** Whether bubblewrap can make namespaces here: tried once per process. */
let bwrapWorks: boolean | null = null;

function tryBwrap(bwrap: string | null): boolean {
  if (bwrap === null) return false;
  bwrapWorks ??= new Deno.Command(bwrap, {
    args: ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
    stdout: "null",
    stderr: "null",
  }).outputSync().success;
  return bwrapWorks;
}

/** The programs a wall runs its processes through (`null`: not installed, done without). */
interface Tools {
  bwrap: string;
  setsid: string | null;
  prlimit: string | null;
  setpriv: string | null;
}

/** The wall of a grader: which one holds, and how each process is started inside it. */
export class Wall {
  /** The wall that holds: `bubblewrap`, or Deno's `permissions` alone. */
  readonly kind: WallKind;
  /** What bounds memory: a cgroup, or `RLIMIT_AS` where none can be made. */
  readonly memory: "cgroup" | "address space";
  /** One line saying which wall holds and what bounds memory. */
  readonly note: string;
  #tools: Tools;
  #libraries: [string, string][];

  private constructor(kind: WallKind, memory: Wall["memory"], tools: Tools, why: string) {
    this.kind = kind;
    this.memory = memory;
    this.#tools = tools;
    this.#libraries = kind === "bubblewrap"
      ? libraries(program("ldd"), Deno.realPathSync(Deno.execPath()))
      : [];
    const bound = memory === "cgroup" ? "a cgroup" : `RLIMIT_AS (${ADDRESS_SPACE_GB} GiB)`;
    this.note = kind === "bubblewrap"
      ? `sandbox: bubblewrap (namespaces), Deno's permissions inside; memory bound by ${bound}`
      : `sandbox: Deno's permissions only (${why}); memory bound by ${bound}`;
  }

  /**
   * The wall `choice` asks for: `auto` is bubblewrap where `bwrap --unshare-all` runs, else
   * Deno's permissions; `bubblewrap` throws (one line) where it does not run.
   */
  static async open(choice: WallChoice = "auto"): Promise<Wall> {
    const bwrap = program("bwrap");
    const tools = {
      bwrap: bwrap ?? "",
      setsid: program("setsid"),
      prlimit: program("prlimit"),
      setpriv: program("setpriv"),
    };
    const works = choice !== "permissions" && tryBwrap(bwrap);
    const why = choice === "permissions"
      ? "--sandbox permissions"
      : bwrap === null
      ? "bwrap is not installed"
      : "bwrap cannot make namespaces here";
    if (choice === "bubblewrap" && !works) {
      throw new UsageError(`--sandbox bubblewrap: ${why}`);
    }
    const cage = openCage({ memoryMb: 64, tasks: 64 });
    await cage?.remove();
    return new Wall(
      works ? "bubblewrap" : "permissions",
      cage ? "cgroup" : "address space",
      tools,
      why,
    );
  }

  /** Starts `deno ...spec.args` inside the wall, in its own session and cage (synchronously). */
  spawn(spec: WallSpec): WalledProcess {
    const cage = this.memory === "cgroup"
      ? openCage({ memoryMb: spec.limits.memoryMb, tasks: spec.limits.tasks })
      : null;
    const { setsid } = this.#tools;
    const argv = [
      ...joinCage(cage),
      ...(setsid === null ? [] : [setsid]),
      ...this.#rlimits(spec.limits, cage === null),
      ...(this.kind === "bubblewrap" ? this.#bwrap(spec) : this.#dieWithParent()),
      Deno.execPath(),
      ...spec.args,
    ];
    try {
      const process = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: spec.cwd,
        clearEnv: true,
        env: spec.env,
        stdin: spec.stdin,
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      return new WalledProcess(process, cage, setsid !== null);
    } catch (err) {
      cage?.kill();
      cage?.remove();
      throw err;
    }
  }

  #rlimits(limits: WallLimits, addressSpace: boolean): string[] {
    const { prlimit } = this.#tools;
    if (prlimit === null) return [];
    return [
      prlimit,
      `--cpu=${limits.cpuSeconds}`,
      `--fsize=${limits.fileBytes}`,
      ...(addressSpace ? [`--as=${ADDRESS_SPACE_GB * 2 ** 30}`] : []),
      "--",
    ];
  }

  #dieWithParent(): string[] {
    const { setpriv } = this.#tools;
    return setpriv === null ? [] : [setpriv, "--pdeathsig", "KILL", "--"];
  }

  #bwrap(spec: WallSpec): string[] {
    const deno = Deno.realPathSync(Deno.execPath());
    const args = [
      this.#tools.bwrap,
      "--unshare-all",
      "--die-with-parent",
      "--new-session",
      "--cap-drop",
      "ALL",
      "--ro-bind",
      deno,
      Deno.execPath(),
    ];
    for (const [real, path] of this.#libraries) args.push("--ro-bind", real, path);
    args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
    const binds = [
      ...spec.readOnly.map((p) => ["--ro-bind", p]),
      ...spec.writable.map((p) => ["--bind", p]),
    ].sort((a, b) => a[1].length - b[1].length); // a folder before what is bound inside it
    for (const [flag, path] of binds) args.push(flag, path, path);
    args.push("--chdir", spec.cwd, "--");
    return args;
  }
}

/** `sh -c` that writes its pid into the cage's `cgroup.procs` files, then execs the rest. */
function joinCage(cage: Cage | null): string[] {
  if (cage === null) return [];
  const files = cage.procsFiles;
  return [
    "/bin/sh",
    "-c",
    `for f in ${files.map((_, i) => `"$${i + 1}"`).join(" ")}; do echo $$ > "$f" || exit 126; ` +
    `done; shift ${files.length}; exec "$@"`,
    "sh",
    ...files,
  ];
}
