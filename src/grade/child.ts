/**
 * The sandboxed child process: reads the grader's request from stdin, loads the submission, calls
 * one exercise's function once per case and sends back each return value (or the error it threw)
 * over the channel of `protocol.ts`. It never sees an expected answer and never judges one.
 *
 * Everything the child needs after the submission has loaded (the stdout writer, the text encoder,
 * `Deno.exit`, the JSON writer of `codec.ts`) is captured when this module is evaluated, before
 * the submission's code runs, so patching globals cannot redirect or forge the channel. The entry
 * modules are `child_entry.ts` and `child_entry_primitives.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { PyRandom } from "../random/py_random.ts";
import { encodeJson, toTensors } from "./codec.ts";
import type {
  ExerciseName,
  Primitive,
  Primitives,
  RnnParams,
  Submission,
  TrainRnnConfig,
} from "./contract.ts";
import { decodeRequest } from "./protocol.ts";

const call = Function.prototype.call;
const writeSync = call.bind(Deno.stdout.writeSync) as (self: unknown, b: Uint8Array) => number;
const subarray = call.bind(Uint8Array.prototype.subarray) as (
  b: Uint8Array,
  s: number,
) => Uint8Array;
const utf8 = call.bind(TextEncoder.prototype.encode) as (
  self: TextEncoder,
  s: string,
) => Uint8Array;
const encoder = new TextEncoder();
const stdout = Deno.stdout;
const exit = Deno.exit;
const stringify = JSON.stringify;

/** The most batches taken from a sampler: more than any correct sampler yields for these cases. */
const MAX_BATCHES = 10_000;

type Args = Record<string, unknown>;
// deno-lint-ignore no-explicit-any
type AnyFn = (...args: any[]) => unknown;
interface Context {
  /** The submission's exports. */
  module: Record<string, unknown>;
  /** The reference primitives, in the children that get them. */
  reference: Primitives | null;
  /** Which primitives `trainRnn` takes from `reference`. */
  referencePrimitives: Primitive[];
}

/** A sampler's batches as an array; what is not iterable is returned as is, for the feedback. */
function take(batches: unknown): unknown {
  if (typeof (batches as Iterable<unknown>)?.[Symbol.iterator] !== "function") return batches;
  const out: unknown[] = [];
  for (const batch of batches as Iterable<unknown>) {
    out.push(batch);
    if (out.length > MAX_BATCHES) break;
  }
  return out;
}

function primitive<K extends Primitive>(ctx: Context, name: K): Primitives[K] {
  if (!ctx.referencePrimitives.includes(name)) return ctx.module[name] as Primitives[K];
  if (ctx.reference === null) throw new Error(`internal: no reference ${name} in this child`);
  return ctx.reference[name];
}

/** How each exercise's function is called with a case's arguments. */
const CALLS: Record<ExerciseName, (fn: AnyFn, a: Args, ctx: Context) => unknown> = {
  dataIterRandom: (fn, a) => {
    const rng = new PyRandom(a.seed as number); // one generator for all the epochs of a case
    return Array.from(
      { length: a.epochs as number },
      () => take(fn((a.corpusIndices as number[]).slice(), a.batchSize, a.numSteps, rng)),
    );
  },
  dataIterConsecutive: (fn, a) => take(fn(a.corpusIndices, a.batchSize, a.numSteps)),
  getInputs: (fn, a) => fn(a.data, a.vocabSize),
  rnn: (fn, a) => fn(a.inputs, a.state, a.params),
  gradClipping: (fn, a) => fn(a.grads, a.theta),
  perplexity: (fn, a) => fn(a.outputs, a.label),
  predictRnn: (fn, a, ctx) => {
    const idxToChar = a.idxToChar as string[];
    const charToIdx = new Map(idxToChar.map((c, i) => [c, i]));
    const { rnn, getInputs } = ctx.reference!;
    return fn(rnn, a.prefix, a.numChars, a.params, a.hiddenDim, idxToChar, charToIdx, getInputs);
  },
  trainRnn: (fn, a, ctx) => {
    const { params, seed, ...config } = a;
    const initial = params as tf.Tensor[];
    const getParams = () => initial.map((t) => tf.variable(t.clone())) as unknown as RnnParams;
    const parts = {
      rnn: primitive(ctx, "rnn"),
      getInputs: primitive(ctx, "getInputs"),
      dataIterRandom: primitive(ctx, "dataIterRandom"),
      dataIterConsecutive: primitive(ctx, "dataIterConsecutive"),
      gradClipping: primitive(ctx, "gradClipping"),
      getParams,
      rng: new PyRandom(seed as number),
    };
    return fn(config as unknown as TrainRnnConfig, parts);
  },
};

/**
 * Starts a thread that watches the process's resident memory and reports `memory` on the channel
 * past `memoryMb`. It runs beside a submission that never yields, in a realm the submission cannot
 * reach, and needs no permission (its code is a blob URL).
 */
function watchMemory(memoryMb: number, line: string): void {
  const code = `self.onmessage = ({ data: { limit, line } }) => {
    const bytes = new TextEncoder().encode(line);
    setInterval(() => { if (Deno.memoryUsage().rss > limit) Deno.stdout.writeSync(bytes); }, 100);
  };`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  new Worker(url, { type: "module" }).postMessage({ limit: memoryMb * 2 ** 20, line });
}

function errorText(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 2000);
    return `a thrown ${typeof err}: ${String(err)}`.slice(0, 2000);
  } catch {
    return "an error that cannot be described";
  }
}

/**
 * Runs the child: request in, messages out, then exits. `reference` are the reference primitives
 * the entry module loaded, or `null`.
 */
export async function runChild(reference: Primitives | null): Promise<never> {
  tf.enableProdMode(); // no "install tfjs-node" notice in the student's output
  await tf.setBackend("cpu");
  const request = decodeRequest(await new Response(Deno.stdin.readable).text());
  const send = (json: string) => {
    let bytes = utf8(encoder, `\n${request.nonce} ${json}\n`);
    while (bytes.length > 0) bytes = subarray(bytes, writeSync(stdout, bytes));
  };
  watchMemory(request.memoryMb, `\n${request.nonce} {"t":"memory"}\n`);
  let module: Record<string, unknown>;
  try {
    module = await import(request.submission);
  } catch (err) {
    send(`{"t":"load-error","message":${stringify(errorText(err))}}`);
    return exit(0);
  }
  send('{"t":"loaded"}');
  const exercise = request.exercise as keyof Submission;
  const ctx: Context = {
    module,
    reference,
    referencePrimitives: request.referencePrimitives,
  };
  for (let i = 0; i < request.cases.length; i++) {
    try {
      const fn = module[exercise];
      if (typeof fn !== "function") {
        throw new TypeError(`the submission does not export a function ${exercise}`);
      }
      const args = Object.fromEntries(
        Object.entries(request.cases[i]).map(([k, v]) => [k, toTensors(v)]),
      );
      const value = CALLS[exercise](fn as AnyFn, args, ctx);
      send(`{"t":"result","case":${i},"value":${encodeJson(value)}}`);
    } catch (err) {
      send(`{"t":"error","case":${i},"message":${stringify(errorText(err))}}`);
    }
  }
  send('{"t":"done"}');
  return exit(0);
}
