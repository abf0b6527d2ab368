/**
 * Opening an onnxruntime session on the best execution provider (EP) this machine has.
 *
 * `auto` tries CUDA, then WebGPU, then the CPU. onnxruntime-node throws when a provider cannot
 * start (CUDA: its provider library or CUDA itself cannot be loaded; WebGPU: no adapter), so each
 * failure is caught, its first line kept as the reason, and the next provider tried. WebGPU is not
 * even started on a Linux machine without Vulkan (`vulkan.ts`): it would fail after printing
 * native warnings. A session
 * does not say which provider it runs on, so a provider counts only once a session created with
 * it alone has also run one step.
 *
 * @module
 */

import * as ort from "onnxruntime-node";
import { UsageError } from "../errors.ts";
import { GRAPH_IO } from "../onnx/rnn_graph.ts";
import { cudaHint } from "./cuda_setup.ts";
import { forward } from "./forward.ts";
import { hasVulkanLoader, VULKAN_LOADER } from "./vulkan.ts";

/** An execution provider rnnlab can run on. */
export type EpName = "cuda" | "webgpu" | "cpu";

/** A `--ep` value: one provider, or `auto`. */
export type EpChoice = "auto" | EpName;

/** The `--ep` values. */
export const EP_CHOICES: readonly EpChoice[] = ["auto", "cuda", "webgpu", "cpu"];

/** The order `auto` tries the providers in. */
export const AUTO_ORDER: readonly EpName[] = ["cuda", "webgpu", "cpu"];

/** A provider that was tried and could not run, and why. */
export interface SkippedEp {
  /** The provider. */
  ep: EpName;
  /** The first line of onnxruntime's error. */
  reason: string;
}

/** A session ready to run, with the provider it runs on and the ones tried before it. */
export interface RnnSession {
  /** The onnxruntime session. */
  session: ort.InferenceSession;
  /** The provider the session was created with (and has run a step on). */
  ep: EpName;
  /** The providers tried first, in order, with the reason each was skipped. */
  skipped: SkippedEp[];
  /** The model's hidden size, from its `h0` input. */
  hidden: number;
}

/** onnxruntime's own log lines (provider failures are reported through the errors instead). */
ort.env.logLevel = "fatal";

/** The hidden size: the last dimension of the `h0` input. */
function hiddenSize(session: ort.InferenceSession): number {
  const h0 = session.inputMetadata.find((m) => m.name === GRAPH_IO.h0);
  const last = h0?.isTensor ? h0.shape[h0.shape.length - 1] : undefined;
  if (typeof last !== "number") throw new Error(`the model has no '${GRAPH_IO.h0}' input`);
  return last;
}

/** Creates a session on `ep` alone and runs one step on it; throws if either fails. */
async function tryEp(model: Uint8Array, ep: EpName): Promise<RnnSession> {
  const session = await ort.InferenceSession.create(model, { executionProviders: [ep] });
  try {
    const hidden = hiddenSize(session);
    await forward(session, [[0]], new Float32Array(hidden));
    return { session, ep, skipped: [], hidden };
  } catch (err) {
    await session.release();
    throw err;
  }
}

/**
 * The useful part of onnxruntime's error: its first line, without the `file.cc:LINE function
 * condition was false.` prefix of a failed internal check.
 */
export function failureReason(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).trim().split("\n")[0];
  return line.replace(/^\S+\.(?:cc|cpp|h):\d+ .* was false\. /, "");
}

/**
 * Why the WebGPU provider cannot start here, found without starting it (which would print Dawn's
 * warnings on stderr), or `undefined` when it may.
 */
function webgpuBlocked(): string | undefined {
  if (Deno.build.os !== "linux" || hasVulkanLoader()) return undefined;
  return `no Vulkan loader (${VULKAN_LOADER}), which onnxruntime's WebGPU provider needs on Linux`;
}

/**
 * Opens `model` on `choice`: `auto` walks {@linkcode AUTO_ORDER} and records why each provider
 * before the one that runs was skipped; a single provider that cannot run is a one-line
 * {@linkcode UsageError}.
 */
export async function openRnnSession(model: Uint8Array, choice: EpChoice): Promise<RnnSession> {
  const skipped: SkippedEp[] = [];
  for (const ep of choice === "auto" ? AUTO_ORDER : [choice]) {
    const blocked = ep === "webgpu" ? webgpuBlocked() : undefined;
    if (blocked !== undefined) {
      skipped.push({ ep, reason: blocked });
      continue;
    }
    try {
      return { ...await tryEp(model, ep), skipped };
    } catch (err) {
      const reason = failureReason(err);
      const noCuda = ep === "cuda" && reason.includes("Failed to load shared library");
      skipped.push({ ep, reason: noCuda ? `${reason}; ${cudaHint()}` : reason });
    }
  }
  const tried = skipped.map((s) => `${s.ep}: ${s.reason}`).join("; ");
  throw new UsageError(
    choice === "auto"
      ? `no execution provider could run the model (${tried})`
      : `--ep ${choice} is unavailable here (${skipped[0].reason})`,
  );
}

/** One line per provider: which one runs, then why each earlier one was skipped. */
export function describeEps(s: RnnSession): string[] {
  return [
    `execution provider: ${s.ep}`,
    ...s.skipped.map((k) => `  skipped ${k.ep}: ${k.reason}`),
  ];
}
