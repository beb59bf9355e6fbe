#!/usr/bin/env bash
# The README's AUROC table: train each kind on MNIST digits 0..8000, evaluate on held-out digits vs Fashion-MNIST.
# KINDS="ae vae" picks kinds.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p runs/table
for kind in ${KINDS:-ae deep-ae conv-ae denoising-ae vae conv-vae randnet}; do
  ./image-anomaly train --data data/mnist-10k-images-idx3-ubyte.gz --range 0:8000 \
      --kind $kind --out runs/table/models --name mnist-$kind --version v1 > runs/table/train-$kind.log 2>&1
  ./image-anomaly evaluate --bundle runs/table/models/mnist-$kind/v1 --normal data/mnist-10k-images-idx3-ubyte.gz \
      --normal-range 8000:10000 --anomalous data/fashion-mnist-test-images-idx3-ubyte.gz --anomalous-range 0:2000 \
      > runs/table/eval-$kind.log 2>&1
done
grep -H "trained in" runs/table/train-*.log
grep -H AUROC runs/table/eval-*.log
