/**
 * Which entries of a zip are symbolic links. A streamed zip's local headers do not say (only the
 * central directory at its end holds the attributes), so this reads the central directory: an
 * entry made on Unix (the high byte of "version made by" is 3) whose mode, in the high 16 bits of
 * its external attributes, is a link's (`S_IFLNK`). A zip whose end cannot be read gives no
 * links: its entries are then unpacked as plain files, which a link never becomes anyway.
 *
 * @module
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** An entry's name as fflate decodes it: UTF-8 when flag bit 11 says so, else Latin-1. */
function entryName(bytes: Uint8Array, utf8: boolean): string {
  return utf8 ? new TextDecoder().decode(bytes) : String.fromCharCode(...bytes);
}

/** The names of the zip file `path`'s entries that are symbolic links. */
export async function linkEntries(path: string): Promise<Set<string>> {
  const links = new Set<string>();
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    const tailSize = Math.min(size, 22 + 0xffff);
    const tail = await readAt(file, size - tailSize, tailSize);
    const view = new DataView(tail.buffer);
    let end = -1;
    for (let i = tail.length - 22; i >= 0 && end < 0; i--) {
      if (view.getUint32(i, true) === EOCD) end = i;
    }
    if (end < 0) return links;
    const cdSize = view.getUint32(end + 12, true);
    const cdOffset = view.getUint32(end + 16, true);
    if (cdOffset + cdSize > size) return links; // Zip64 or damaged: no links known
    const cd = await readAt(file, cdOffset, cdSize);
    const dv = new DataView(cd.buffer);
    for (let i = 0; i + 46 <= cd.length && dv.getUint32(i, true) === CENTRAL;) {
      const host = dv.getUint16(i + 4, true) >> 8;
      const utf8 = (dv.getUint16(i + 8, true) & 0x800) !== 0;
      const [nameLen, extraLen, commentLen] = [28, 30, 32].map((o) => dv.getUint16(i + o, true));
      const mode = dv.getUint32(i + 38, true) >>> 16;
      if (host === 3 && (mode & S_IFMT) === S_IFLNK) {
        links.add(entryName(cd.subarray(i + 46, i + 46 + nameLen), utf8));
      }
      i += 46 + nameLen + extraLen + commentLen;
    }
    return links;
  } finally {
    file.close();
  }
}

/** `length` bytes of `file` from `offset` (fewer at its end). */
async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const data = new Uint8Array(length);
  let n = 0;
  while (n < length) {
    const got = await file.read(data.subarray(n));
    if (got === null) break;
    n += got;
  }
  return data.subarray(0, n);
}
