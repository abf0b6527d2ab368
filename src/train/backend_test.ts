import assert from "node:assert/strict";
import { probeAdapter, selectBackend } from "./backend.ts";
import { UsageError } from "../errors.ts";

Deno.test("auto never picks a software WebGPU adapter; webgpu without an adapter is a usage error", async () => {
  const adapter = await probeAdapter();
  const info = await selectBackend("auto");
  if (!adapter || adapter.software) {
    assert.equal(info.name, "wasm");
    assert.match(info.reason, adapter ? /WebGPU adapter is software/ : /no WebGPU adapter/);
  } else assert.equal(info.name, "webgpu");
  const gpu = Object.getOwnPropertyDescriptor(navigator, "gpu");
  Object.defineProperty(navigator, "gpu", { value: undefined, configurable: true });
  try {
    await assert.rejects(selectBackend("webgpu"), (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, "backend webgpu is unavailable: no WebGPU adapter found");
      return true;
    });
  } finally {
    if (gpu) Object.defineProperty(navigator, "gpu", gpu);
    else delete (navigator as { gpu?: unknown }).gpu;
  }
});
