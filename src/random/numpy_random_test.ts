import assert from "node:assert/strict";
import { NumpyRandomState } from "./numpy_random.ts";
import { sha256Hex } from "../io/sha256.ts";
import { SHARED } from "../testing.ts";

/** The NumPy part of the conformance streams (made with NumPy by the shared folder's script). */
interface Streams {
  numpy_randomstate_normal: {
    seed: number;
    first_12_float64: number[];
    W_xh_1465x256_float32_sha256: string;
    W_hh_256x256_float32_sha256: string;
    W_hy_256x1465_float32_sha256: string;
    W_xh_sum: number;
    W_hy_last: number;
  }[];
}

const streams: Streams = JSON.parse(
  Deno.readTextFileSync(`${SHARED}conformance/rng-streams.json`),
);

Deno.test("NumpyRandomState.normal equals NumPy's first draws after rounding to float32", () => {
  for (const { seed, first_12_float64 } of streams.numpy_randomstate_normal) {
    const got = new NumpyRandomState(seed).normal(0, 0.01, 12);
    assert.deepEqual(
      Array.from(got, Math.fround),
      first_12_float64.map(Math.fround),
      `seed ${seed}`,
    );
  }
});

Deno.test("NumpyRandomState draws the chapter's W_xh, W_hh, W_hy bit for bit as float32", async () => {
  for (const s of streams.numpy_randomstate_normal) {
    const rng = new NumpyRandomState(s.seed);
    const wXh = Float32Array.from(rng.normal(0, 0.01, 1465 * 256));
    const wHh = Float32Array.from(rng.normal(0, 0.01, 256 * 256));
    const wHy = Float32Array.from(rng.normal(0, 0.01, 256 * 1465));
    assert.deepEqual(await sha256Hex(wXh), s.W_xh_1465x256_float32_sha256, `W_xh seed ${s.seed}`);
    assert.deepEqual(await sha256Hex(wHh), s.W_hh_256x256_float32_sha256, `W_hh seed ${s.seed}`);
    assert.deepEqual(await sha256Hex(wHy), s.W_hy_256x1465_float32_sha256, `W_hy seed ${s.seed}`);
    assert.equal(wHy[wHy.length - 1], Math.fround(s.W_hy_last), `W_hy last, seed ${s.seed}`);
    // NumPy sums pairwise in float64; a plain float64 sum agrees to far better than 1e-9.
    const sum = wXh.reduce((acc, v) => acc + v, 0);
    assert.ok(Math.abs(sum - s.W_xh_sum) < 1e-9, `W_xh sum ${sum} vs ${s.W_xh_sum}`);
  }
});
