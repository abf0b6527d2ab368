import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CUDA_PROVIDER_FILES,
  hasCudaProvider,
  installCudaProviders,
  ortNativeDir,
} from "../src/infer/cuda_setup.ts";
import { sha256Hex } from "../src/io/sha256.ts";
import { runTask } from "./_helpers.ts";
import { EXIT } from "../src/errors.ts";

const NAMES = Object.keys(CUDA_PROVIDER_FILES);

/** A stand-in for onnxruntime-node's native folder, and a source folder with fake provider files. */
async function fixture(layout = ".") {
  const tmp = await Deno.makeTempDir({ prefix: "rnnlab-cuda-" });
  const to = join(tmp, "native");
  await Deno.mkdir(to);
  await Deno.writeTextFile(join(to, "libonnxruntime.so.1"), "stand-in");
  const from = join(tmp, "from");
  await Deno.mkdir(join(from, layout), { recursive: true });
  const expected: Record<string, string> = {};
  for (const name of NAMES) {
    const bytes = new TextEncoder().encode(`fake ${name}`);
    await Deno.writeFile(join(from, layout, name), bytes);
    expected[name] = await sha256Hex(bytes);
  }
  return { tmp, to, from, expected };
}

Deno.test("setup:cuda copies both provider files beside libonnxruntime.so.1 after checking them", async () => {
  for (const layout of [".", "lib", "package/Plugins/Linux/x64"]) {
    const f = await fixture(layout);
    const installed = await installCudaProviders(f.from, f.to, f.expected);
    assert.deepEqual(installed.map((i) => i.file), NAMES);
    for (const name of NAMES) {
      assert.deepEqual(
        await Deno.readFile(join(f.to, name)),
        await Deno.readFile(join(f.from, layout, name)),
      );
    }
    assert.equal(hasCudaProvider(f.to), true);
    assert.deepEqual(
      [...Deno.readDirSync(f.to)].map((e) => e.name).sort(),
      ["libonnxruntime.so.1", ...NAMES].sort(),
    );
    await Deno.remove(f.tmp, { recursive: true });
  }
});

Deno.test("setup:cuda: a wrong file, a missing file or a wrong target is one line, exit 2, nothing written", async () => {
  const f = await fixture(); // fake files: their digests are not onnxruntime 1.29.0's
  const oneLine = (r: { code: number; stderr: string }) => {
    assert.equal(r.code, EXIT.usage, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    return r.stderr;
  };
  assert.match(
    oneLine(await runTask("setup:cuda", ["--from", f.from, "--to", f.to])),
    /libonnxruntime_providers_cuda\.so: sha256 [0-9a-f]{64} is not onnxruntime 1\.29\.0's \(56cf3254/,
  );
  assert.equal(hasCudaProvider(f.to), false);
  await Deno.remove(join(f.from, NAMES[1]));
  await assert.rejects(
    installCudaProviders(f.from, f.to, f.expected),
    /has no libonnxruntime_providers_shared\.so/,
  );
  assert.match(oneLine(await runTask("setup:cuda", [])), /--from PATH is required/);
  assert.match(
    oneLine(await runTask("setup:cuda", ["--from", f.from, "--to", f.from])),
    /is not onnxruntime-node's native folder/,
  );
  assert.deepEqual([...Deno.readDirSync(f.to)].map((e) => e.name), ["libonnxruntime.so.1"]);
  await Deno.remove(f.tmp, { recursive: true });
});

Deno.test("setup:cuda targets onnxruntime-node 1.29.0's native folder by default", () => {
  assert.match(ortNativeDir(), /onnxruntime-node@1\.29\.0\/.*\/bin\/napi-v6\/linux\/x64$/);
  assert.ok(Deno.statSync(join(ortNativeDir(), "libonnxruntime.so.1")).isFile);
});

/** A folder with the real provider files (e.g. the unpacked asus4 package), for a manual check. */
const realFiles = Deno.env.get("RNNLAB_CUDA_PROVIDER_DIR");

Deno.test({
  name: "setup:cuda accepts the real provider files (set RNNLAB_CUDA_PROVIDER_DIR)",
  ignore: realFiles === undefined,
  fn: async () => {
    const f = await fixture();
    const r = await runTask("setup:cuda", ["--from", realFiles!, "--to", f.to]);
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.match(r.stdout, /LD_LIBRARY_PATH/);
    for (const [name, digest] of Object.entries(CUDA_PROVIDER_FILES)) {
      assert.equal(await sha256Hex(await Deno.readFile(join(f.to, name))), digest);
    }
    await Deno.remove(f.tmp, { recursive: true });
  },
});
