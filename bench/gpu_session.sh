#!/usr/bin/env bash
# Everything rnnlab checks and measures on a GPU, in one device call; results under $OUT.
#
# On the GPU machine (see ../shared/tools/gpu/README.md). Here, once: `bash
# ../shared/tools/gpu/pack.sh --cuda` (onnxruntime's CUDA provider travels in three parts), and
# copy the corpus zips from ../shared/data/ into ./data/ (../shared does not travel). Then four
# `run` calls back to back, while the machine stays warm (it is given back after ~30 s idle):
#   1. carry [".devpack/deno.xz", ".devpack/nm.tar.xz", ".devpack/denodir.tar.xz", ".devpack/gl",
#      ".devpack/boot.sh", ".devpack/libonnxruntime_providers_shared.so", ".devpack/cuda.sha256",
#      "data"], command `source .devpack/boot.sh`, timeout_s 300;
#   2. carry [".devpack/cuda1"], command `source .devpack/boot.sh`;
#   3. carry [".devpack/cuda2"], command `source .devpack/boot.sh`;
#   4. carry [".devpack/cuda3"], timeout_s 600, command
#          source .devpack/boot.sh && bash bench/gpu_session.sh
#      (boot.sh installs the CUDA provider once the third part is there.)
# Without the CUDA provider (pack.sh without --cuda), call 1 alone carries the devpack and runs
# `source .devpack/boot.sh && bash bench/gpu_session.sh`; the onnx step then lists CUDA as unable
# to start. The script goes on past a failing step and says which failed; each step has its own
# time limit, cut to what is left of RNNLAB_GPU_BUDGET_S (default 540 s), so the script ends before
# the call's limit, and the steps run most important first. The device returns at most 8 files,
# so everything goes into $OUT/results.tgz (repacked after each step, so a killed call still
# returns what ran), with $OUT/summary.txt beside it.
#
# Here, to rehearse it on the software adapter with the small preset (a few minutes):
#     RNNLAB_GPU_REHEARSAL=1 OUT=/tmp/gpu-rehearsal bash bench/gpu_session.sh
#
# Steps, in this order, each logged to <step>.log in the tarball, with a summary in summary.txt:
#   machine    the GPU, driver, Deno, the WebGPU adapter Deno picks and its limits
#   bench      `deno task bench --trainers fused --repeat 3`: the fused step against PyTorch eager
#              and torch.nn.RNN (cuDNN) on cuda, interleaved rounds with 95 % intervals, the
#              first step apart, per-step P50/P90/P99, the split of a step into the host's
#              recording, the wait for read-back and the GPU's time by timestamp queries (each
#              fused kernel's, the cooperative recurrence kernels among them), the load and the
#              fingerprint (adapter, driver's PyTorch, cuDNN)
#   e2e        `deno task bench --end-to-end --epochs 20 --repeat 3`: a tenth of the chapter's
#              program with its predictions, deno task train (the default trainer: fused) against
#              PyTorch eager's and nn.RNN's programs, interleaved; the predictions' share of each
#   tests      the WebGPU tests (every fused kernel against tfjs's ops and a float64 loop, both
#              recurrence kinds, the one-launch predictions against predictRnn, fused vs
#              reference curves, determinism) on that adapter
#   verify     `deno task verify --backend webgpu`: the model golden, the 2-epoch curves and the
#              float64 contract (every trainer, the fused one on every case) on it
#   recurrence bench/recurrence_bench.ts: fwd and bptt of both kinds at the chapter's sizes
#   train-random  the chapter's 200 epochs (default trainer), run.json with predictionSeconds
#   onnx       bench/onnx_eps.ts on each onnxruntime execution provider (CUDA, WebGPU, CPU):
#              parity with tfjs and latency, on the random run's parameters
#   host       bench/fused_host_bench.ts: the host's time to record one fused step
#   train-consecutive, band  the other sampler's 200 epochs; `deno task verify --run` on both
#   compile    `deno task bench --torch-impls eager,compile`: torch.compile's step (it compiles
#              first, which takes a while: the first step apart), beside eager's in the same run
set -uo pipefail
export NO_COLOR=1 # plain logs
out=${OUT:?set OUT to the folder the results go to}
budget=${RNNLAB_GPU_BUDGET_S:-540}
res=$(mktemp -d)
mkdir -p "$out"
[ -f .devpack/boot.sh ] && source .devpack/boot.sh
rehearsal=${RNNLAB_GPU_REHEARSAL:-}
preset=chapter iters=100 warmup=5 epochs=200 e2e_epochs=20 rounds=3 torch_device=cuda
only=model,curves,contract
# The chapter-sized runs take minutes a step on llvmpipe: the rehearsal runs the small preset,
# and verify checks the model and the contract's small cases (the chapter-sized ones are a skip
# row there).
[ -n "$rehearsal" ] && preset=small iters=2 warmup=1 epochs=3 e2e_epochs=2 rounds=2 \
  torch_device=cpu only=model,contract
allow=(--allow-read --allow-write --allow-env --allow-run --allow-ffi=node_modules)
failed=()

# pack: the results so far into $OUT/results.tgz (replaced whole), and summary.txt beside it.
pack() {
  tar -C "$res" -czf "$out/results.tgz.part" . && mv -f "$out/results.tgz.part" "$out/results.tgz"
  cp "$res/summary.txt" "$out/summary.txt"
}

# step NAME SECONDS CMD...: runs CMD with a time limit (cut to what is left of the budget), its
# output in NAME.log; skipped when under 20 s are left.
step() {
  local name=$1 limit=$2 start=$SECONDS rc left=$((budget - SECONDS))
  shift 2
  if [ "$left" -lt 20 ]; then
    failed+=("$name (skipped: budget spent)")
    echo "$name: skipped, ${left} s of the budget left" | tee -a "$res/summary.txt"
    pack
    return
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo "== $name: $*"
  timeout "$limit" "$@" >"$res/$name.log" 2>&1
  rc=$?
  [ "$rc" = 0 ] || failed+=("$name (exit $rc)")
  echo "$name: exit $rc in $((SECONDS - start)) s" | tee -a "$res/summary.txt"
  tail -n 4 "$res/$name.log"
  pack
}

# rows DIR: the load line and the table rows of the bench results in DIR, into the summary.
rows() {
  grep -h -e '^\*\*NOISY' -e '^\*\*quiet' -e '^| tfjs' -e '^| PyTorch' -e '^| rnnlab' \
    "$1"/*.md 2>/dev/null | tee -a "$res/summary.txt"
}

step machine 60 bash -c 'nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv;
  deno --version; deno eval "import { probeAdapter } from \"./src/train/backend.ts\";
  console.log(\"WebGPU adapter:\", JSON.stringify(await probeAdapter()));
  const a = await navigator.gpu?.requestAdapter();
  console.log(\"workgroup storage\", a?.limits.maxComputeWorkgroupStorageSize, \"invocations\",
    a?.limits.maxComputeInvocationsPerWorkgroup);"'
mkdir -p "$res/bench" "$res/e2e" "$res/compile"
step bench 180 deno task bench --backends webgpu --trainers fused --preset "$preset" \
  --iters "$iters" --warmup "$warmup" --repeat "$rounds" --torch-device "$torch_device" \
  --torch-impls eager,nn-rnn --results "$res/bench"
rows "$res/bench"
step e2e 200 deno task bench --end-to-end --backends webgpu --preset "$preset" \
  --epochs "$e2e_epochs" --repeat "$rounds" --torch-device "$torch_device" \
  --torch-impls eager,nn-rnn --results "$res/e2e"
rows "$res/e2e"
step tests 150 deno test "${allow[@]}" test/fused_test.ts
step verify 150 deno task verify --backend webgpu --only "$only"
step recurrence 60 deno run --allow-read --allow-env bench/recurrence_bench.ts --preset "$preset"
step train-random 90 deno task train --backend webgpu --preset "$preset" --iter random \
  --epochs "$epochs" --out "$res/run-random"
step onnx 90 deno run "${allow[@]}" bench/onnx_eps.ts --run "$res/run-random" \
  --eps cuda,webgpu,cpu --out "$res/onnx_eps.json" --note "$(nvidia-smi -L 2>/dev/null | head -1)"
step host 40 deno bench --allow-read --allow-env bench/fused_host_bench.ts
step train-consecutive 90 deno task train --backend webgpu --preset "$preset" --iter consecutive \
  --epochs "$epochs" --out "$res/run-consecutive"
step band 40 deno task verify --run "$res/run-random" --run "$res/run-consecutive"
step compile 150 deno task bench --backends webgpu --trainers fused --preset "$preset" \
  --iters "$iters" --warmup "$warmup" --torch-device "$torch_device" --torch-impls eager,compile \
  --results "$res/compile"
rows "$res/compile"

if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" | tee -a "$res/summary.txt"
  pack
  exit 1
fi
echo "all steps passed" | tee -a "$res/summary.txt"
pack
