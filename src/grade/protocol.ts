/**
 * The channel between the grader and the sandboxed child, both directions.
 *
 * - Grader → child: one JSON request on stdin ({@linkcode encodeRequest}), then stdin closes. It
 *   carries a fresh random nonce, which the child reads before it loads the submission.
 * - Child → grader: messages on stdout, each `\n<nonce> <json>\n` (the leading newline ends any
 *   half line the submission printed, so nothing can run into a message). Every other byte on
 *   stdout is the submission's own output: it is shown to the student, never interpreted. The
 *   submission cannot forge a message without the nonce, and the child sends only the submission's
 *   return values, never a verdict: scores are computed in the grader.
 *
 * {@linkcode ChannelReader} is the grader's strict parser: messages must be well-formed, in order,
 * and within a size limit; a violation ends the exercise. It streams: output is passed on as it
 * arrives, and only a message in progress is held, so the grader's memory does not grow with what
 * a child prints.
 *
 * @module
 */

import { decodeValue, encodeJson, FormatError, type Value } from "./codec.ts";
import type { Primitive } from "./contract.ts";

/** What the grader asks one child to do. */
export interface Request {
  /** The per-run secret that marks the child's messages. */
  nonce: string;
  /** `file:` URL of the submission module. */
  submission: string;
  /** The exercise (an export of the submission) to call. */
  exercise: string;
  /** One argument record per case. */
  cases: Record<string, Value>[];
  /** For `trainRnn`: which primitives come from the reference instead of the submission. */
  referencePrimitives: Primitive[];
  /** The resident memory, in MiB, past which the child reports `memory` and is killed. */
  memoryMb: number;
}

/** A message from the child, as the grader reads it. */
export type Message =
  | { t: "loaded" }
  | { t: "load-error"; message: string }
  | { t: "result"; case: number; value: Value }
  | { t: "error"; case: number; message: string }
  | { t: "memory" }
  | { t: "done" };

/** Writes a request as JSON text (values in the wire format of `codec.ts`). */
export function encodeRequest(req: Request): string {
  const cases = req.cases.map((args) =>
    `{${Object.entries(args).map(([k, v]) => `${JSON.stringify(k)}:${encodeJson(v)}`).join(",")}}`
  );
  const { cases: _, ...head } = req;
  return `${JSON.stringify(head).slice(0, -1)},"cases":[${cases.join(",")}]}`;
}

/** Reads a request in the child: the argument values decoded, tensors still as plain data. */
export function decodeRequest(text: string): Request {
  const raw = JSON.parse(text);
  return {
    nonce: String(raw.nonce),
    submission: String(raw.submission),
    exercise: String(raw.exercise),
    referencePrimitives: (raw.referencePrimitives as unknown[]).map(String) as Primitive[],
    memoryMb: Number(raw.memoryMb),
    cases: (raw.cases as Record<string, unknown>[]).map((args) =>
      Object.fromEntries(Object.entries(args).map(([k, v]) => [k, decodeValue(v, k)]))
    ),
  };
}

const MESSAGE_KEYS: Record<string, string[]> = {
  loaded: ["t"],
  "load-error": ["message", "t"],
  result: ["case", "t", "value"],
  error: ["case", "message", "t"],
  memory: ["t"],
  done: ["t"],
};

function parseMessage(json: string): Message {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new FormatError("a message that is not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new FormatError("a message that is not an object");
  }
  const msg = raw as Record<string, unknown>;
  const keys = MESSAGE_KEYS[String(msg.t)];
  if (!keys || Object.keys(msg).sort().join() !== keys.join()) {
    throw new FormatError(`a malformed message of type ${JSON.stringify(msg.t)}`);
  }
  if ("case" in msg && !Number.isSafeInteger(msg.case)) throw new FormatError("a bad case index");
  if ("message" in msg && typeof msg.message !== "string") {
    throw new FormatError("a bad error message");
  }
  if (msg.t === "result") {
    return { t: "result", case: msg.case as number, value: decodeValue(msg.value) };
  }
  return msg as Message;
}

/** One event of the child's stdout: a message (with its JSON text), or the submission's output. */
export type ChannelEvent =
  | { kind: "message"; message: Message; json: string }
  | { kind: "output"; text: string };

/** The longest message line, in characters: a result's JSON is at most 8 Mi characters. */
const MAX_MESSAGE = 9 << 20;

/**
 * The grader's side of stdout: feed it bytes as they come, get events. A message is a line
 * `<nonce> <json>` after a newline (a malformed one throws {@linkcode FormatError}), and the newline
 * before it is the child's; everything else is output, passed on at once except a tail that could
 * still begin a message. More than `limit` bytes in all throws a `FormatError` too.
 */
export class ChannelReader {
  #marker: string;
  #limit: number;
  #total = 0;
  #pending = "";
  #decoder = new TextDecoder();

  /** `nonce`: the run's secret; `limit`: the most bytes the child may write to stdout. */
  constructor(nonce: string, limit: number) {
    this.#marker = `\n${nonce} `;
    this.#limit = limit;
  }

  /** The events completed by `chunk`. */
  push(chunk: Uint8Array): ChannelEvent[] {
    this.#total += chunk.length;
    if (this.#total > this.#limit) {
      throw new FormatError(`more than ${this.#limit} bytes of output`);
    }
    let text = this.#decoder.decode(chunk, { stream: true });
    const events: ChannelEvent[] = [];
    if (this.#pending.startsWith(this.#marker)) { // a message in progress: look for its end only
      const end = text.indexOf("\n");
      if (end < 0) {
        this.#pending += text;
        if (this.#pending.length > MAX_MESSAGE) {
          throw new FormatError(`a message longer than ${MAX_MESSAGE} characters`);
        }
        return events;
      }
      this.#message(events, this.#pending.slice(this.#marker.length) + text.slice(0, end));
      text = text.slice(end + 1);
    } else {
      text = this.#pending + text; // at most the beginning of a marker
    }
    this.#pending = "";
    let from = 0;
    while (true) {
      const start = text.indexOf(this.#marker, from);
      if (start < 0) {
        const keep = this.#possibleStart(text, from);
        this.#output(events, text.slice(from, keep));
        this.#pending = text.slice(keep);
        return events;
      }
      this.#output(events, text.slice(from, start));
      const end = text.indexOf("\n", start + this.#marker.length);
      if (end < 0) {
        this.#pending = text.slice(start);
        return events;
      }
      this.#message(events, text.slice(start + this.#marker.length, end));
      from = end + 1;
    }
  }

  /** The output held back at the end (a last line that began like a message but never ended). */
  end(): ChannelEvent[] {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = "";
    const events: ChannelEvent[] = [];
    this.#output(events, rest);
    return events;
  }

  /** Where the tail of `text` that could begin the marker starts (`text.length` if none). */
  #possibleStart(text: string, from: number): number {
    for (let k = Math.min(this.#marker.length - 1, text.length - from); k > 0; k--) {
      if (this.#marker.startsWith(text.slice(text.length - k))) return text.length - k;
    }
    return text.length;
  }

  #message(events: ChannelEvent[], json: string): void {
    events.push({ kind: "message", message: parseMessage(json), json });
  }

  #output(events: ChannelEvent[], text: string): void {
    if (text !== "") events.push({ kind: "output", text });
  }
}
