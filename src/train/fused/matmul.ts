/**
 * A tiled matrix product C = A·B (M × K by K × N) in workgroup memory, the template of every
 * product in the fused trainer. A kernel supplies how to read an element of A and of B (so a
 * transposed operand, a row offset or a gather costs nothing extra) and what to do with each
 * finished element of C (add a bias, apply tanh, ...).
 *
 * A workgroup of 16 × 16 invocations computes a (16·tm) × (16·tn) block of C, each invocation a
 * tm × tn micro-tile, stepping through K in slices of 16 staged in workgroup memory. Each element
 * of C is summed over k in increasing order by one invocation: deterministic, no atomics.
 *
 * @module
 */

import type * as tf from "@tensorflow/tfjs";
import { runKernel } from "./kernel.ts";

/** How an operand is laid out in memory, which decides the coalesced order of its tile loads. */
export type Layout = "rowMajor" | "colMajor";

/** One product's shape, tiling and element access. */
export interface MatmulSpec {
  /** Rows of C. */
  m: number;
  /** Columns of C. */
  n: number;
  /** The inner dimension (the most `kEnd` can reach). */
  k: number;
  /** Micro-tile rows per invocation (the block is 16·tm rows). */
  tm: number;
  /** Micro-tile columns per invocation. */
  tn: number;
  /** A (M × K) as stored: `rowMajor` when consecutive k are adjacent in memory. */
  aLayout: Layout;
  /** B (K × N) as stored: `rowMajor` when consecutive n are adjacent in memory. */
  bLayout: Layout;
  /** Body of `fn mmA(m : i32, k : i32) -> f32`, called in bounds only. */
  readA: string;
  /** Body of `fn mmB(k : i32, n : i32) -> f32`, called in bounds only. */
  readB: string;
  /** Body of `fn mmWrite(m : i32, n : i32, acc : f32)`, called in bounds only. */
  write: string;
  /** A WGSL expression for the K extent of this dispatch, uniform across it (default `k`). */
  kEnd?: string;
}

/** Threads per workgroup side and the K slice. */
const SIDE = 16;

/** The workgroup size of every product. */
export const MATMUL_WORKGROUP: [number, number, number] = [SIDE, SIDE, 1];

/** The workgroups that cover C. */
export function matmulDispatch(s: MatmulSpec): [number, number, number] {
  return [Math.ceil(s.n / (SIDE * s.tn)), Math.ceil(s.m / (SIDE * s.tm)), 1];
}

/** The tiling part of a cache key (the caller adds what its reads and writes depend on). */
export function matmulKey(s: MatmulSpec): string {
  return `mm${s.m}x${s.n}x${s.k}_${s.tm}${s.tn}${s.aLayout[0]}${s.bLayout[0]}`;
}

/** The WGSL of the product: the three accessors and `fn kernel()`. */
export function matmulCode(s: MatmulSpec): string {
  // Load order: adjacent invocations read adjacent addresses of the operand as stored.
  const aIdx = s.aLayout === "rowMajor"
    ? "let r = i / BK; let c = i % BK;"
    : "let c = i / BM; let r = i % BM;";
  const bIdx = s.bLayout === "rowMajor"
    ? "let r = i / BN; let c = i % BN;"
    : "let c = i / BK; let r = i % BK;";
  return `
const M = ${s.m};
const N = ${s.n};
const TM = ${s.tm};
const TN = ${s.tn};
const BM = ${SIDE * s.tm};
const BN = ${SIDE * s.tn};
const BK = ${SIDE};
const THREADS = ${SIDE * SIDE};
// Both tiles k-major: tileA[k * BM + m], tileB[k * BN + n].
var<workgroup> tileA : array<f32, ${SIDE * SIDE * s.tm}>;
var<workgroup> tileB : array<f32, ${SIDE * SIDE * s.tn}>;

fn mmA(m : i32, k : i32) -> f32 { ${s.readA} }
fn mmB(k : i32, n : i32) -> f32 { ${s.readB} }
fn mmWrite(m : i32, n : i32, acc : f32) { ${s.write} }

fn kernel() {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let li = i32(localIndex);
  let m0 = i32(workgroupId.y) * BM;
  let n0 = i32(workgroupId.x) * BN;
  let kEnd = ${s.kEnd ?? String(s.k)};
  var acc : array<array<f32, TN>, TM>;
  for (var k0 = 0; k0 < kEnd; k0 = k0 + BK) {
    for (var i = li; i < BM * BK; i = i + THREADS) {
      ${aIdx} // r: row of A (m), c: column (k)
      var v = 0.0;
      if (m0 + r < M && k0 + c < kEnd) { v = mmA(m0 + r, k0 + c); }
      tileA[c * BM + r] = v;
    }
    for (var i = li; i < BK * BN; i = i + THREADS) {
      ${bIdx} // r: row of B (k), c: column (n)
      var v = 0.0;
      if (k0 + r < kEnd && n0 + c < N) { v = mmB(k0 + r, n0 + c); }
      tileB[r * BN + c] = v;
    }
    workgroupBarrier();
    for (var k = 0; k < BK; k = k + 1) {
      var b : array<f32, TN>;
      for (var j = 0; j < TN; j = j + 1) { b[j] = tileB[k * BN + tx + j * ${SIDE}]; }
      for (var i = 0; i < TM; i = i + 1) {
        let a = tileA[k * BM + ty + i * ${SIDE}];
        for (var j = 0; j < TN; j = j + 1) { acc[i][j] = acc[i][j] + a * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0; i < TM; i = i + 1) {
    for (var j = 0; j < TN; j = j + 1) {
      let m = m0 + ty + i * ${SIDE};
      let n = n0 + tx + j * ${SIDE};
      if (m < M && n < N) { mmWrite(m, n, acc[i][j]); }
    }
  }
}`;
}

/** Runs the product `spec` on the named `inputs` into a new m × n tensor; `name` keys its reads and writes. */
export function runMatmul(
  name: string,
  spec: MatmulSpec,
  inputs: [string, tf.Tensor][],
): tf.Tensor {
  return runKernel({
    key: `${name}_${matmulKey(spec)}`,
    inputs: inputs.map(([n]) => n),
    outputShape: [spec.m, spec.n],
    workgroup: MATMUL_WORKGROUP,
    dispatch: matmulDispatch(spec),
    code: matmulCode(spec),
  }, inputs.map(([, t]) => t));
}
