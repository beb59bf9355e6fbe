#!/usr/bin/env bash
# The README's INT8 table: each kind trained twice on MNIST digits 0..8000 with the same seed, once
# exported FP32 and once INT8 (same training, so the same weights: the log's losses show it), both
# evaluated on held-out digits vs Fashion-MNIST, and both benched side by side in one `bench` run.
# Run it alone on the machine: flock /tmp/cpu.lock scripts/int8-table.sh      (KINDS="ae conv-ae" picks kinds, EPOCHS=5 shortens the trainings)
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/int8-table
mnist=data/mnist-10k-images-idx3-ubyte.gz
fashion=data/fashion-mnist-test-images-idx3-ubyte.gz
mkdir -p "$out"

rows=()
for kind in ${KINDS:-ae deep-ae conv-ae denoising-ae}; do
  for precision in fp32 int8; do
    quantize=$([ $precision = int8 ] && echo "--quantize int8" || true)
    ./image-anomaly train --data "$mnist" --range 0:8000 --kind "$kind" --epochs "${EPOCHS:-10}" $quantize --no-report \
        --out "$out/models" --name "mnist-$kind" --version "$precision" > "$out/train-$kind-$precision.log" 2>&1
    ./image-anomaly evaluate --bundle "$out/models/mnist-$kind/$precision" --no-report \
        --normal "$mnist" --normal-range 8000:10000 --anomalous "$fashion" --anomalous-range 0:2000 \
        --provider cpu --json "$out/eval-$kind-$precision.json" > "$out/eval-$kind-$precision.log" 2>&1
  done
  ./image-anomaly bench --bundle "$out/models/mnist-$kind/fp32" --bundle "$out/models/mnist-$kind/int8" \
      --input "$mnist" --batch-sizes 1,64,256 --provider cpu > "$out/bench-$kind.md" 2> /dev/null
  same=$(diff <(grep -o 'epoch [0-9]*/[0-9]*: train loss [0-9.]*' "$out/train-$kind-fp32.log") \
              <(grep -o 'epoch [0-9]*/[0-9]*: train loss [0-9.]*' "$out/train-$kind-int8.log") > /dev/null \
         && echo "same training" || echo "TRAININGS DIFFER")
  auroc() { grep -o '"auroc" *: *[0-9.]*' "$out/eval-$kind-$1.json" | awk -F: '{printf "%.4f", $2}'; }
  speeds=$(awk -F'|' '$2 ~ /^ [0-9]+ $/ {gsub(/ /, ""); printf " %s vs %s (%s) |", $3, $5, $7}' "$out/bench-$kind.md")
  rows+=("| $kind | $(auroc fp32) | $(auroc int8) |$speeds $same |")
done

echo "| kind | AUROC FP32 | AUROC INT8 | images/s FP32 vs INT8, batch 1 | batch 64 | batch 256 | |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
