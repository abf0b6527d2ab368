/**
 * A worker thread of `gemm_threads.ts`: the kernel on the shared memory it is given, warmed up,
 * then tiles of every product until the process ends.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";
import { gemmThread, serveJobs, warmUp } from "./gemm_threads.ts";

const thread = gemmThread(workerData.memory);
warmUp(thread);
parentPort!.postMessage("ready");
serveJobs(thread);
