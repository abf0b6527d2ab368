/**
 * SHA-256 digests as lowercase hex, through the Web Crypto API that Deno ships.
 *
 * @module
 */

/** The SHA-256 digest of `bytes` as 64 lowercase hex characters. */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The SHA-256 digest of `text`'s UTF-8 bytes as 64 lowercase hex characters. */
export function sha256Text(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}
