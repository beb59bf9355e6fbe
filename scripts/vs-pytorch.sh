#!/usr/bin/env bash
# ONNX Runtime scoring (`bench`) and DJL training (`train`) next to PyTorch eager running the same
# network with the same trained weights (scripts/pytorch-peer.py on Debian's python3-torch), on the
# same cores, in one run and one table. Run it alone: flock /tmp/cpu.lock scripts/vs-pytorch.sh
#   KINDS="deep-ae" THREADS="1" BATCHES=1,64,256,1024 SECONDS_PER_ROW=3 scripts/vs-pytorch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/vs-pytorch
kinds=${KINDS:-deep-ae conv-ae}
threads=${THREADS:-1 2}
batches=${BATCHES:-1,64,256}
seconds=${SECONDS_PER_ROW:-5}
epochs=${TRAIN_EPOCHS:-3}
python=/usr/bin/python3
mnist=data/mnist-10k-images-idx3-ubyte.gz
mkdir -p "$out"

if ! "$python" -c "import torch, numpy" 2>/dev/null; then
  echo "vs-pytorch: $python has no torch; install Debian's PyTorch (apt-get install python3-torch) to compare."
  exit 0
fi

# The mean seconds of the epochs after the first (the first pays for warm-up in both engines).
mean_after_first() { awk 'NR > 1 { s += $1; n++ } END { printf "%.2f", s / n }'; }

inference=()
training=()
for kind in $kinds; do
  bundle="$out/models/mnist-$kind/v1"
  if [ ! -f "$bundle/manifest.json" ]; then
    echo "== training $kind on MNIST digits 0..8000 (the README's protocol)" >&2
    ./image-anomaly train --data "$mnist" --range 0:8000 --kind "$kind" --no-report --out "$out/models" \
        --name "mnist-$kind" --version v1 > "$out/train-$kind.log" 2>&1
  fi

  echo "== $kind: scores of the same 2,000 digits, ONNX Runtime vs PyTorch" >&2
  ./image-anomaly score --bundle "$bundle" --input "$mnist" --range 8000:10000 --provider cpu \
      --out "$out/$kind-scores.csv" 2> /dev/null
  "$python" scripts/pytorch-peer.py parity --bundle "$bundle" --input "$mnist" --range 8000:10000 \
      --scores "$out/$kind-scores.csv" | tee "$out/parity-$kind.txt" >&2

  for t in $threads; do
    echo "== $kind, $t thread(s): scoring" >&2
    ./image-anomaly bench --bundle "$bundle" --input "$mnist" --batch-sizes "$batches" --threads "$t" \
        --seconds "$seconds" --provider cpu > "$out/ort-$kind-$t.md" 2> /dev/null
    OMP_NUM_THREADS=$t "$python" scripts/pytorch-peer.py infer --bundle "$bundle" --input "$mnist" \
        --threads "$t" --batch-sizes "$batches" --seconds "$seconds" > "$out/pytorch-$kind-$t.txt"
    for b in ${batches//,/ }; do
      ort=$(awk -F'|' -v b=" $b " '$2 == b {gsub(/ /, "", $3); print $3}' "$out/ort-$kind-$t.md")
      torch=$(awk -v b="$b:" '$3 == b {print $4}' "$out/pytorch-$kind-$t.txt")
      inference+=("| $kind | $t | $b | $ort | $torch | $(awk -v a="$ort" -v b="$torch" 'BEGIN {printf "%.2fx", a / b}') |")
    done

    echo "== $kind, $t thread(s): training" >&2
    OMP_NUM_THREADS=$t ./image-anomaly train --data "$mnist" --range 0:8000 --kind "$kind" --epochs "$epochs" \
        --patience 0 --no-report --out "$out/timing" --name "$kind-$t" --version v1 > "$out/timing-$kind-$t.log" 2>&1
    djl=$(awk -F, 'NR > 1 {print $6}' "$out/timing/$kind-$t/v1/training-metrics.csv" | mean_after_first)
    OMP_NUM_THREADS=$t "$python" scripts/pytorch-peer.py train --bundle "$bundle" --input "$mnist" --range 0:7200 \
        --threads "$t" --epochs "$epochs" > "$out/pytorch-train-$kind-$t.txt"
    torch=$(awk '/^train epoch/ {print $4}' "$out/pytorch-train-$kind-$t.txt" | mean_after_first)
    training+=("| $kind | $t | $djl | $torch | $(awk -v a="$djl" -v b="$torch" 'BEGIN {printf "%.2fx", a / b}') |")
  done
done

echo
echo "Scoring, images/s (ONNX Runtime: \`bench\`; PyTorch $("$python" -c 'import torch; print(torch.__version__)') eager, inference mode):"
echo
echo "| kind | threads | batch | ONNX Runtime | PyTorch | ONNX Runtime / PyTorch |"
echo "|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${inference[@]}"
echo
echo "Training, seconds per epoch on 7,200 digits (batch 128, Adam; mean of epochs 2..$epochs):"
echo
echo "| kind | threads | DJL | PyTorch | DJL / PyTorch |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${training[@]}"
echo
cat "$out"/parity-*.txt
