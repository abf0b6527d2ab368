import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { hasCudaProvider } from "./cuda_setup.ts";
import { AUTO_ORDER, failureReason, openRnnSession } from "./session.ts";
import { selectBackend } from "../train/backend.ts";
import { smallRnnModel } from "../testing.ts";

const H = 16;
const { bytes } = smallRnnModel(H, 3);
await selectBackend("cpu");

Deno.test("providers: auto tries cuda, then webgpu, then cpu, and says why each was skipped", async () => {
  const s = await openRnnSession(bytes, "auto");
  const tried = [...s.skipped.map((k) => k.ep), s.ep];
  assert.deepEqual(tried, AUTO_ORDER.slice(0, tried.length));
  for (const k of s.skipped) assert.ok(k.reason.length > 0 && !k.reason.includes("\n"));
  if (!hasCudaProvider()) {
    assert.match(s.skipped[0].reason, /Cuda: Failed to load shared library/);
  }
  await s.session.release();
});

Deno.test({
  name: "providers: --ep cuda without the CUDA provider is a one-line usage error",
  ignore: hasCudaProvider(),
  fn: async () => {
    await assert.rejects(openRnnSession(bytes, "cuda"), (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(
        err.message,
        /^--ep cuda is unavailable here \(.*Failed to load shared library; deno task setup:cuda installs the provider\)$/,
      );
      return true;
    });
    const cpu = await openRnnSession(bytes, "cpu");
    assert.deepEqual([cpu.ep, cpu.skipped, cpu.hidden], ["cpu", [], H]);
    await cpu.session.release();
  },
});

Deno.test("failureReason keeps the message of onnxruntime's failed-check errors", () => {
  const err = new Error(
    "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:100 " +
      "onnxruntime::webgpu::WebGpuContext::Initialize(const Config&)::<lambda()> " +
      "status == Success was false. Failed to get a WebGPU adapter: No supported adapters\nmore",
  );
  assert.equal(failureReason(err), "Failed to get a WebGPU adapter: No supported adapters");
  assert.equal(failureReason("plain"), "plain");
});
