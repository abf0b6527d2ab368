/**
 * One process per run folder: `run.lock`, a file that holds the owner's process id, with an
 * exclusive advisory lock on it (`flock`) for as long as the owner runs.
 *
 * The operating system drops the lock when its process ends, however it ends, so a lock file
 * whose lock nobody holds is stale (its process was killed) and is simply taken over. The file is
 * removed when its owner releases it; a process that locked a file just removed by its owner sees
 * that the path no longer names the file it locked, and tries again.
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { fsReason } from "../io/fs.ts";
import { RUN_FILES } from "./record.ts";

/** The lock file's name inside a run folder (and any other folder locked so). */
export const LOCK_FILE = RUN_FILES.lock;

/** What the lock file says about its owner. */
export interface LockOwner {
  /** The owner's process id. */
  pid: number;
  /** When it took the lock (ISO). */
  since: string;
}

/** A held lock on a run folder. */
export interface RunLock {
  /** The owner a stale lock file named, when this lock took it over. */
  tookOverFrom?: LockOwner;
  /** Releases the lock and removes the lock file. */
  release(): void;
}

function readOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text);
    return Number.isInteger(owner?.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Locks the run folder `dir` (or another folder one process at a time works in: `what` names it
 * in messages), which must exist. Throws a one-line {@linkcode UsageError} when another process
 * holds it (naming its process id) or the lock file cannot be written.
 */
export async function lockRunDir(dir: string, what = "run folder"): Promise<RunLock> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true, create: true });
    } catch (err) {
      throw new UsageError(`${what} ${dir} cannot be written: ${fsReason(err)}`);
    }
    const before = new TextDecoder().decode(
      await Deno.readFile(path).catch(() => new Uint8Array()),
    );
    if (!(await file.tryLock(true))) {
      file.close();
      const owner = readOwner(before);
      throw new UsageError(
        `${what} ${dir} is in use by ${owner ? `process ${owner.pid}` : "another process"}` +
          `${owner ? ` (since ${owner.since})` : ""}; two ${
            what.replace(/ folder$/, "")
          }s never share a folder`,
      );
    }
    // Ours, unless the owner removed the file between our open and our lock: then start again.
    const [held, named] = [await file.stat(), await Deno.stat(path).catch(() => null)];
    if (named === null || held.ino !== named.ino) {
      file.close();
      continue;
    }
    const owner: LockOwner = { pid: Deno.pid, since: new Date().toISOString() };
    await file.truncate(0);
    await file.write(new TextEncoder().encode(JSON.stringify(owner) + "\n"));
    const stale = readOwner(before);
    let released = false;
    return {
      ...(stale && { tookOverFrom: stale }),
      release() {
        if (released) return;
        released = true;
        try {
          Deno.removeSync(path); // while still locked: a newcomer sees no file, or a new one
        } catch {
          // the folder went away meanwhile: nothing to remove
        }
        file.close();
      },
    };
  }
  throw new UsageError(`${what} ${dir}: could not take ${LOCK_FILE} (it keeps changing)`);
}
