import assert from "node:assert/strict";
import { estimateMemory, WASM_HEAP_BYTES } from "./limits.ts";

Deno.test("memory estimates: the chapter fits everywhere; hidden 20000 does not fit wasm's heap", () => {
  const chapter = { hidden: 256, batchSize: 32, numSteps: 35 };
  for (const trainer of ["reference", "batched", "fused"] as const) {
    assert.ok(estimateMemory(chapter, 1465, trainer).totalBytes < 2 ** 29, trainer);
    const huge = estimateMemory({ ...chapter, hidden: 20000 }, 1465, trainer);
    assert.ok(huge.totalBytes > WASM_HEAP_BYTES, trainer);
    assert.equal(huge.largestBytes, 4 * 20000 * 20000);
  }
});
