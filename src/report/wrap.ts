/**
 * Wrapping text for the terminal: words filled greedily into lines of a given width in terminal
 * columns (a Chinese character takes two), a word wider than a line cut where it must.
 *
 * @module
 */

import { displayWidth } from "./text_table.ts";

/** The longest start of `word` at most `width` columns wide (one character at least). */
function fitting(word: string, width: number): string {
  let piece = "";
  for (const ch of word) {
    if (piece !== "" && displayWidth(piece + ch) > width) break;
    piece += ch;
  }
  return piece;
}

/**
 * `text` as lines: the first at most `first` columns wide, the others at most `rest`. Words (split
 * at spaces) are kept whole where they fit a line, so the lines joined with spaces read as the
 * text, but where a word wider than a line had to be cut. Empty text is one empty line.
 */
export function wrapWords(text: string, first: number, rest: number = first): string[] {
  const lines: string[] = [];
  let line = "";
  const room = () => lines.length === 0 ? first : rest;
  for (const word of text.split(" ").filter((w) => w !== "")) {
    if (line !== "" && displayWidth(`${line} ${word}`) <= room()) {
      line = `${line} ${word}`;
      continue;
    }
    if (line !== "") lines.push(line);
    let left = word;
    while (displayWidth(left) > room()) {
      const piece = fitting(left, room());
      lines.push(piece);
      left = left.slice(piece.length);
    }
    line = left;
  }
  return [...lines, line];
}

/**
 * `parts` joined by `separator` (`;`) into lines as {@linkcode wrapWords} fills them, but a part
 * that does not fit what is left of a line starts the next one, so that lines break between parts
 * where they can, and inside one only when it is wider than a line.
 */
export function wrapParts(
  parts: readonly string[],
  first: number,
  rest: number = first,
  separator = ";",
): string[] {
  const lines: string[] = [];
  let line = "";
  parts.forEach((part, i) => {
    const room = lines.length === 0 ? first : rest;
    const text = i < parts.length - 1 ? part + separator : part;
    const joined = line === "" ? text : `${line} ${text}`;
    if (displayWidth(joined) <= room) {
      line = joined;
      return;
    }
    if (line !== "") lines.push(line);
    const wrapped = wrapWords(text, lines.length === 0 ? first : rest, rest);
    lines.push(...wrapped.slice(0, -1));
    line = wrapped.at(-1)!;
  });
  return [...lines, line];
}
