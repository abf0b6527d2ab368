#!/usr/bin/env bash
# Everything rnnlab checks and measures on a GPU, in one device call; results under $OUT.
#
# On the GPU machine (see ../shared/tools/gpu/README.md): here, once, `bash ../shared/tools/gpu/pack.sh`
# (add --cuda for onnxruntime's CUDA provider, which then travels in three more calls before this
# one); then one `run` with carry [".devpack/deno.xz", ".devpack/nm.tar.xz",
# ".devpack/denodir.tar.xz", ".devpack/gl", ".devpack/boot.sh", "data"], timeout_s 540 and the
# command
#     bash bench/gpu_session.sh
# ("data" is ./data/ holding the corpus zips, copied from ../shared/data/, which does not travel.)
# It goes on past a failing step and says which failed; each step has its own time limit, cut to
# what is left of RNNLAB_GPU_BUDGET_S (default 480 s), so the script ends before the call's limit.
# The most important step runs first. The device returns at most 8 files, so everything goes into
# $OUT/results.tgz (repacked after each step, so a killed call still returns what ran), with
# $OUT/summary.txt beside it. On an H200 on 2026-11-27 the whole script took 280 s.
#
# Here, to rehearse it on the software adapter with the small preset (about a minute):
#     RNNLAB_GPU_REHEARSAL=1 OUT=/tmp/gpu-rehearsal bash bench/gpu_session.sh
#
# Steps, in this order, each logged to <step>.log in the tarball, with a summary in summary.txt:
#   machine  the GPU, driver, Deno and the WebGPU adapter Deno picks
#   bench    `deno task bench --backends webgpu --profile` with PyTorch on cuda in the same run: the
#            step times, the host's share of them, and each fused kernel's GPU time
#   host     bench/fused_host_bench.ts: the host's time to record one fused step
#   tests    the WebGPU tests (every fused kernel against tfjs's ops, fused vs reference curves,
#            determinism) on that adapter
#   train-*  the chapter's 200 epochs with the fused trainer, both samplers (run.json, curve, time)
#   band     `deno task verify --run`: both curves within ×1.15 of the chapter's printed ones
#   verify   `deno task verify --backend webgpu`: the model golden, the 2-epoch curves and the
#            float64 contract (every trainer, the fused one on every case) on it
#   onnx     bench/onnx_eps.ts on each onnxruntime execution provider that starts
set -uo pipefail
export NO_COLOR=1 # plain logs
out=${OUT:?set OUT to the folder the results go to}
budget=${RNNLAB_GPU_BUDGET_S:-480}
res=$(mktemp -d)
mkdir -p "$out"
[ -f .devpack/boot.sh ] && source .devpack/boot.sh
rehearsal=${RNNLAB_GPU_REHEARSAL:-}
preset=chapter iters=100 warmup=5 epochs=200 torch_device=cuda only=model,curves,contract
# The chapter-sized 2-epoch curve takes ~20 min on llvmpipe: the rehearsal checks the model only.
[ -n "$rehearsal" ] && preset=small iters=2 warmup=1 epochs=3 torch_device=cpu only=model
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

step machine 60 bash -c 'nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv;
  deno --version; deno eval "import { probeAdapter } from \"./src/train/backend.ts\";
  console.log(\"WebGPU adapter:\", JSON.stringify(await probeAdapter()));"'
step bench 180 deno task bench --backends webgpu --preset "$preset" --iters "$iters" \
  --warmup "$warmup" --torch-device "$torch_device" --profile --results "$res"
grep -h -e '^| tfjs' -e '^| PyTorch' "$res"/profile-*.md 2>/dev/null | tee -a "$res/summary.txt"
step host 60 deno bench --allow-read --allow-env bench/fused_host_bench.ts
step tests 240 deno test "${allow[@]}" test/fused_test.ts
for iter in random consecutive; do
  step "train-$iter" 150 deno task train --backend webgpu --trainer fused --preset "$preset" \
    --iter "$iter" --epochs "$epochs" --out "$res/run-$iter"
done
step band 60 deno task verify --run "$res/run-random" --run "$res/run-consecutive"
step verify 180 deno task verify --backend webgpu --only "$only"
step onnx 120 deno run "${allow[@]}" bench/onnx_eps.ts --run "$res/run-random" \
  --eps cuda,webgpu,cpu --out "$res/onnx_eps.json" --note "$(nvidia-smi -L 2>/dev/null | head -1)"

if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" | tee -a "$res/summary.txt"
  pack
  exit 1
fi
echo "all steps passed" | tee -a "$res/summary.txt"
pack
