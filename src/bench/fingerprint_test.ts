import assert from "node:assert/strict";
import { type Fingerprint, fingerprintDifferences, torchWarnings } from "./fingerprint.ts";
import { takeFingerprint } from "./take_fingerprint.ts";

Deno.test("the fingerprint names the software, the machine, wasm, the adapter and the steering variables", async () => {
  Deno.env.set("OPENBLAS_NUM_THREADS", "1");
  try {
    const f = await takeFingerprint();
    for (
      const key of ["deno", "v8", "typescript", "tfjs", "rnnlab", "commit", "os", "arch", "cores"]
    ) {
      assert.ok(key in f, key);
    }
    assert.equal(f.deno, Deno.version.deno);
    assert.equal(f.v8, Deno.version.v8);
    assert.deepEqual(f.wasm, { simd: true, threads: f.wasm.threads });
    assert.equal(f.torch, null);
    assert.equal(f.onnxruntimeEp, null);
    assert.equal(f.variables.OPENBLAS_NUM_THREADS, "1");
    if (f.webgpu !== null) { // Deno's adapter here is llvmpipe; a GPU machine has its own
      assert.ok(f.webgpu.features.length > 0 && f.webgpu.limits.maxBufferSize > 0);
      assert.deepEqual(f.webgpu.features, [...f.webgpu.features].sort());
      assert.equal(typeof f.webgpu.description, "string");
    }
  } finally {
    Deno.env.delete("OPENBLAS_NUM_THREADS");
  }
});

Deno.test("fingerprints differ by what ran, not by the commit: each difference is a dotted key", async () => {
  const was = await takeFingerprint();
  const now: Fingerprint = {
    ...was,
    commit: "0000000",
    dirty: !was.dirty,
    deno: "9.9.9",
    variables: { ...was.variables, OMP_NUM_THREADS: "1" },
    torch: {
      version: "2.4.0",
      device: "cpu",
      threads: 2,
      interopThreads: 1,
      parallelBackend: "OpenMP",
      cpuCapability: "AVX2",
      blasInfo: "generic",
      blasLibraries: [],
      openblas: { config: "OpenBLAS 0.3.21", core: "Prescott", threads: 2 },
      cuda: null,
      cudnn: null,
      gpu: null,
    },
  };
  assert.deepEqual(fingerprintDifferences(was, { ...was, commit: "x", dirty: true }), []);
  const lines = fingerprintDifferences(was, now);
  assert.ok(lines.includes(`deno: "${was.deno}" → "9.9.9"`), lines.join("\n"));
  assert.ok(lines.includes(`variables.OMP_NUM_THREADS: (none) → "1"`), lines.join("\n"));
  assert.ok(lines.some((l) => l.startsWith("torch: null → ")), lines.join("\n"));
  assert.equal(lines.length, 3);
  assert.deepEqual(torchWarnings(now.torch), [
    "PyTorch's OpenBLAS runs its generic Prescott kernels (it does not recognise this CPU): " +
    "OPENBLAS_CORETYPE=Haswell, or SkylakeX on AVX-512, gives PyTorch its fast ones",
  ]);
  const skylake = { ...now.torch!, openblas: { ...now.torch!.openblas!, core: "SkylakeX" } };
  assert.deepEqual(torchWarnings(skylake), []);
  assert.deepEqual(torchWarnings(null), []);
});
