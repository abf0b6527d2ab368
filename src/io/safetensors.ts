/**
 * The safetensors file format (huggingface/safetensors), float32 tensors only: an 8-byte
 * little-endian header length N, N bytes of JSON header (`{"name": {"dtype": "F32", "shape": [...],
 * "data_offsets": [begin, end]}, "__metadata__": {...}}`, space-padded to a multiple of 8), then
 * the tensors' bytes, little-endian and row-major. Python reads these files with
 * `safetensors.numpy.load_file`.
 *
 * @module
 */

/** One float32 tensor. */
export interface F32Tensor {
  /** Its shape, row-major. */
  shape: number[];
  /** Its values. */
  data: Float32Array;
}

/** Encodes named float32 tensors (in the given order) and string metadata as a safetensors file. */
export function encodeSafetensors(
  tensors: Record<string, F32Tensor>,
  metadata: Record<string, string> = {},
): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new RangeError(
        `tensor ${name}: shape [${t.shape}] needs ${count} values, got ${t.data.length}`,
      );
    }
    header[name] = {
      dtype: "F32",
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, at); // float32 arrays are little-endian on every platform Deno runs on
    at += bytes.length;
  }
  return out;
}

/** Decodes a safetensors file of float32 tensors; throws a `RangeError` describing any defect. */
export function decodeSafetensors(
  bytes: Uint8Array,
): { tensors: Record<string, F32Tensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) {
    throw new RangeError("not a safetensors file: shorter than its header size");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) {
    throw new RangeError("not a safetensors file: header runs past the end");
  }
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new RangeError("not a safetensors file: its header is not JSON");
  }
  const body = bytes.subarray(8 + n);
  const tensors: Record<string, F32Tensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as unknown as Record<string, string>;
      continue;
    }
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.dtype !== "F32" || end - begin !== count * 4 || end > body.length) {
      throw new RangeError(
        `safetensors tensor ${name}: expected F32 data of shape [${entry.shape}]`,
      );
    }
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(body.subarray(begin, end));
    tensors[name] = { shape: entry.shape, data };
  }
  return { tensors, metadata };
}
