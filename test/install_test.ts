// onnxruntime-node's postinstall (a NuGet download of the CUDA provider) is allowed in deno.json,
// and CI's install path keeps `deno install` working without network.

import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./_helpers.ts";

const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));

Deno.test("deno.json pins onnxruntime-node and allows exactly its postinstall", () => {
  assert.equal(config.imports["onnxruntime-node"], "npm:onnxruntime-node@1.29.0");
  assert.deepEqual(config.allowScripts, ["npm:onnxruntime-node@1.29.0"]);
});

Deno.test("CI's install is offline-safe: .ci/run skips the download, and a fresh install exits 0", async () => {
  const ci = await Deno.readTextFile(join(ROOT, ".ci/run"));
  const skip = ci.indexOf('export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"');
  assert.ok(skip >= 0 && skip < ci.indexOf("deno install --frozen"), ci);
  const tmp = await Deno.makeTempDir({ prefix: "rnnlab-install-" });
  for (const file of ["deno.json", "deno.lock"]) {
    await Deno.copyFile(join(ROOT, file), join(tmp, file));
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["install", "--frozen"],
    cwd: tmp,
    env: { ONNXRUNTIME_NODE_INSTALL: "skip", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const pkg = join(tmp, "node_modules/.deno/onnxruntime-node@1.29.0/node_modules/onnxruntime-node");
  assert.ok(Deno.statSync(join(pkg, "bin/napi-v6/linux/x64/libonnxruntime.so.1")).isFile);
  assert.ok(
    Deno.statSync(join(pkg, "../../.scripts-run")).isFile,
    "the postinstall ran (and skipped)",
  );
  await Deno.remove(tmp, { recursive: true });
});
