/**
 * The sandboxed child process: reads the grader's request from stdin, loads the submission, calls
 * one exercise's function once per case and sends back each return value (or the error it threw)
 * over the channel of `protocol.ts`. It never sees an expected answer and never judges one.
 *
 * Everything a case needs (its arguments as tensors, copies of its lists, its generator) is made
 * before the submission loads, and what runs after (calling, collecting a sampler's batches,
 * writing the JSON, sending it) uses only the built-ins of `intrinsics.ts`, taken before the
 * submission loads too: patching globals or prototypes cannot redirect, forge or alter what the
 * child sends. The entry modules are `child_entry.ts` and `child_entry_primitives.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { PyRandom } from "../random/py_random.ts";
import { encodeJson, TooLargeError, toTensors } from "./codec.ts";
import type {
  ExerciseName,
  Primitive,
  Primitives,
  RnnParams,
  Shuffler,
  Submission,
  TrainRnnConfig,
} from "./contract.ts";
import {
  append,
  bindTo,
  callWith,
  encodeUtf8,
  ErrorClass,
  isArray,
  isInstance,
  iteratorSymbol,
  sliceText,
  stringify,
  subarray,
  toText,
  typedLength,
  writeSync,
} from "./intrinsics.ts";
import { decodeRequest } from "./protocol.ts";

const encoder = new TextEncoder();
const stdout = Deno.stdout;
const exit = Deno.exit;

/** The most batches taken from a sampler: more than any correct sampler yields for these cases. */
const MAX_BATCHES = 10_000;

type Args = Record<string, unknown>;
type Module = Record<string, unknown>;
// deno-lint-ignore no-explicit-any
type AnyFn = (...args: any[]) => any;
/** One case, ready to run once the submission's module is loaded. */
type Call = (module: Module) => unknown;

/** An error of the child's own making, described without reading anything the submission can patch. */
class ChildFault {
  #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  static textOf(err: unknown): string | null {
    return typeof err === "object" && err !== null && #text in err ? err.#text : null;
  }
}

/** The submission's export `name`, which must be a function. */
function exported(module: Module, name: ExerciseName): AnyFn {
  const fn = module[name];
  if (typeof fn !== "function") {
    throw new ChildFault("TypeError: the submission does not export a function " + name);
  }
  return fn as AnyFn;
}

/**
 * A sampler's batches as an array: an array as it is (the JSON writer reads it by index), another
 * iterable through its own iterator; what is not iterable is returned as is, for the feedback.
 */
function take(batches: unknown): unknown {
  if (isArray(batches)) return batches;
  if (batches === null || batches === undefined) return batches;
  const iterate = (batches as Record<symbol, unknown>)[iteratorSymbol];
  if (typeof iterate !== "function") return batches;
  const iterator = callWith(iterate, batches) as Iterator<unknown>;
  const out: unknown[] = [];
  while (out.length <= MAX_BATCHES) {
    const step = iterator.next();
    if (step.done) break;
    append(out, step.value);
  }
  return out;
}

/**
 * `f` as the submission gets it: a bound function, whose source prints as `[native code]` (the
 * function it calls is out of reach: JavaScript gives no way from a bound function to its target).
 */
function opaque<F extends AnyFn>(f: F): F {
  return bindTo(f, undefined);
}

/**
 * The reference primitives as the submission gets them: each opaque, the samplers' generator
 * too (an object of its own, not the project's `PyRandom`, whose class would print its source).
 */
function opaquePrimitives(reference: Primitives): Primitives {
  return {
    rnn: opaque(reference.rnn),
    getInputs: opaque(reference.getInputs),
    dataIterRandom: opaque((corpus, batchSize, numSteps, rng) =>
      reference.dataIterRandom(corpus, batchSize, numSteps, rng)
    ),
    dataIterConsecutive: opaque(reference.dataIterConsecutive),
    gradClipping: opaque(reference.gradClipping),
  };
}

/** A generator of CPython's `random` as the submission gets it: `shuffle` only, opaque. */
function opaqueShuffler(rng: PyRandom): Shuffler {
  return { shuffle: opaque((x: number[]) => rng.shuffle(x)) };
}

/** Fresh trainable copies of `initial`, the same values on every call. */
function variables(initial: tf.Tensor[]): RnnParams {
  const out: tf.Tensor[] = [];
  for (let i = 0; i < initial.length; i++) append(out, tf.variable(initial[i].clone()));
  return out as unknown as RnnParams;
}

/**
 * How each exercise's function is called with a case's arguments: given them (and the reference
 * primitives, in the children that have them), returns the call to make once the module loads.
 * The grader calls the catalogue's mistakes the same way, in its own process (`mistakes/table.ts`).
 */
export const PREPARE: Record<
  ExerciseName,
  (a: Args, reference: Primitives | null, replaced: Primitive[]) => Call
> = {
  dataIterRandom: (a) => {
    const rng = opaqueShuffler(new PyRandom(a.seed as number)); // one for all the case's epochs
    const corpora: number[][] = []; // each epoch gets its own copy of the list
    for (let e = 0; e < (a.epochs as number); e++) {
      append(corpora, (a.corpusIndices as number[]).slice());
    }
    return (m) => {
      const fn = exported(m, "dataIterRandom");
      const epochs: unknown[] = [];
      for (let e = 0; e < corpora.length; e++) {
        append(epochs, take(fn(corpora[e], a.batchSize, a.numSteps, rng)));
      }
      return epochs;
    };
  },
  dataIterConsecutive: (a) => (m) =>
    take(exported(m, "dataIterConsecutive")(a.corpusIndices, a.batchSize, a.numSteps)),
  getInputs: (a) => (m) => exported(m, "getInputs")(a.data, a.vocabSize),
  rnn: (a) => (m) => exported(m, "rnn")(a.inputs, a.state, a.params),
  gradClipping: (a) => (m) => exported(m, "gradClipping")(a.grads, a.theta),
  perplexity: (a) => (m) => exported(m, "perplexity")(a.outputs, a.label),
  predictRnn: (a, reference) => {
    const idxToChar = a.idxToChar as string[];
    const charToIdx = new Map(idxToChar.map((c, i) => [c, i]));
    const { rnn, getInputs } = reference!;
    return (m) =>
      exported(m, "predictRnn")(
        rnn,
        a.prefix,
        a.numChars,
        a.params,
        a.hiddenDim,
        idxToChar,
        charToIdx,
        getInputs,
      );
  },
  trainRnn: (a, reference, replaced) => {
    const { params, seed, ...config } = a;
    const rng = opaqueShuffler(new PyRandom(seed as number));
    const fromReference: Record<string, boolean> = { __proto__: null } as never;
    for (const name of replaced) fromReference[name] = true;
    const primitive = <K extends Primitive>(m: Module, name: K): Primitives[K] =>
      fromReference[name] === true ? reference![name] : m[name] as Primitives[K];
    return (m) =>
      exported(m, "trainRnn")(config as unknown as TrainRnnConfig, {
        rnn: primitive(m, "rnn"),
        getInputs: primitive(m, "getInputs"),
        dataIterRandom: primitive(m, "dataIterRandom"),
        dataIterConsecutive: primitive(m, "dataIterConsecutive"),
        gradClipping: primitive(m, "gradClipping"),
        getParams: opaque(() => variables(params as tf.Tensor[])),
        rng,
      });
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

/**
 * What was thrown, in one line of at most 2000 characters, whatever it is: reading it runs the
 * submission's code (a Proxy's traps, getters, `toString`), which may throw anything in turn.
 */
function errorText(err: unknown): string {
  const ours = ChildFault.textOf(err);
  if (ours !== null) return ours;
  try {
    if (isInstance(TooLargeError, err)) return "TooLargeError: the value is too large to send";
    if (isInstance(ErrorClass, err)) {
      const e = err as Error;
      return sliceText("" + e.name + ": " + e.message, 0, 2000);
    }
    return sliceText("a thrown " + typeof err + ": " + toText(err), 0, 2000);
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
    let bytes = encodeUtf8(encoder, "\n" + request.nonce + " " + json + "\n");
    while (typedLength(bytes) > 0) bytes = subarray(bytes, writeSync(stdout, bytes));
  };
  const prepare = PREPARE[request.exercise as keyof Submission];
  const handed = reference === null ? null : opaquePrimitives(reference);
  const calls: Call[] = [];
  for (const args of request.cases) {
    const tensors: Args = {};
    for (const [k, v] of Object.entries(args)) tensors[k] = toTensors(v);
    append(calls, prepare(tensors, handed, request.referencePrimitives));
  }
  watchMemory(request.memoryMb, `\n${request.nonce} {"t":"memory"}\n`);
  let module: Module;
  try {
    module = await import(request.submission);
  } catch (err) {
    send('{"t":"load-error","message":' + stringify(errorText(err)) + "}");
    return exit(0);
  }
  send('{"t":"loaded"}');
  for (let i = 0; i < calls.length; i++) {
    let json: string;
    try {
      json = '{"t":"result","case":' + i + ',"value":' + encodeJson(calls[i](module)) + "}";
    } catch (err) {
      json = '{"t":"error","case":' + i + ',"message":' + stringify(errorText(err)) + "}";
    }
    send(json);
  }
  send('{"t":"done"}');
  return exit(0);
}
