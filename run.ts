/**
 * rnnlab's run API, for whoever runs the chapter rather than reads it: a recorded run (trained
 * into a folder after every epoch, stopped and resumed bit for bit), sweeps of runs, comparisons,
 * the verification against the goldens, and the benchmarks. `deno task train`, `sweep`, `compare`,
 * `verify` and `bench` are thin command lines over these.
 *
 * - runs: {@linkcode runTraining}, {@linkcode resumeTraining}, {@linkcode readRunDir};
 * - sweeps: {@linkcode expandPlan} (or {@linkcode readPlanFile}), {@linkcode checkPlan},
 *   {@linkcode openSweepFolder}, {@linkcode runSweep}, {@linkcode collectSweep};
 * - comparisons: {@linkcode loadRuns}, {@linkcode comparisonTable}, {@linkcode comparisonHtml};
 * - verification: {@linkcode verify};
 * - benchmarks: {@linkcode runBench}, {@linkcode runEndToEnd}.
 *
 * @module
 */

export {
  type ResumeOptions,
  resumeTraining,
  type RunOptions,
  runTraining,
  type SessionOptions,
  type TrainedRun,
} from "./src/run/run.ts";
export { readRunDir } from "./src/run/run_dir.ts";
export { RUN_FORMAT, type RunRecord, type RunSession, type RunStatus } from "./src/run/record.ts";
export type { LockOwner, RunLock } from "./src/run/lock.ts";
export type { Environment } from "./src/run/machine.ts";
export type { Shard } from "./src/cli/shard.ts";
export { RUN_FLAGS, type RunFlagName } from "./src/run/train_flags.ts";
export type { RunChoices } from "./src/run/train_args.ts";
export {
  expandPlan,
  type FlagValue,
  type Plan,
  PLAN_FORMAT,
  type PlannedRun,
  type PlanSpec,
  readPlanFile,
} from "./src/sweep/plan.ts";
export {
  type CheckedPlan,
  checkPlan,
  collectSweep,
  openSweepFolder,
  runSweep,
  SWEEP_FORMAT,
  type SweepFolder,
  type SweepOutcome,
  type SweepState,
} from "./src/sweep/sweep.ts";
export {
  type AggregateRow,
  type RowStatus,
  type SharedSettings,
  type Spread,
  type Summary,
  SUMMARY_FORMAT,
  type SummaryRow,
} from "./src/sweep/summary.ts";
export {
  type ComparedRun,
  comparisonHtml,
  comparisonTable,
  loadRuns,
} from "./src/compare/compare.ts";
export {
  verify,
  VERIFY_GROUPS,
  type VerifyGroup,
  type VerifyOptions,
  type VerifyResult,
} from "./src/verify/verify.ts";
export { type Check } from "./src/verify/check.ts";
export { type BenchOptions, runBench } from "./src/bench/bench.ts";
export { BENCH_BACKENDS, type BenchBackend, type BenchCommon } from "./src/bench/result.ts";
export type { BenchResult, BenchRow, BenchTorchRow } from "./src/bench/step_result.ts";
export type { Ratios } from "./src/bench/rounds.ts";
export type { StepStats } from "./src/bench/step_result.ts";
export type { ResultHeader } from "./src/bench/result.ts";
export type { LoadGuard } from "./src/bench/quiet.ts";
export type { LoadRecord, LoadWindow, ProcessShare } from "./src/bench/load.ts";
export type { Percentiles } from "./src/bench/stats.ts";
export type { ProgramRun } from "./src/bench/end_to_end.ts";
export type { AdapterFingerprint, TorchFingerprint } from "./src/bench/fingerprint.ts";
export type { Summary as TimingSummary } from "./src/bench/stats.ts";
export { type GatedResult, type GateVerdict, gateVerdict } from "./src/bench/gate.ts";
export type { Fingerprint } from "./src/bench/fingerprint.ts";
export type { StepTiming } from "./src/bench/train_bench.ts";
export type { KernelProfile, KernelRow } from "./src/bench/profile.ts";
export { TORCH_IMPLS, type TorchImpl, type TorchTiming } from "./src/bench/torch_baseline.ts";
export {
  type EndToEndOptions,
  type EndToEndResult,
  type EndToEndRow,
  runEndToEnd,
} from "./src/bench/end_to_end.ts";
