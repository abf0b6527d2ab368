/**
 * A float32 matrix product C = A·B as a small WebAssembly SIMD module, written here as bytes, so
 * that two threads can share the output layer's and the recurrence's products
 * (`gemm_threads.ts`): tfjs's own
 * wasm product (XNNPACK) runs on one thread under Deno, in a memory no other thread can see.
 *
 * The module imports a shared memory and exports three functions:
 *
 * - `pack(b, bp, k, n, p0, p1)`: copies the column panels p0 ≤ p < p1 of the row-major k × n
 *   matrix at `b` (NR = 8 columns each) to `bp`, each panel's k rows of NR values side by side,
 *   so the product reads a panel as one contiguous run;
 * - `packT(bt, bp, k, n, p0, p1)`: the same panels of B from Bᵀ, row-major n × k at `bt` (the
 *   gradients' A·Bᵀ, without writing Bᵀ out first);
 * - `gemm(a, bp, c, k, ldc, i0, i1, p0, p1)`: C[i][j] = Σ_k A[i][k]·B[k][j] for the rows
 *   i0 ≤ i < i1 (a multiple of MR = 4 apart) and the columns of panels p0 ≤ p < p1; A row-major
 *   k wide at `a`, C row-major `ldc` wide at `c`.
 *
 * Each output is summed over k in order, from zero, by a multiply then an add (no fused
 * multiply-add), which is what XNNPACK's wasm SIMD kernels do too: the products have tfjs's bits
 * (`test/wasm_gemm_test.ts` checks it on the chapter's shapes), so every recorded curve stays as
 * it was. The micro-kernel holds an MR × NR block of C in eight 4-lane registers and, for each k,
 * loads one row of the panel (two vectors) and multiplies it by each of the four A[i][k] in turn.
 * Rows past the last and columns past the last panel's end are computed on whatever lies there;
 * callers pad the memory and read only the real ones.
 *
 * @module
 */

/** Rows of C a micro-kernel computes at once. */
export const MR = 4;
/** Columns of a panel (two 4-lane vectors). */
export const NR = 8;
const NV = NR / 4;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    out.push(n ? low | 0x80 : low);
  } while (n);
  return out;
}

/** Signed LEB128 (i32 constants). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const low = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(low & 0x40)) || (n === -1 && (low & 0x40))) return [...out, low];
    out.push(low | 0x80);
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...new TextEncoder().encode(s)].map((b) => [b]));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

// The instructions the two functions use, as WAT names them.
const local = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
};
const i32 = { const: (n: number) => [0x41, ...sleb(n)], add: [0x6a], mul: [0x6c], ltU: [0x49] };
const f32 = { load: [0x2a, 2, 0], store: [0x38, 2, 0] }; // align 2^2, offset 0
const simd = (op: number, ...immediates: number[]) => [0xfd, ...uleb(op), ...immediates];
const v128 = {
  load: (offset: number) => simd(0x00, 4, ...uleb(offset)), // align 2^4
  store: (offset: number) => simd(0x0b, 4, ...uleb(offset)),
  load32Splat: (offset: number) => simd(0x09, 2, ...uleb(offset)),
  zero: simd(0x0c, ...new Array(16).fill(0)),
};
const f32x4 = { add: simd(0xe4), mul: simd(0xe6) };
/** `loop … br_if 0 (counter += step) < end`: runs `body` while the counter stays below `end`. */
const loopWhile = (body: number[], counter: number, step: number[], end: number) => [
  ...[0x03, 0x40, ...body],
  ...[...local.get(counter), ...step, ...i32.add, ...local.tee(counter)],
  ...[...local.get(end), ...i32.ltU, 0x0d, 0, 0x0b],
];
/** `base + x·y·scale` (i32), or `x·y·scale` without a base. */
const offset = (base: number[], x: number[], y: number[], scale: number) => [
  ...base,
  ...[...x, ...y, ...i32.mul, ...i32.const(scale), ...i32.mul],
  ...(base.length > 0 ? i32.add : []),
];

/** `pack(b, bp, k, n, p0, p1)`; locals: src, dst, end, p. */
function packBody(): number[] {
  const [B, BP, K, N, P0, P1, SRC, DST, END, P] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const copy = [...local.get(DST), ...local.get(SRC), ...v128.load(0), ...v128.store(0)];
  const copies = [
    ...copy,
    ...local.get(DST),
    ...local.get(SRC),
    ...v128.load(16),
    ...v128.store(16),
  ];
  const row = [...copies, ...local.get(SRC), ...local.get(N), ...i32.const(4), ...i32.mul];
  const panel = [
    ...offset(local.get(B), local.get(P), i32.const(NR), 4), // src = b + p·NR·4
    ...local.set(SRC),
    ...offset(local.get(BP), local.get(P), local.get(K), NR * 4), // dst = bp + p·k·NR·4
    ...local.tee(DST),
    ...offset([], local.get(K), i32.const(NR), 4),
    ...[...i32.add, ...local.set(END)],
    ...[0x03, 0x40, ...row, ...i32.add, ...local.set(SRC)], // next row of b
    ...[...local.get(DST), ...i32.const(NR * 4), ...i32.add, ...local.tee(DST)],
    ...[...local.get(END), ...i32.ltU, 0x0d, 0, 0x0b],
  ];
  const body = [...local.get(P0), ...local.set(P), ...loopWhile(panel, P, i32.const(1), P1)];
  return [...vec([[...uleb(4), 0x7f]]), ...body, 0x0b];
}

/**
 * `packT(bt, bp, k, n, p0, p1)`; locals: src, dst, end, p, j, NR. Column j of panel p is row
 * p·NR + j of Bᵀ, copied one value at a time.
 */
function packTBody(): number[] {
  const [BT, BP, K, P0, P1, SRC, DST, END, P, J, NR_LOCAL] = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11];
  const copy = [
    ...[...local.get(DST), ...local.get(SRC), ...f32.load, ...f32.store],
    ...[...local.get(DST), ...i32.const(NR * 4), ...i32.add, ...local.set(DST)], // next row
  ];
  const column = [
    ...offset(
      local.get(BT),
      [...local.get(P), ...i32.const(NR), ...i32.mul, ...local.get(J), ...i32.add],
      local.get(K),
      4,
    ),
    ...local.tee(SRC), // src = bt + (p·NR + j)·k·4
    ...[...local.get(K), ...i32.const(4), ...i32.mul, ...i32.add, ...local.set(END)],
    ...offset(local.get(BP), local.get(P), local.get(K), NR * 4), // dst = bp + p·k·NR·4 + j·4
    ...[...local.get(J), ...i32.const(4), ...i32.mul, ...i32.add, ...local.set(DST)],
    ...loopWhile(copy, SRC, i32.const(4), END),
  ];
  const panel = [...i32.const(0), ...local.set(J), ...loopWhile(column, J, i32.const(1), NR_LOCAL)];
  const body = [
    ...[...i32.const(NR), ...local.set(NR_LOCAL)],
    ...[...local.get(P0), ...local.set(P), ...loopWhile(panel, P, i32.const(1), P1)],
  ];
  return [...vec([[...uleb(6), 0x7f]]), ...body, 0x0b];
}
/** `gemm(a, bp, c, k, ldc, i0, i1, p0, p1)`; locals: i, p, the panel's pointer and end, A's MR rows; MR·NV accumulators and NV panel vectors. */
function gemmBody(): number[] {
  const [A, BP, C, K, LDC, I0, I1, P0, P1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [I, P, BPTR, BEND, AROW] = [9, 10, 11, 12, 13];
  const ACC = AROW + MR, BV = ACC + MR * NV;
  const acc = (r: number, v: number) => ACC + r * NV + v;
  const rows = Array.from({ length: MR }, (_, r) => r);
  const lanes = Array.from({ length: NV }, (_, v) => v);
  const block = [
    ...offset(local.get(BP), local.get(P), local.get(K), NR * 4), // this panel
    ...local.tee(BPTR),
    ...offset([], local.get(K), i32.const(NR), 4),
    ...[...i32.add, ...local.set(BEND)],
    ...rows.flatMap((r) => [
      ...offset(local.get(A), [...local.get(I), ...i32.const(r), ...i32.add], local.get(K), 4),
      ...local.set(AROW + r), // a + (i + r)·k·4
      ...lanes.flatMap((v) => [...v128.zero, ...local.set(acc(r, v))]),
    ]),
    ...loopWhileK(),
    ...rows.flatMap((r) =>
      lanes.flatMap((v) => [
        ...offset(local.get(C), [...local.get(I), ...i32.const(r), ...i32.add], local.get(LDC), 4),
        ...offset([], local.get(P), i32.const(NR), 4),
        ...i32.add,
        ...[...local.get(acc(r, v)), ...v128.store(16 * v)],
      ])
    ),
  ];
  /** For each k: the panel's row, then acc[r] += A[i + r][k]·row for each r. */
  function loopWhileK(): number[] {
    const step = [
      ...lanes.flatMap((v) => [...local.get(BPTR), ...v128.load(16 * v), ...local.set(BV + v)]),
      ...rows.flatMap((r) => [
        ...lanes.flatMap((v) => [
          ...[...local.get(acc(r, v)), ...local.get(AROW + r), ...v128.load32Splat(0)],
          ...[...local.get(BV + v), ...f32x4.mul, ...f32x4.add, ...local.set(acc(r, v))],
        ]),
        ...[...local.get(AROW + r), ...i32.const(4), ...i32.add, ...local.set(AROW + r)],
      ]),
    ];
    return loopWhile(step, BPTR, i32.const(NR * 4), BEND);
  }
  const overRows = [...local.get(I0), ...local.set(I), ...loopWhile(block, I, i32.const(MR), I1)];
  const body = [...local.get(P0), ...local.set(P), ...loopWhile(overRows, P, i32.const(1), P1)];
  const locals = vec([[...uleb(4 + MR), 0x7f], [...uleb(MR * NV + NV), 0x7b]]);
  return [...locals, ...body, 0x0b];
}

/** The module's bytes: `env.memory` imported (shared); `pack`, `packT` and `gemm` exported. */
export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
  const funcType = (params: number) => [0x60, ...vec(new Array(params).fill([0x7f])), 0];
  const bodies = [packBody(), packTBody(), gemmBody()];
  const memory = [0x02, 0x03, ...uleb(1), ...uleb(65536)]; // shared, 1 page to 4 GiB
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([funcType(6), funcType(9)])),
    ...section(2, vec([[...name("env"), ...name("memory"), ...memory]])),
    ...section(3, vec([[0], [0], [1]])),
    ...section(
      7,
      vec([[...name("pack"), 0, 0], [...name("packT"), 0, 1], [...name("gemm"), 0, 2]]),
    ),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

/** The module's three functions, over the memory given. */
export interface GemmKernels {
  pack(b: number, bp: number, k: number, n: number, p0: number, p1: number): void;
  packT(bt: number, bp: number, k: number, n: number, p0: number, p1: number): void;
  gemm(
    a: number,
    bp: number,
    c: number,
    k: number,
    ldc: number,
    i0: number,
    i1: number,
    p0: number,
    p1: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;

/** Instantiates the module on `memory` (a shared `WebAssembly.Memory` of up to 65536 pages). */
export function gemmKernels(memory: WebAssembly.Memory): GemmKernels {
  compiled ??= new WebAssembly.Module(gemmModuleBytes());
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as GemmKernels;
}
