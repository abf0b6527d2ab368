import assert from "node:assert/strict";
import { PyRandom } from "../random/py_random.ts";
import { decodeSafetensors, encodeSafetensors, type F32Tensor } from "./safetensors.ts";

/** The header's JSON and the body of a safetensors file, read by hand. */
function split(bytes: Uint8Array): { n: number; header: string; body: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return {
    n,
    header: new TextDecoder().decode(bytes.subarray(8, 8 + n)),
    body: bytes.subarray(8 + n),
  };
}

/** A file whose header is `header` (as given) and whose body is `body`. */
function file(header: string | Uint8Array, body = new Uint8Array()): Uint8Array {
  const head = typeof header === "string" ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + head.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(body, 8 + head.length);
  return out;
}

Deno.test("safetensors: the header length, the JSON header padded to 8 bytes, then the little-endian floats", () => {
  const bytes = encodeSafetensors(
    {
      b: { shape: [2], data: new Float32Array([1, -2]) },
      a: { shape: [], data: new Float32Array([0.5]) },
    },
    { format: "pt" },
  );
  const { n, header, body } = split(bytes);
  const json = '{"__metadata__":{"format":"pt"},' +
    '"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"a":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}';
  assert.equal(json.length, 138);
  assert.equal(n, 144); // padded with spaces to a multiple of 8
  assert.equal(header, json.padEnd(144, " "));
  assert.deepEqual([...body], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f]); // 1, -2, 0.5
});

Deno.test("safetensors: any tensors and metadata come back as written, in order (300 seeded cases)", () => {
  const rng = new PyRandom(23);
  for (let c = 0; c < 300; c++) {
    const tensors: Record<string, F32Tensor> = {};
    for (let t = rng.randbelow(4); t >= 0; t--) {
      const shape = Array.from({ length: rng.randbelow(4) }, () => rng.randbelow(5));
      const data = Float32Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        () => (rng.random() - 0.5) * 10 ** (rng.randbelow(20) - 10),
      );
      tensors[`t${c}_${t}${"é".repeat(rng.randbelow(3))}`] = { shape, data };
    }
    const metadata = { case: String(c), note: "分开".repeat(rng.randbelow(3)) };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
    assert.deepEqual(decoded, { tensors, metadata }, `case ${c}`);
    assert.deepEqual(Object.keys(decoded.tensors), Object.keys(tensors), `case ${c}: order`);
  }
});

Deno.test("safetensors: a tensor whose shape and values disagree is refused when written", () => {
  assert.throws(
    () => encodeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } }),
    /^RangeError: tensor w: shape \[2,3\] needs 6 values, got 5$/,
  );
});

Deno.test("safetensors: every defect of a file read is a RangeError that says what it is", () => {
  const f32 = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const cases: [string, Uint8Array, RegExp][] = [
    ["shorter than 8 bytes", new Uint8Array(7), /shorter than its header size/],
    ["a header past the end", file(f32).subarray(0, 20), /header runs past the end/],
    ["a header that is not JSON", file("{not json"), /its header is not JSON/],
    [
      "a header that is not UTF-8",
      file(new Uint8Array([0x22, 0xff, 0x22])),
      /its header is not JSON/,
    ],
    ["another dtype", file(f32.replace("F32", "F16"), new Uint8Array(8)), /expected F32 data/],
    [
      "offsets that disagree with the shape",
      file(f32.replace("0,8", "0,4"), new Uint8Array(8)),
      /tensor w: expected F32 data of shape \[2\]/,
    ],
    ["data past the end", file(f32, new Uint8Array(4)), /tensor w: expected F32/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => decodeSafetensors(bytes), (err: Error) => {
      assert.ok(err instanceof RangeError, what);
      assert.match(err.message, message, what);
      return true;
    });
  }
});
