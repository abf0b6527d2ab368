// Installs stay offline-safe: Deno runs no install script unless allowed, and the one script the
// project allows (onnxruntime-node's NuGet download of the CUDA provider) runs only through
// `deno task setup:cuda:nuget`.

import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./_helpers.ts";

const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));

function deno(args: string[], cwd: string) {
  return new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("deno.json pins onnxruntime-node and allows its postinstall only in setup:cuda:nuget", () => {
  assert.equal(config.imports["onnxruntime-node"], "npm:onnxruntime-node@1.29.0");
  assert.equal(config.allowScripts, undefined);
  assert.equal(
    config.tasks["setup:cuda:nuget"],
    "deno install --allow-scripts=npm:onnxruntime-node@1.29.0",
  );
});

Deno.test("a fresh install exits 0 without network, and the allowed script really is run", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "rnnlab-install-" });
  for (const file of ["deno.json", "deno.lock"]) {
    await Deno.copyFile(join(ROOT, file), join(tmp, file));
  }
  const out = await deno(["install", "--frozen"], tmp);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const pkg = join(tmp, "node_modules/.deno/onnxruntime-node@1.29.0/node_modules/onnxruntime-node");
  assert.ok(Deno.statSync(join(pkg, "bin/napi-v6/linux/x64/libonnxruntime.so.1")).isFile);
  // The task's install does run the script: offline it fails on the download (online it installs).
  const nuget = await deno(["task", "--quiet", "setup:cuda:nuget"], tmp);
  const stderr = new TextDecoder().decode(nuget.stderr);
  if (nuget.code !== 0) {
    assert.match(stderr, /failed to run scripts for packages: onnxruntime-node/);
  }
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("the Jupyter kernel's install command the docs give works, also where a kernel is installed", async () => {
  const pages = ["README.md", "docs/autograder.md"];
  const commands = new Set(
    pages.flatMap((page) =>
      [...Deno.readTextFileSync(join(ROOT, page)).matchAll(/`(deno jupyter --install[^`]*)`/g)]
        .map((m) => m[1])
    ),
  );
  assert.ok(commands.size > 0, "the docs say how to install the kernel");
  for (const command of commands) {
    const home = await Deno.makeTempDir({ prefix: "rnnlab-jupyter-" });
    for (const time of ["first", "second"]) { // the second: a kernel is there already
      const out = await new Deno.Command(Deno.execPath(), {
        args: command.split(" ").slice(1),
        env: { HOME: home, JUPYTER_DATA_DIR: join(home, "jupyter"), NO_COLOR: "1" },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(
        out.code,
        0,
        `${command}, ${time} time: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    await Deno.remove(home, { recursive: true });
  }
});
