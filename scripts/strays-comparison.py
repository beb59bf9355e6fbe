#!/usr/bin/python3
"""find-anomalies against the simple peers on folders with known strays.

Each mix is a few thousand training images of one Fashion-MNIST or MNIST class with a few dozen
images of the other classes hidden among them, seeded. Every detector ranks the whole mix without
labels; the count is how many strays land in its top 2 x (number of strays). Ours is
`image-anomaly find-anomalies`, once per --kinds entry (default: its own default kind); the peers
(scikit-learn) are fitted on the mix itself: PCA reconstruction error (32 components),
IsolationForest (200 trees) and the distance to the 5th nearest other image.

Usage: scripts/strays-comparison.py [--data-dir ../shared/datasets] [--out runs/strays]
           [--kinds ae,knn,ensemble] [--launcher ./image-anomaly] [-- find-anomalies options]
Needs Debian's python3-sklearn; runs find-anomalies through the launcher.
"""
import argparse
import gzip
import os
import subprocess
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

MIXES = [("fashion", 6, 1), ("fashion", 2, 2), ("fashion", 0, 3),
         ("mnist", 8, 1), ("mnist", 2, 2), ("mnist", 5, 3)]
NORMAL = 3000
STRAYS = 50
FILES = {"fashion": "fashion-mnist-train", "mnist": "mnist-train"}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    count = int.from_bytes(raw[4:8], "big")
    if int.from_bytes(raw[0:4], "big") == 0x803:
        rows, cols = int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big")
        return np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(raw, np.uint8, offset=8)


def write_idx(path, images):
    header = (0x803).to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in images.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + images.astype(np.uint8).tobytes())


def mix(data_dir, dataset, normal_class, seed):
    images = read_idx(os.path.join(data_dir, FILES[dataset] + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, FILES[dataset] + "-labels-idx1-ubyte.gz"))
    rng = np.random.default_rng(seed)
    normal = rng.choice(np.flatnonzero(labels == normal_class), NORMAL, replace=False)
    strays = rng.choice(np.flatnonzero(labels != normal_class), STRAYS, replace=False)
    order = rng.permutation(NORMAL + STRAYS)
    chosen = np.concatenate([normal, strays])[order]
    is_stray = np.concatenate([np.zeros(NORMAL, bool), np.ones(STRAYS, bool)])[order]
    return images[chosen], is_stray


def peers(images, seed):
    x = images.reshape(len(images), -1).astype(np.float64) / 255
    pca = PCA(n_components=32, random_state=seed).fit(x)
    scores = {"pca": ((x - pca.inverse_transform(pca.transform(x))) ** 2).sum(axis=1)}
    scores["iforest"] = -IsolationForest(n_estimators=200, random_state=seed).fit(x).score_samples(x)
    distances, _ = NearestNeighbors(n_neighbors=6).fit(x).kneighbors(x)
    scores["knn"] = distances[:, -1]  # the first neighbour of each image is itself
    return scores


def ours(launcher, kind, mix_file, out, extra):
    start = time.perf_counter()
    kind_option = ["--kind", kind] if kind else []
    subprocess.run([launcher, "find-anomalies", "--input", mix_file, "--out", out] + kind_option + extra, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    scores = {}
    with open(os.path.join(out, "ranking.csv")) as f:
        next(f)
        for line in f:
            rank, image_id, score = line.split(",")[:3]
            scores[int(image_id.rsplit("#", 1)[1])] = float(score)
    return np.array([scores[i] for i in range(len(scores))]), seconds


def found_in_top(scores, is_stray):
    top = np.argsort(-scores, kind="stable")[:2 * STRAYS]
    return int(is_stray[top].sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--out", default="runs/strays")
    parser.add_argument("--kinds", help="find-anomalies --kind values to compare, comma-separated (default: its default)")
    parser.add_argument("--launcher", default="./image-anomaly")
    parser.add_argument("extra", nargs="*", help="options passed to find-anomalies, after --")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    kinds = args.kinds.split(",") if args.kinds else [None]
    ours_names = [f"find-anomalies --kind {k}" if k else "find-anomalies" for k in kinds]
    names = ours_names + ["pca", "iforest", "knn"]
    print(f"strays found in the top {2 * STRAYS} of {NORMAL + STRAYS} images ({STRAYS} strays)\n")
    print("| mix (normal class, seed) | " + " | ".join(names) + " | " + " | ".join(n + " s" for n in ours_names) + " |")
    print("|---|" + "---:|" * (len(names) + len(ours_names)))
    totals = dict.fromkeys(names, 0)
    for dataset, normal_class, seed in MIXES:
        images, is_stray = mix(args.data_dir, dataset, normal_class, seed)
        name = f"{dataset}-{normal_class}-seed{seed}"
        mix_file = os.path.join(args.out, name + "-images-idx3-ubyte.gz")
        write_idx(mix_file, images)
        found = {k: found_in_top(v, is_stray) for k, v in peers(images, seed).items()}
        seconds = {}
        for kind, our_name in zip(kinds, ours_names):
            out = os.path.join(args.out, name + ("-" + kind if kind else ""))
            our_scores, seconds[our_name] = ours(args.launcher, kind, mix_file, out, args.extra)
            found[our_name] = found_in_top(our_scores, is_stray)
        for k in names:
            totals[k] += found[k]
        print(f"| {dataset} {normal_class}, seed {seed} | " + " | ".join(str(found[k]) for k in names) + " | "
              + " | ".join(f"{seconds[n]:.0f}" for n in ours_names) + " |", flush=True)
    print("| **total** | " + " | ".join(f"**{totals[k]}** of {STRAYS * len(MIXES)}" for k in names)
          + " |" * (len(ours_names) + 1))


if __name__ == "__main__":
    sys.exit(main())
