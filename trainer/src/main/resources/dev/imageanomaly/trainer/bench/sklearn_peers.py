"""The simple detectors a scikit-learn user reaches for first, as peers of the quality benchmark.

quality-bench (Java) writes a training and a test matrix as raw little-endian float32 files and runs
this script with Debian's /usr/bin/python3; the script fits each peer on the training rows, scores
the test rows (higher = more anomalous) and writes one float32 file of scores per peer plus
peers.json (name, parameters, seconds). AUROC is computed on the Java side, by the same code that
measures the project's own kinds, so both sides are judged alike.

Peers, with the defaults their libraries' users get:
  pca      PCA reconstruction error: squared distance to the span of the first 32 principal
           components (half the columns, at least 1, for tables narrower than 64 columns)
  iforest  IsolationForest with 200 trees; score = -score_samples
  knn      distance to the 5th nearest training row (PyOD's KNN default, 'largest', as in ADBench)
"""

import argparse
import json
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors
import sklearn

KNN_NEIGHBOURS = 5
PCA_COMPONENTS = 32
FOREST_TREES = 200


def pca_components(features):
    return PCA_COMPONENTS if features >= 2 * PCA_COMPONENTS else max(1, features // 2)


def pca(train, test, seed):
    model = PCA(n_components=pca_components(train.shape[1]), random_state=seed).fit(train)
    reconstructed = model.inverse_transform(model.transform(test))
    return ((test - reconstructed) ** 2).sum(axis=1), {"components": model.n_components_}


def iforest(train, test, seed):
    model = IsolationForest(n_estimators=FOREST_TREES, random_state=seed).fit(train)
    return -model.score_samples(test), {"trees": FOREST_TREES}


def knn(train, test, seed):
    k = min(KNN_NEIGHBOURS, len(train))
    model = NearestNeighbors(n_neighbors=k).fit(train)
    distances, _ = model.kneighbors(test)
    return distances[:, -1], {"neighbours": k, "distance": "euclidean, k-th nearest"}


PEERS = {"pca": pca, "iforest": iforest, "knn": knn}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="print the scikit-learn version and exit")
    parser.add_argument("--train")
    parser.add_argument("--test")
    parser.add_argument("--features", type=int)
    parser.add_argument("--out", help="folder for <peer>.f32 and peers.json")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.check:
        print("scikit-learn " + sklearn.__version__)
        return 0
    train = np.fromfile(args.train, dtype="<f4").reshape(-1, args.features).astype(np.float64)
    test = np.fromfile(args.test, dtype="<f4").reshape(-1, args.features).astype(np.float64)
    report = []
    for name in args.peers.split(","):
        start = time.perf_counter()
        scores, parameters = PEERS[name](train, test, args.seed)
        seconds = time.perf_counter() - start
        np.asarray(scores, dtype="<f4").tofile(f"{args.out}/{name}.f32")
        report.append({"name": name, "parameters": parameters, "seconds": seconds})
    with open(f"{args.out}/peers.json", "w") as f:
        json.dump({"sklearn": sklearn.__version__, "peers": report}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
