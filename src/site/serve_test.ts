// deno task serve's handler: each file with its MIME type and the cross-origin isolation headers,
// and nothing outside the site's folder, whatever path is asked for.

import assert from "node:assert/strict";
import { join } from "node:path";
import { PyRandom } from "../random/py_random.ts";
import { SITE_HEADERS, siteHandler, sitePath } from "./serve.ts";

const SECRET = "the secret outside the site";

/** A site folder with a page, a script, a wasm file, a hidden file, and links out of it. */
async function siteFolder(): Promise<{ root: string; outside: string }> {
  const base = await Deno.makeTempDir({ prefix: "rnnlab-serve-" });
  const root = join(base, "site");
  await Deno.mkdir(join(root, "wasm"), { recursive: true });
  await Deno.writeTextFile(join(root, "index.html"), "<!doctype html><p>page</p>");
  await Deno.writeTextFile(join(root, "app.js"), "console.log(1)");
  await Deno.writeFile(join(root, "wasm", "x.wasm"), new Uint8Array([0, 97, 115, 109]));
  await Deno.writeTextFile(join(root, ".hidden"), SECRET);
  const outside = join(base, "secret.txt");
  await Deno.writeTextFile(outside, SECRET);
  await Deno.symlink(outside, join(root, "link.txt"));
  await Deno.symlink(base, join(root, "up"));
  return { root, outside: base };
}

Deno.test("serve: each file with its MIME type and the isolation headers; a folder is its index.html", async () => {
  const { root, outside } = await siteFolder();
  const handler = siteHandler(root);
  const get = (path: string, method = "GET") =>
    handler(new Request(`http://127.0.0.1${path}`, { method }));
  for (
    const [path, type, body] of [
      ["/", "text/html; charset=utf-8", "<!doctype html><p>page</p>"],
      ["/app.js", "text/javascript; charset=utf-8", "console.log(1)"],
      ["/wasm/x.wasm", "application/wasm", "\0asm"],
    ]
  ) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get("content-type"), type, path);
    for (const [name, value] of Object.entries(SITE_HEADERS)) {
      assert.equal(response.headers.get(name), value, `${path}: ${name}`);
    }
    assert.equal(await response.text(), body);
  }
  assert.equal((await get("/missing.js")).status, 404);
  const post = await get("/", "POST");
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
  const head = await get("/app.js", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
  await Deno.remove(outside, { recursive: true });
});

Deno.test("serve: no path reaches outside the folder, a hidden file or a link out (300 generated paths)", async () => {
  const { root, outside } = await siteFolder();
  const handler = siteHandler(root);
  const pieces = [
    "..",
    "%2e%2e",
    "%2E%2e",
    ".",
    "",
    "%2f",
    "..%2f",
    "%2f..",
    "%5c..",
    "..\\",
    ".hidden",
    "%2ehidden",
    "link.txt",
    "up",
    "secret.txt",
    "wasm",
    "index.html",
    "%00",
    "%",
    "/",
  ];
  const rng = new PyRandom(27);
  for (let i = 0; i < 300; i++) {
    const parts = Array.from(
      { length: 1 + rng.randbelow(5) },
      () => pieces[rng.randbelow(pieces.length)],
    );
    const path = "/" + parts.join("/");
    const file = await sitePath(root, path);
    const served = file === undefined ? undefined : await Deno.readTextFile(file);
    assert.ok(served !== SECRET, `case ${i} (seed 27): ${path} reached ${file}`);
    const response = await handler(new Request(`http://127.0.0.1${path.replaceAll("\\", "%5c")}`));
    const body = await response.text();
    assert.ok(!body.includes(SECRET), `case ${i} (seed 27): ${path} served the secret`);
  }
  await Deno.remove(outside, { recursive: true });
});
