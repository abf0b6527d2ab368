import assert from "node:assert/strict";
import { environment } from "./environment.ts";
import { formatBytes, machineDescription } from "./machine.ts";

Deno.test("the environment names the machine and the software; the one-line description is made from it", () => {
  const env = environment();
  assert.equal(env.cores, navigator.hardwareConcurrency);
  assert.equal(env.deno, Deno.version.deno);
  assert.equal(env.tfjs, "4.22.0");
  assert.equal(env.onnxruntime, "1.29.0");
  assert.match(env.rnnlab, /^\d+\.\d+\.\d+$/);
  // A checkout with git (as here when it has one): the commit, and whether tracked files changed.
  const head = new Deno.Command("git", { args: ["rev-parse", "HEAD"], stdout: "piped" })
    .outputSync();
  if (head.success) {
    assert.equal(env.commit, new TextDecoder().decode(head.stdout).trim());
    assert.equal(typeof env.dirty, "boolean");
  }
  assert.ok(machineDescription(env).startsWith(`${env.os} ${env.arch}, ${env.cores} cores`));
});

Deno.test("sizes in bytes: GiB with a decimal (whole GiB on the machine line), MiB below a GiB", () => {
  assert.equal(formatBytes(12.34 * 2 ** 30), "12.3 GiB");
  assert.equal(formatBytes(456.2 * 2 ** 20), "457 MiB");
  const env = { ...environment(), os: "linux", arch: "x86_64", cores: 2, cpu: "AMD EPYC" };
  assert.equal(
    machineDescription({ ...env, memoryBytes: 23.6 * 2 ** 30, deno: "2.9.6" }),
    "linux x86_64, 2 cores (AMD EPYC), 24 GiB, Deno 2.9.6",
  );
});
