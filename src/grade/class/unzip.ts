/**
 * Unpacking a zip of submissions safely: nothing is written outside the target folder whatever an
 * entry's name says (`../x`, `/etc/x`, `C:\x`: "zip slip"), no link is ever made (a link stored in
 * the zip is left out, as its central directory marks it, `zip_links.ts`; one not marked there
 * would become a plain file holding its target's path, never followed), and the sizes are bounded
 * as the bytes come out, not as the zip claims them: an entry that inflates past its bound is cut
 * off and left out, and a zip whose entries or total pass theirs is refused (a zip bomb). An entry
 * that cannot be used (a name that climbs out, a link, a duplicate, a folder entry where a file
 * is, a corrupt or huge member) is left out and listed with the reason; it never stops the rest.
 * The zip is streamed from disk.
 *
 * @module
 */

import { Unzip, UnzipInflate } from "fflate";
import { join } from "node:path";
import { UsageError } from "../../errors.ts";
import type { LeftOut } from "../private_copy.ts";
import { linkEntries } from "./zip_links.ts";

/** How much a zip of submissions may unpack to. */
export interface UnzipLimits {
  /** The most entries (files and folders). */
  entries: number;
  /** The most bytes one file may inflate to: past it, the file is left out. */
  entryBytes: number;
  /** The most bytes all files together may inflate to: past it, the zip is refused. */
  totalBytes: number;
  /** The most path components of an entry's name. */
  depth: number;
}

/** The default bounds: far above a class's submissions, far below a disk. */
export const UNZIP_LIMITS: UnzipLimits = {
  entries: 20_000,
  entryBytes: 32 << 20,
  totalBytes: 1 << 30,
  depth: 16,
};

/** What was unpacked, and what was not. */
export interface Unzipped {
  /** Files written. */
  files: number;
  /** Their bytes. */
  bytes: number;
  /** Entries left out, by their name in the zip, and why. */
  leftOut: LeftOut[];
}

const CHUNK = 1 << 20;

/** The safe relative path of an entry's name, or why it has none. */
export function entryPath(name: string, depth: number): { path: string } | { why: string } {
  // A name is data (shown escaped wherever it is shown): only what no file name can hold is refused.
  if (name.includes("\0")) return { why: "its name holds a NUL character" };
  // fflate decodes a name that is not valid UTF-8 with U+FFFD: two such names could become one.
  if (name.includes("\ufffd")) return { why: "its name is not valid text (a bad encoding)" };
  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    return { why: "its name is an absolute path" };
  }
  const parts = slashed.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) return { why: "its name climbs out of the folder (..)" };
  if (parts.length === 0) return { why: "its name is empty" };
  if (parts.length > depth) return { why: `its name is more than ${depth} folders deep` };
  return { path: parts.join("/") };
}

/**
 * Unpacks the zip file `zip` into the folder `into` (created; it must not exist) within `limits`.
 * A file that is not a zip, or a zip past its bounds, is a {@linkcode UsageError}.
 */
export async function unzipSafely(
  zip: string,
  into: string,
  limits: UnzipLimits = UNZIP_LIMITS,
): Promise<Unzipped> {
  const links = await linkEntries(zip).catch(() => new Set<string>());
  await Deno.mkdir(into);
  const result: Unzipped = { files: 0, bytes: 0, leftOut: [] };
  const leave = (path: string, why: string) => result.leftOut.push({ path, why });
  let entries = 0;
  let refused = "";
  /** The entries being written, each by the function that drops it. */
  const unfinished = new Set<(why: string) => void>();
  const uz = new Unzip((entry) => {
    if (refused !== "") return;
    if (++entries > limits.entries) {
      refused = `it holds more than ${limits.entries} entries`;
      return;
    }
    if (links.has(entry.name)) return leave(entry.name, "a symbolic link");
    const safe = entryPath(entry.name, limits.depth);
    if ("why" in safe) return leave(entry.name, safe.why);
    const target = join(into, safe.path);
    if (entry.name.endsWith("/") || entry.name.endsWith("\\")) {
      try {
        return Deno.mkdirSync(target, { recursive: true });
      } catch (err) {
        return leave(entry.name, `it cannot be made (${(err as Error).message})`);
      }
    }
    let file: Deno.FsFile;
    try {
      Deno.mkdirSync(join(target, ".."), { recursive: true });
      file = Deno.openSync(target, { write: true, createNew: true, mode: 0o644 });
    } catch (err) {
      return leave(
        entry.name,
        err instanceof Deno.errors.AlreadyExists
          ? "an earlier entry has the same name"
          : `it cannot be written (${(err as Error).message})`,
      );
    }
    let bytes = 0;
    const drop = (why: string) => {
      if (!unfinished.delete(drop)) return; // dropped already (fflate may report an error twice)
      file.close();
      Deno.removeSync(target);
      result.bytes -= bytes;
      leave(entry.name, why);
    };
    unfinished.add(drop);
    entry.ondata = (err, chunk, final) => {
      if (!unfinished.has(drop)) return;
      if (err) return drop(`it cannot be inflated (${err.message})`);
      bytes += chunk.length;
      result.bytes += chunk.length;
      if (result.bytes > limits.totalBytes) {
        refused = `it inflates to more than ${limits.totalBytes} bytes`;
        entry.terminate();
        return drop("the zip passed its bound");
      }
      if (bytes > limits.entryBytes) {
        entry.terminate();
        return drop(`it inflates to more than ${limits.entryBytes} bytes`);
      }
      for (let n = 0; n < chunk.length;) n += file.writeSync(chunk.subarray(n));
      if (final) {
        unfinished.delete(drop);
        file.close();
        result.files++;
      }
    };
    try {
      entry.start();
    } catch (err) {
      drop(`it cannot be read (${(err as Error).message})`);
    }
  });
  uz.register(UnzipInflate);
  const source = await Deno.open(zip, { read: true });
  try {
    const magic = new Uint8Array(4);
    const head = await source.read(magic);
    if (head !== 4 || magic[0] !== 0x50 || magic[1] !== 0x4b || magic[2] > 8 || magic[3] > 8) {
      throw new Error("no zip signature at its start");
    }
    uz.push(magic);
    const buffer = new Uint8Array(CHUNK);
    for (let got = await source.read(buffer); refused === ""; got = await source.read(buffer)) {
      if (got === null) {
        uz.push(new Uint8Array(0), true);
        break;
      }
      uz.push(buffer.slice(0, got));
    }
  } catch (err) {
    throw new UsageError(`${zip} is not a readable zip archive (${(err as Error).message})`);
  } finally {
    source.close();
    for (const drop of [...unfinished]) drop("the zip ends inside it");
  }
  if (refused !== "") throw new UsageError(`${zip} is refused: ${refused}`);
  return result;
}
