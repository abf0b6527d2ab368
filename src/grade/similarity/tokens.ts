/**
 * A submission as the similarity check sees it: a stream of normalised TypeScript tokens, the way
 * JPlag and MOSS see a program. Comments and whitespace are dropped, every identifier becomes `ID`,
 * every number `NUM`, every string or template `STR`, every regular expression `RE`; keywords and
 * operators stay what they are. Separators that formatters add or remove (`;` and `,`) are dropped
 * too. So renaming variables, rewording comments and reformatting change nothing, while the shape
 * of the code (its statements, calls and operators in order) is what is compared.
 *
 * Each token keeps where it came from (`start`, `end`: UTF-16 offsets in the source), so that the
 * report can highlight the matched text.
 *
 * @module
 */

/** A source's normalised tokens, as parallel arrays. */
export interface TokenStream {
  /** Each token's kind, as a small integer (see {@linkcode kindName}). */
  kinds: Int32Array;
  /** Where each token starts in the source. */
  starts: Int32Array;
  /** Where it ends (exclusive). */
  ends: Int32Array;
}

const KEYWORDS = new Set(
  ("abstract as async await break case catch class const continue debugger declare default " +
    "delete do else enum export extends false finally for from function get if implements " +
    "import in infer instanceof interface is keyof let namespace new null of private protected " +
    "public readonly return satisfies set static super switch this throw true try type typeof " +
    "undefined unique var void while with yield").split(" "),
);

/** Punctuators, longest first within each leading character's group. */
const PUNCTUATORS = (">>>= ... === !== **= <<= >>= >>> &&= ||= ??= => == != <= >= && || ?? ?. " +
  "++ -- += -= *= /= %= &= |= ^= ** << >> { } ( ) [ ] . ; , < > + - * / % & | ^ ! ~ ? : = @ #")
  .split(" ");

/** The punctuators by their first character, longest first. */
const BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) BY_FIRST.set(p[0], [...(BY_FIRST.get(p[0]) ?? []), p]);

/** Tokens dropped as noise: separators that formatters add and remove. */
const DROPPED = new Set([";", ","]);

const kinds = new Map<string, number>();
const names: string[] = [];

/** The integer for a token kind (`ID`, `NUM`, `STR`, `RE`, a keyword or an operator). */
export function kindCode(name: string): number {
  let code = kinds.get(name);
  if (code === undefined) {
    code = names.length;
    kinds.set(name, code);
    names.push(name);
  }
  return code;
}

/** The kind a code stands for. */
export function kindName(code: number): string {
  return names[code];
}

const ID_START = /[A-Za-z_$\u0080-\uffff]/;
const ID_PART = /[\w$\u0080-\uffff]/;
const NUMBER = /(?:0[xXoObB][\da-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?/y;

/** Where the string literal opened by the quote at `i` ends (after its closing quote). */
function endOfString(src: string, i: number): number {
  const quote = src[i];
  for (let j = i + 1; j < src.length; j++) {
    if (src[j] === "\\") j++;
    else if (src[j] === quote || src[j] === "\n") return j + 1;
  }
  return src.length;
}

/** Where the block comment or line comment at `i` ends, or `i` if there is none. */
function endOfComment(src: string, i: number): number {
  if (src[i] !== "/") return i;
  if (src[i + 1] === "/") {
    const nl = src.indexOf("\n", i);
    return nl < 0 ? src.length : nl;
  }
  if (src[i + 1] === "*") {
    const close = src.indexOf("*/", i + 2);
    return close < 0 ? src.length : close + 2;
  }
  return i;
}

/** Where the template literal opened by the backtick at `i` ends, `${…}` parts included. */
function endOfTemplate(src: string, i: number): number {
  for (let j = i + 1; j < src.length; j++) {
    if (src[j] === "\\") j++;
    else if (src[j] === "`") return j + 1;
    else if (src[j] === "$" && src[j + 1] === "{") j = endOfBraces(src, j + 1) - 1;
  }
  return src.length;
}

/** Where the braces opened at `i` close, skipping strings, templates and comments inside. */
function endOfBraces(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    const comment = endOfComment(src, j);
    if (comment > j) j = comment - 1;
    else if (c === "'" || c === '"') j = endOfString(src, j) - 1;
    else if (c === "`") j = endOfTemplate(src, j) - 1;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return j + 1;
  }
  return src.length;
}

/** Where the regular expression literal at `i` ends (its flags included). */
function endOfRegExp(src: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === "\\") j++;
    else if (c === "\n") return j;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) {
      let k = j + 1;
      while (k < src.length && ID_PART.test(src[k])) k++;
      return k;
    }
  }
  return src.length;
}

/** Whether a `/` after a token of kind `previous` starts a regular expression (not a division). */
function regExpAllowed(previous: string | undefined): boolean {
  if (previous === undefined) return true;
  if (previous === "ID" || previous === "NUM" || previous === "STR" || previous === "RE") {
    return false;
  }
  if (previous === ")" || previous === "]" || previous === "}") return false;
  return !KEYWORDS.has(previous) || ["return", "typeof", "case", "in", "of"].includes(previous);
}

/** The normalised tokens of a TypeScript source (see the module's notes). */
export function tokenize(src: string): TokenStream {
  const kindsOut: number[] = [];
  const startsOut: number[] = [];
  const endsOut: number[] = [];
  let previous: string | undefined;
  const push = (name: string, start: number, end: number) => {
    previous = name;
    if (DROPPED.has(name)) return;
    kindsOut.push(kindCode(name));
    startsOut.push(start);
    endsOut.push(end);
  };
  let i = src.startsWith("#!") ? src.indexOf("\n") : 0;
  if (i < 0) i = src.length;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\n" || c === "\t" || c === "\r" || /\s/.test(c)) {
      i++;
      continue;
    }
    const comment = endOfComment(src, i);
    if (comment > i) {
      i = comment;
      continue;
    }
    let end: number;
    let name: string;
    NUMBER.lastIndex = i;
    const number = /[\d.]/.test(c) ? NUMBER.exec(src) : null;
    if (number !== null && number[0] !== ".") [end, name] = [i + number[0].length, "NUM"];
    else if (c === "'" || c === '"') [end, name] = [endOfString(src, i), "STR"];
    else if (c === "`") [end, name] = [endOfTemplate(src, i), "STR"];
    else if (ID_START.test(c)) {
      end = i + 1;
      while (end < src.length && ID_PART.test(src[end])) end++;
      const word = src.slice(i, end);
      name = KEYWORDS.has(word) && previous !== "." && previous !== "?." ? word : "ID";
    } else if (c === "/" && regExpAllowed(previous)) [end, name] = [endOfRegExp(src, i), "RE"];
    else {
      name = BY_FIRST.get(c)?.find((p) => src.startsWith(p, i)) ?? c;
      end = i + name.length;
    }
    push(name, i, end);
    i = end;
  }
  return {
    kinds: Int32Array.from(kindsOut),
    starts: Int32Array.from(startsOut),
    ends: Int32Array.from(endsOut),
  };
}
