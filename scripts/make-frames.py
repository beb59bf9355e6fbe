#!/usr/bin/python3
"""Synthetic colour camera frames from MNIST digits, for measuring cost as images grow.

Each frame is a digit scaled up (bilinear) to SIZE x SIZE, inked in a colour on a smoothly shaded
background of another, with a little sensor noise, written as an RGB PNG: what a camera sends
looks like this in size and entropy, if not in content. --grey writes the scaled digit alone, as a
grey PNG (at 28 x 28: the MNIST digit itself). Needs numpy (a dependency of Debian's
python3-torch); PNGs are written with zlib.

  scripts/make-frames.py --size 128 --count 500 --out runs/frames/128
"""
import argparse
import gzip
import os
import struct
import zlib

import numpy as np


def read_idx(path, count):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    n, h, w = struct.unpack(">III", data[4:16])
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, h, w)[:count]


def upscale(image, size):
    """Bilinear, pixel centres aligned (as the scorer's own resize)."""
    h, w = image.shape
    ys = np.clip((np.arange(size) + 0.5) * h / size - 0.5, 0, h - 1)
    xs = np.clip((np.arange(size) + 0.5) * w / size - 0.5, 0, w - 1)
    y0, x0 = ys.astype(int), xs.astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    wy, wx = (ys - y0)[:, None], (xs - x0)[None, :]
    img = image.astype(np.float32)
    top = img[y0][:, x0] * (1 - wx) + img[y0][:, x1] * wx
    bottom = img[y1][:, x0] * (1 - wx) + img[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def frame(digit, size, rng):
    ink = rng.uniform(0.3, 1.0, 3).astype(np.float32)
    paper = rng.uniform(0.0, 0.3, 3).astype(np.float32)
    shade = np.linspace(0.7, 1.0, size, dtype=np.float32)[:, None, None]
    alpha = (upscale(digit, size) / 255.0)[:, :, None]
    rgb = 255 * (alpha * ink + (1 - alpha) * paper * shade)
    rgb += rng.normal(0, 3, rgb.shape).astype(np.float32)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def write_png(path, pixels):
    """An 8-bit PNG: grey for [H, W] pixels, RGB for [H, W, 3]."""
    h, w = pixels.shape[:2]
    colour_type = 2 if pixels.ndim == 3 else 0
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--input", default="data/mnist-10k-images-idx3-ubyte.gz")
    p.add_argument("--out", required=True)
    p.add_argument("--grey", action="store_true", help="the scaled digit alone, grey, without noise")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(42)
    for i, digit in enumerate(read_idx(args.input, args.count)):
        pixels = np.rint(upscale(digit, args.size)).astype(np.uint8) if args.grey else frame(digit, args.size, rng)
        write_png(os.path.join(args.out, "frame-%05d.png" % i), pixels)


if __name__ == "__main__":
    main()
