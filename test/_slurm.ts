// A real single-node Slurm cluster for a test, started and stopped by the test: munged with a
// fresh key on its own socket, slurmctld and slurmd in the foreground on free ports, a generated
// slurm.conf, every file in one temporary folder. Several of these can run on one machine at once
// (their own ports, socket, names and state). Needs root and the packages slurm-wlm and munge
// (`.ci/run` installs them); where Slurm cannot start, says why instead.

import { join } from "node:path";

const DAEMONS = ["munged", "slurmctld", "slurmd", "sbatch", "sinfo"] as const;

/** Why Slurm cannot be started here, or `undefined` when it can be tried. */
export async function whyNoSlurm(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "Slurm runs on Linux only";
  const id = await new Deno.Command("id", { args: ["-u"], stdout: "piped" }).output();
  if (new TextDecoder().decode(id.stdout).trim() !== "0") {
    return "the daemons run as root, and this is not root";
  }
  const missing = DAEMONS.filter((name) =>
    !["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].some((dir) => {
      try {
        return Deno.statSync(join(dir, name)).isFile;
      } catch {
        return false;
      }
    })
  );
  if (missing.length > 0) {
    return `${missing.join(", ")} missing (apt-get install slurm-wlm munge)`;
  }
  return undefined;
}

/**
 * A TCP port that nothing on the machine uses (per /proc/net/tcp and tcp6), picked at random in
 * 20000–59999: the tests run without network permission, so they cannot ask for port 0.
 */
function freePort(taken: Set<number>): number {
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = (() => {
      try {
        return Deno.readTextFileSync(table);
      } catch {
        return "";
      }
    })();
    for (const line of text.split("\n").slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local) taken.add(parseInt(local.split(":")[1], 16));
    }
  }
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

/** The machine's short host name, as slurmctld and slurmd compare it. */
async function shortHostname(): Promise<string> {
  const out = await new Deno.Command("hostname", { args: ["-s"], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** A started cluster: its environment (`SLURM_CONF`) and how to stop it. */
export class LocalSlurm {
  readonly dir: string;
  readonly env: Record<string, string>;
  #children: Deno.ChildProcess[];

  private constructor(dir: string, children: Deno.ChildProcess[]) {
    this.dir = dir;
    this.env = { SLURM_CONF: join(dir, "slurm.conf") };
    this.#children = children;
  }

  /** Starts the daemons and waits for the node to be idle; or returns why it could not. */
  static async start(): Promise<LocalSlurm | string> {
    const dir = await Deno.makeTempDir({ prefix: "rnnlab-slurm-" });
    const name = `rnnlab${crypto.randomUUID().slice(0, 8)}`;
    try {
      await Deno.chmod(dir, 0o711); // munged needs its socket's folder searchable by all
      const key = crypto.getRandomValues(new Uint8Array(1024));
      await Deno.writeFile(join(dir, "munge.key"), key, { mode: 0o400 });
      for (const sub of ["state", "spool"]) await Deno.mkdir(join(dir, sub));
      const conf = slurmConf(dir, name, await shortHostname());
      await Deno.writeTextFile(join(dir, "slurm.conf"), conf);
    } catch (err) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      return `its files could not be made: ${(err as Error).message}`;
    }
    const spawn = (cmd: string, args: string[]) =>
      new Deno.Command(cmd, { args, stdout: "null", stderr: "null", stdin: "null" }).spawn();
    const children = [
      spawn("munged", [
        "-F",
        `--socket=${join(dir, "munge.sock")}`,
        `--key-file=${join(dir, "munge.key")}`,
        `--pid-file=${join(dir, "munged.pid")}`,
        `--log-file=${join(dir, "munged.log")}`,
        `--seed-file=${join(dir, "munged.seed")}`,
      ]),
    ];
    const cluster = new LocalSlurm(dir, children);
    if (
      !(await cluster.#waitFor(() =>
        Deno.stat(join(dir, "munge.sock")).then(() => true, () => false)
      ))
    ) {
      return await cluster.#fail("munged did not start", "munged.log");
    }
    const conf = join(dir, "slurm.conf");
    children.push(
      spawn("slurmctld", ["-D", "-f", conf]),
      spawn("slurmd", ["-D", "-f", conf, "-N", name]),
    );
    const idle = () =>
      cluster.run("sinfo", ["-h", "-o", "%T"]).then((r) => r.stdout.trim() === "idle");
    if (!(await cluster.#waitFor(idle))) {
      return await cluster.#fail("the node did not become idle", "slurmctld.log", "slurmd.log");
    }
    return cluster;
  }

  /** Polls `ready` for up to 60 s. */
  async #waitFor(ready: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 120; i++) {
      if (await ready()) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  }

  /** Stops what started and returns why it failed, with the last lines of its logs. */
  async #fail(why: string, ...logs: string[]): Promise<string> {
    const tails = await Promise.all(logs.map(async (log) => {
      const text = await Deno.readTextFile(join(this.dir, log)).catch(() => "(no log)");
      return `${log}: ${text.trim().split("\n").slice(-3).join(" / ")}`;
    }));
    await this.stop();
    return `${why}; ${tails.join("; ")}`;
  }

  /** Runs a Slurm command (`sbatch`, `sinfo`…) against this cluster. */
  async run(
    cmd: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = await new Deno.Command(cmd, {
      args,
      env: { ...env, ...this.env },
      stdout: "piped",
      stderr: "piped",
    })
      .output().catch((err) => ({
        code: 127,
        stdout: new Uint8Array(),
        stderr: new TextEncoder().encode(`${err}`),
      }));
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  }

  /** Stops the daemons (slurmd, slurmctld, munged) and removes the folder. */
  async stop(): Promise<void> {
    for (const child of [...this.#children].reverse()) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
    }
    this.#children = [];
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** slurm.conf of a one-node cluster in `dir`: its own ports, socket, state and names. */
function slurmConf(dir: string, name: string, host: string): string {
  const taken = new Set<number>();
  return `ClusterName=${name}
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${freePort(taken)}
SlurmdPort=${freePort(taken)}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=${join(dir, "munge.sock")}
CredType=cred/munge
StateSaveLocation=${join(dir, "state")}
SlurmdSpoolDir=${join(dir, "spool")}
SlurmctldPidFile=${join(dir, "slurmctld.pid")}
SlurmdPidFile=${join(dir, "slurmd.pid")}
SlurmctldLogFile=${join(dir, "slurmctld.log")}
SlurmdLogFile=${join(dir, "slurmd.log")}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
InactiveLimit=0
MinJobAge=300
NodeName=${name} NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=${name} Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
}
