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

import * as tf from "@tensorflow/tfjs";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { isSoftwareAdapter } from "../backend.ts";
import { runKernel } from "./kernel.ts";

/** How an operand is laid out in memory, which decides the coalesced order of its tile loads. */
type Layout = "rowMajor" | "colMajor";

/** One product's shape, tiling and element access. */
interface MatmulSpec {
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
const MATMUL_WORKGROUP: [number, number, number] = [SIDE, SIDE, 1];

/**
 * A product's micro-tile: `tm` × `tn` on a GPU, 1 × 1 on a software adapter, whose shader compiler
 * (llvmpipe's LLVM) takes minutes over larger micro-tiles around workgroup barriers and whose
 * speed does not depend on them.
 */
export function microTile(tm: number, tn: number): { tm: number; tn: number } {
  const device = (tf.backend() as WebGPUBackend).device as GPUDevice & {
    adapterInfo?: GPUAdapterInfo;
  };
  return device.adapterInfo && isSoftwareAdapter(device.adapterInfo)
    ? { tm: 1, tn: 1 }
    : { tm, tn };
}

/** The workgroups that cover C. */
function matmulDispatch(s: MatmulSpec): [number, number, number] {
  return [Math.ceil(s.n / (SIDE * s.tn)), Math.ceil(s.m / (SIDE * s.tm)), 1];
}

/** The tiling part of a cache key (the caller adds what its reads and writes depend on). */
function matmulKey(s: MatmulSpec): string {
  return `mm${s.m}x${s.n}x${s.k}_${s.tm}${s.tn}${s.aLayout[0]}${s.bLayout[0]}`;
}

/** `count` lines from `line(i)`, i = 0..count−1: the micro-tile is unrolled in the WGSL text. */
function unrolled(count: number, line: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => line(i)).join("\n    ");
}

/**
 * The WGSL of the product: the three accessors and `fn kernel()`. The micro-tile is written out as
 * scalars (`c_i_j`, `a_i`, `b_j`), not arrays: registers on a GPU, and minutes less of shader
 * compilation on a software adapter.
 */
function matmulCode(s: MatmulSpec): string {
  // Load order: adjacent invocations read adjacent addresses of the operand as stored.
  const aIdx = s.aLayout === "rowMajor" ? "r = i / BK; c = i % BK;" : "c = i / BM; r = i % BM;";
  const bIdx = s.bLayout === "rowMajor" ? "r = i / BN; c = i % BN;" : "c = i / BK; r = i % BK;";
  const cells: [number, number][] = [];
  for (let i = 0; i < s.tm; i++) for (let j = 0; j < s.tn; j++) cells.push([i, j]);
  return `
const M = ${s.m};
const N = ${s.n};
const BM = ${SIDE * s.tm};
const BN = ${SIDE * s.tn};
const BK = ${SIDE};
// Both tiles k-major: tileA[k * BM + m], tileB[k * BN + n].
var<workgroup> tileA : array<f32, ${SIDE * SIDE * s.tm}>;
var<workgroup> tileB : array<f32, ${SIDE * SIDE * s.tn}>;

fn mmA(m : i32, k : i32) -> f32 { ${s.readA} }
fn mmB(k : i32, n : i32) -> f32 { ${s.readB} }
fn mmWrite(m : i32, n : i32, acc : f32) { ${s.write} }

// Stages A[m0.., k0..] and B[k0.., n0..] (zero past the ends); each invocation loads tm + tn.
fn loadTiles(m0 : i32, n0 : i32, k0 : i32, kEnd : i32) {
  let li = i32(localIndex);
  var i = 0;
  var r = 0; // row of A (m) or of B (k)
  var c = 0; // column of A (k) or of B (n)
  var v = 0.0;
  ${
    unrolled(s.tm, (t) =>
      `i = li + ${t * SIDE * SIDE}; ${aIdx}
  v = 0.0;
  if (m0 + r < M && k0 + c < kEnd) { v = mmA(m0 + r, k0 + c); }
  tileA[c * BM + r] = v;`)
  }
  ${
    unrolled(s.tn, (t) =>
      `i = li + ${t * SIDE * SIDE}; ${bIdx}
  v = 0.0;
  if (k0 + r < kEnd && n0 + c < N) { v = mmB(k0 + r, n0 + c); }
  tileB[r * BN + c] = v;`)
  }
}

fn kernel() {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let m0 = i32(workgroupId.y) * BM;
  let n0 = i32(workgroupId.x) * BN;
  let kEnd = ${s.kEnd ?? String(s.k)};
  ${cells.map(([i, j]) => `var c_${i}_${j} = 0.0;`).join(" ")}
  for (var k0 = 0; k0 < kEnd; k0 = k0 + BK) {
    loadTiles(m0, n0, k0, kEnd);
    workgroupBarrier();
    for (var k = 0; k < BK; k = k + 1) {
      ${unrolled(s.tm, (i) => `let a_${i} = tileA[k * BM + ty + ${i * SIDE}];`)}
      ${unrolled(s.tn, (j) => `let b_${j} = tileB[k * BN + tx + ${j * SIDE}];`)}
      ${cells.map(([i, j]) => `c_${i}_${j} = c_${i}_${j} + a_${i} * b_${j};`).join("\n      ")}
    }
    workgroupBarrier();
  }
  ${
    cells.map(([i, j]) =>
      `if (m0 + ty + ${i * SIDE} < M && n0 + tx + ${j * SIDE} < N) { mmWrite(m0 + ty + ${
        i * SIDE
      }, n0 + tx + ${j * SIDE}, c_${i}_${j}); }`
    ).join("\n  ")
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
