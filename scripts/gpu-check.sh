#!/usr/bin/env bash
# What a machine with an NVIDIA GPU runs to check the GPU path, in one go, into runs/gpu-check/:
#   1. build with -Pcuda (ONNX Runtime's CUDA build, DJL's CUDA PyTorch);
#   2. train every kind briefly on MNIST and export each as FP32 and as FP16;
#   3. parity: every bundle's scores with --provider cuda against the FP32 bundle on the CPU;
#   4. images/s at batch 1..4096, FP32 next to FP16, on the GPU;
#   5. bench-stream --provider cuda: the streaming scorer on the GPU next to a Kafka pass-through.
#
# Needs: Java 17, Maven Central (the first build downloads ~2 GB of CUDA libraries), an NVIDIA
# driver, and CUDA 12 with cuDNN 9 libraries on the loader path (ONNX Runtime's Java CUDA build
# links against them; a driver for CUDA 13 runs CUDA 12 libraries).
#
#   scripts/gpu-check.sh            run it (on a machine without a GPU: says so, exits 0)
#   scripts/gpu-check.sh --dry-run  print the commands it would run, run nothing
#   KINDS="ae conv-ae" EPOCHS=1 scripts/gpu-check.sh   fewer kinds, shorter training
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
[ "${1:-}" = "--dry-run" ] && dry_run=true
kinds=${KINDS:-ae deep-ae conv-ae denoising-ae vae conv-vae randnet wgan}
epochs=${EPOCHS:-2}
out=runs/gpu-check
mnist=data/mnist-10k-images-idx3-ubyte.gz
batches=1,4,16,64,256,1024,4096

run() {
  echo "+ $*"
  $dry_run || "$@"
}

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1 || true)
if [ -z "$gpu" ]; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi finds none), so there is nothing to check on this machine."
  echo "gpu-check: on a GPU machine this script runs the steps below; nothing was run here."
  dry_run=true
else
  echo "gpu-check: $gpu"
  missing=""
  for lib in libcudart.so.12 libcublas.so.12 libcudnn.so.9; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || missing="$missing $lib"
  done
  if [ -n "$missing" ] && ! $dry_run; then
    echo "gpu-check: ONNX Runtime's CUDA provider needs CUDA 12 and cuDNN 9; not on the loader path:$missing"
    echo "gpu-check: install them (or add their folder to LD_LIBRARY_PATH) and rerun; --dry-run shows the steps."
    exit 2
  fi
fi

run mkdir -p "$out/models"
# The launcher rebuilds without the profile only when sources change after this build.
run ./mvnw -B -q -Pcuda -DskipTests package
run touch app/target/classpath.txt

echo "## 1. train, FP32 and FP16"
for kind in $kinds; do
  run ./image-anomaly train --data "$mnist" --range 0:2000 --kind "$kind" --epochs "$epochs" --no-report \
      --out "$out/models" --name "$kind" --version fp32
  run ./image-anomaly train --data "$mnist" --range 0:2000 --kind "$kind" --epochs "$epochs" --no-report \
      --out "$out/models" --name "$kind" --version fp16 --quantize fp16
done

echo "## 2. parity: CUDA against the CPU, per kind (max |difference| of 2,000 scores)"
for kind in $kinds; do
  run ./image-anomaly score --bundle "$out/models/$kind/fp32" --input "$mnist" --range 8000:10000 \
      --provider cpu --out "$out/$kind-fp32-cpu.csv"
  for version in fp32 fp16; do
    run ./image-anomaly score --bundle "$out/models/$kind/$version" --input "$mnist" --range 8000:10000 \
        --provider cuda --out "$out/$kind-$version-cuda.csv"
    if ! $dry_run; then
      paste -d, "$out/$kind-fp32-cpu.csv" "$out/$kind-$version-cuda.csv" | awk -F, -v what="$kind $version cuda vs fp32 cpu" '
        NR > 1 { d = $2 - $5; if (d < 0) d = -d; a = $2 < 0 ? -$2 : $2; r = d / (a + 1e-12)
                 if (d > max) max = d; if (r > rel) rel = r }
        END { printf "%s: max |difference| %.3g, max relative %.3g\n", what, max, rel }' | tee -a "$out/parity.txt"
    fi
  done
done

echo "## 3. images/s on the GPU, FP32 (A) next to FP16 (B)"
for kind in $kinds; do
  if $dry_run; then
    run ./image-anomaly bench --bundle "$out/models/$kind/fp32" --bundle "$out/models/$kind/fp16" \
        --input "$mnist" --batch-sizes $batches --seconds 3 --provider cuda
  else
    run ./image-anomaly bench --bundle "$out/models/$kind/fp32" --bundle "$out/models/$kind/fp16" \
        --input "$mnist" --batch-sizes $batches --seconds 3 --provider cuda | tee "$out/bench-$kind.md"
  fi
done

echo "## 4. the streaming scorer on the GPU"
if $dry_run; then
  run ./image-anomaly bench-stream --bundle "$out/models/conv-ae/fp32" --events 20000 --batch-sizes 64,256,1024 \
      --guarantees at_least_once --provider cuda
else
  run ./image-anomaly bench-stream --bundle "$out/models/conv-ae/fp32" --events 20000 --batch-sizes 64,256,1024 \
      --guarantees at_least_once --provider cuda | tee "$out/bench-stream.md"
  echo "gpu-check: done; parity in $out/parity.txt, throughput in $out/bench-*.md"
fi
