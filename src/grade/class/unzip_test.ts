// Unpacking a class zip: every unusable entry (a name that climbs out or is absolute, a link, a
// duplicate, a folder entry where a file is, a name that is not valid UTF-8, a member that cannot
// be inflated) is left out with its reason, and the rest is unpacked; none stops the zip.

import assert from "node:assert/strict";
import { Zip, ZipPassThrough } from "fflate";
import { join } from "node:path";
import { unzipSafely } from "./unzip.ts";

const enc = new TextEncoder();

/** A zip of `entries` in order: [name, bytes or null for a folder, options]. */
function zipOf(entries: [string, Uint8Array | null, { link?: boolean; method?: number }?][]) {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    chunks.push(chunk);
  });
  for (const [name, data, opts] of entries) {
    const file = new ZipPassThrough(name);
    if (opts?.link) Object.assign(file, { os: 3, attrs: (0o120777 << 16) >>> 0 });
    if (opts?.method !== undefined) file.compression = opts.method;
    zip.add(file);
    file.push(data ?? new Uint8Array(0), true);
  }
  zip.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}

/** `bytes` with every occurrence of `from` (ASCII) replaced by `to`, byte for byte. */
function patched(bytes: Uint8Array, from: string, to: number[]): Uint8Array {
  const needle = enc.encode(from);
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (needle.every((b, k) => bytes[i + k] === b)) bytes.set(to, i);
  }
  return bytes;
}

Deno.test("unusable entries are left out with their reason; the rest is unpacked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const zip = zipOf([
      ["class/alice.ts", enc.encode("// alice\n")],
      ["class/alice.ts", enc.encode("// a duplicate\n")],
      ["../up.ts", enc.encode("x")],
      ["/abs.ts", enc.encode("x")],
      ["class/link.ts", enc.encode("/etc/passwd"), { link: true }],
      ["class/odd.ts", enc.encode("x"), { method: 99 }],
      ["class/f", enc.encode("x")],
      ["class/f/", null],
      ["class/QQ.ts", enc.encode("x")], // renamed below to bytes that are not UTF-8
      ["class/tab\there.ts", enc.encode("// tab\n")],
    ]);
    // The UTF-8 flag, so that fflate decodes the name as UTF-8, and an invalid byte in it.
    const bad = patched(zip, "QQ", [0xff, 0xfe]);
    for (let i = 0; i + 4 <= bad.length; i++) {
      if (bad[i] === 0x50 && bad[i + 1] === 0x4b && bad[i + 2] === 3 && bad[i + 3] === 4) {
        bad[i + 7] |= 0x08;
      }
    }
    await Deno.writeFile(join(dir, "class.zip"), bad);
    const result = await unzipSafely(join(dir, "class.zip"), join(dir, "out"));
    const why = Object.fromEntries(result.leftOut.map((l) => [l.path, l.why]));
    assert.equal(why["class/alice.ts"], "an earlier entry has the same name");
    assert.match(why["../up.ts"], /climbs out/);
    assert.match(why["/abs.ts"], /absolute/);
    assert.equal(why["class/link.ts"], "a symbolic link");
    assert.match(why["class/odd.ts"], /cannot be inflated/);
    assert.match(why["class/f/"], /cannot be made/);
    assert.match(why["class/\ufffd\ufffd.ts"], /not valid text/);
    assert.equal(result.leftOut.length, 7);
    const names = (await Array.fromAsync(Deno.readDir(join(dir, "out", "class")))).map((e) =>
      e.name
    );
    assert.deepEqual(names.sort(), ["alice.ts", "f", "tab\there.ts"]);
    assert.equal(await Deno.readTextFile(join(dir, "out", "class", "alice.ts")), "// alice\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
