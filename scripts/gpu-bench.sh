#!/usr/bin/env bash
# The GPU benchmark in one call (see shared/reference/README.md, "Running Node code on the GPU machine").
# The GPU machine has the NVIDIA driver (with its Vulkan ICD) and PyTorch, but no Node, no Vulkan loader, no network.
#
#   1. here:            bash scripts/gpu-bench.sh prepare     # fills .gpu/ (ignored by git), ~35 MB
#   2. on the machine:  run(command="bash scripts/gpu-bench.sh run", carry=[".gpu"], timeout_s=540)
#
# `run` counts the dispatches on the real adapter, measures host µs per dispatch, benchmarks the project's own model
# code on WebGPU (Dawn → Vulkan → NVIDIA) at B=16 and B=64 against the PyTorch twin on CUDA in the same call (same
# machine, back to back), profiles one B=16 step with timestamp queries, and brings it all back as $OUT/gpu-bench.md
# (docs/compute.md, "GPU machine"). GPU_BENCH_DRY=1 with VK_DRIVER_FILES set runs it small (plumbing only).
# Nothing here is timed by tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"

prepare() {
  rm -rf .gpu && mkdir -p .gpu/dist .gpu/scripts .gpu/debs .gpu/node_modules/webgpu/dist/linux-x64
  node esbuild.mjs
  cp dist/bench.js .gpu/dist/bench.js
  cp scripts/bench_torch.py scripts/rm_torch.py .gpu/scripts/
  # Node itself, compressed (~24 MB).
  xz -T2 -c "$(command -v node)" > .gpu/node.xz
  # A minimal `webgpu` package: the loader only needs package.json and the Dawn addon (we load dawn.node directly).
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/node_modules/webgpu/
  xz -T2 -c node_modules/webgpu/dist/linux-x64/dawn.node > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz
  # The Vulkan loader (the driver's ICD is already on the machine).
  local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  # shellcheck disable=SC2086
  apt-get $o update -qq
  # shellcheck disable=SC2086
  (cd .gpu/debs && apt-get $o download libvulkan1)
  du -sh .gpu
  echo "prepared .gpu; now: run(command=\"bash scripts/gpu-bench.sh run\", carry=[\".gpu\"])"
}

run() {
  [ -f .gpu/node.xz ] || { echo "missing .gpu/node.xz: run 'bash scripts/gpu-bench.sh prepare' first" >&2; exit 2; }
  # GPU_BENCH_DRY=1: a dry run of the script's plumbing on a development machine's SwiftShader (small shape, B=2, its
  # own Vulkan loader left alone), not a benchmark.
  local dry="${GPU_BENCH_DRY:-}" shape=() b16=16 b64=64
  if [ -n "$dry" ]; then shape=(--small); b16=2; b64=2; else
    for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  export VK_DRIVER_FILES="${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}" XDG_RUNTIME_DIR=/tmp
  mkdir -p /tmp/n && xz -dc .gpu/node.xz > /tmp/n/node && chmod +x /tmp/n/node
  xz -dc .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node
  local out="${OUT:-/tmp/gpu-bench-out}"
  mkdir -p "$out"
  cd .gpu
  # Each step has its own time budget (about 510 s in all, inside one 540 s call); a failed step leaves a note, and
  # the next step still runs. Everything lands in one file, $OUT/gpu-bench.md, and per step beside it.
  step() { # name seconds command...
    local name="$1" secs="$2"; shift 2
    echo "## $name" | tee -a "$out/gpu-bench.md"
    echo '```' >> "$out/gpu-bench.md"
    timeout "$secs" "$@" 2>&1 | grep -v 'XDG_RUNTIME_DIR' | tee "$out/$name.txt" | tee -a "$out/gpu-bench.md" || echo "($name: failed or over ${secs} s)" | tee -a "$out/gpu-bench.md"
    echo '```' >> "$out/gpu-bench.md"
  }
  { echo "# gpu-bench $(date -u +%FT%TZ)"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true; } | tee "$out/gpu-bench.md"
  # Dispatch counts on the real adapter (its storage-buffer limit may pack Adam differently than SwiftShader's 12).
  step counts 60 /tmp/n/node dist/bench.js --backends webgpu --count --batch "$b16" "${shape[@]}"
  # Host µs per dispatch with no-op programs, and host ms to encode one step, fused and stock.
  step host-cost 90 /tmp/n/node dist/bench.js --backends webgpu --host-cost --batch "$b16" "${shape[@]}"
  step bench-b16 120 env BENCH_TORCH_DEVICE=cuda /tmp/n/node dist/bench.js --backends webgpu --steps 5 --batch "$b16" "${shape[@]}"
  step bench-b64 150 env BENCH_TORCH_DEVICE=cuda /tmp/n/node dist/bench.js --backends webgpu --steps 5 --batch "$b64" "${shape[@]}"
  # Per-program GPU times of one B=16 step (timestamp queries): the GPU's busy share of the step.
  step profile-b16 90 env DAWN='enable-dawn-features=allow_unsafe_apis' /tmp/n/node dist/bench.js --backends webgpu --steps 1 --batch "$b16" --no-torch --profile "${shape[@]}"
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-bench.sh prepare|run" >&2; exit 2 ;;
esac
