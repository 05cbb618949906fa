#!/usr/bin/env bash
# The GPU benchmark in one call (see shared/reference/README.md, "Running Node code on the GPU machine").
# The GPU machine has the NVIDIA driver (with its Vulkan ICD) and PyTorch, but no Node, no Vulkan loader, no network.
#
#   1. here:            bash scripts/gpu-bench.sh prepare     # fills .gpu/ (ignored by git), ~35 MB
#   2. on the machine:  run(command="bash scripts/gpu-bench.sh run", carry=[".gpu"], timeout_s=540)
#
# `run` benchmarks the project's own model code on WebGPU (Dawn → Vulkan → NVIDIA) at B=16 and B=64 against the
# PyTorch twin on CUDA in the same call (same machine, back to back), prints one profile of a B=16 step, and copies
# the tables to $OUT. Nothing here is timed by tests.
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
  for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json XDG_RUNTIME_DIR=/tmp
  mkdir -p /tmp/n && xz -dc .gpu/node.xz > /tmp/n/node && chmod +x /tmp/n/node
  xz -dc .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  local out="${OUT:-/tmp/gpu-bench-out}"
  mkdir -p "$out"
  cd .gpu
  /tmp/n/node -e "require('./dist/bench.js')" --help >/dev/null 2>&1 || true
  for b in 16 64; do
    echo "== B=$b: webgpu vs torch cuda"
    BENCH_TORCH_DEVICE=cuda timeout 240 /tmp/n/node dist/bench.js --backends webgpu --steps 5 --batch "$b" 2>&1 | tee "$out/bench-b$b.md" || echo "B=$b failed or timed out"
  done
  echo "== profile of one B=16 step on webgpu (timestamp queries)"
  DAWN='enable-dawn-features=allow_unsafe_apis' timeout 120 /tmp/n/node dist/bench.js --backends webgpu --steps 1 --batch 16 --no-torch --profile 2>&1 | tee "$out/profile-b16.txt" || true
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bash scripts/gpu-bench.sh prepare|run" >&2; exit 2 ;;
esac
