#!/usr/bin/env bash
# Everything rnnlab checks and measures on a GPU, in one device call; results under $OUT.
#
# On the GPU machine (see ../shared/tools/gpu/README.md): here, once, `bash ../shared/tools/gpu/pack.sh`
# (add --cuda for onnxruntime's CUDA provider, which then travels in three more calls before this
# one); then one `run` with carry [".devpack/deno.xz", ".devpack/nm.tar.xz",
# ".devpack/denodir.tar.xz", ".devpack/gl", ".devpack/boot.sh"], timeout_s 540 and the command
#     bash bench/gpu_session.sh
# It goes on past a failing step and says which failed; each step has its own time limit, and the
# whole script is planned for about 5 minutes on an H200.
#
# Here, to rehearse it on the software adapter with the small preset (minutes, not seconds):
#     RNNLAB_GPU_REHEARSAL=1 OUT=/tmp/gpu-rehearsal bash bench/gpu_session.sh
#
# Steps, each logged to $OUT/<step>.log, with a summary in $OUT/summary.txt:
#   machine  the GPU, driver, Deno and the WebGPU adapter Deno picks
#   tests    the WebGPU tests (every fused kernel against tfjs's ops, fused vs reference curves,
#            determinism) on that adapter
#   verify   `deno task verify --backend webgpu`: the model golden and the 2-epoch curves on it
#   bench    `deno task bench --backends webgpu --profile` with PyTorch on cuda in the same run: the
#            step times, the host's share of them, and each fused kernel's GPU time
#   host     bench/fused_host_bench.ts: the host's time to record one fused step
#   train-*  the chapter's 200 epochs with the fused trainer, both samplers (run.json, curve, time)
#   band     `deno task verify --run`: both curves within ×1.15 of the chapter's printed ones
#   onnx     bench/onnx_eps.ts on each onnxruntime execution provider that starts
set -uo pipefail
export NO_COLOR=1 # plain logs
out=${OUT:?set OUT to the folder the results go to}
mkdir -p "$out"
[ -f .devpack/boot.sh ] && source .devpack/boot.sh
rehearsal=${RNNLAB_GPU_REHEARSAL:-}
preset=chapter iters=100 warmup=5 epochs=200 torch_device=cuda only=model,curves
# The chapter-sized 2-epoch curve takes ~20 min on llvmpipe: the rehearsal checks the model only.
[ -n "$rehearsal" ] && preset=small iters=2 warmup=1 epochs=3 torch_device=cpu only=model
allow=(--allow-read --allow-write --allow-env --allow-run --allow-ffi=node_modules)
failed=()

# step NAME SECONDS CMD...: runs CMD with a time limit, its output in $OUT/NAME.log.
step() {
  local name=$1 limit=$2 start=$SECONDS rc
  shift 2
  echo "== $name: $*"
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  rc=$?
  [ "$rc" = 0 ] || failed+=("$name (exit $rc)")
  echo "$name: exit $rc in $((SECONDS - start)) s" | tee -a "$out/summary.txt"
  tail -n 4 "$out/$name.log"
}

step machine 60 bash -c 'nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv;
  deno --version; deno eval "import { probeAdapter } from \"./src/train/backend.ts\";
  console.log(\"WebGPU adapter:\", JSON.stringify(await probeAdapter()));"'
step tests 240 deno test "${allow[@]}" test/fused_test.ts
step verify 180 deno task verify --backend webgpu --only "$only"
step bench 180 deno task bench --backends webgpu --preset "$preset" --iters "$iters" \
  --warmup "$warmup" --torch-device "$torch_device" --profile --out "$out"
grep -h -e '^| tfjs' -e '^| PyTorch' "$out"/profile-*.md 2>/dev/null | tee -a "$out/summary.txt"
step host 60 deno bench --allow-read --allow-env bench/fused_host_bench.ts
for iter in random consecutive; do
  step "train-$iter" 150 deno task train --backend webgpu --trainer fused --preset "$preset" \
    --iter "$iter" --epochs "$epochs" --out "$out/run-$iter"
done
step band 60 deno task verify --run "$out/run-random" --run "$out/run-consecutive"
step onnx 120 deno run "${allow[@]}" bench/onnx_eps.ts --run "$out/run-random" \
  --eps cuda,webgpu,cpu --out "$out/onnx_eps.json" --note "$(nvidia-smi -L 2>/dev/null | head -1)"

if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" | tee -a "$out/summary.txt"
  exit 1
fi
echo "all steps passed" | tee -a "$out/summary.txt"
