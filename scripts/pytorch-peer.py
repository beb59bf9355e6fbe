#!/usr/bin/python3
"""The peer a user would otherwise write: a bundle's network in PyTorch eager, on the same cores.

Reads the bundle's model.onnx (a small protobuf reader: only Debian's python3-torch and numpy are
needed, no onnx package), rebuilds the network from its nodes and trained weights as PyTorch
functional calls (Linear, Conv2d, ReLU, nearest upsampling, ...), and

  parity  scores images and compares with the scores `image-anomaly score` wrote (CSV);
  infer   measures scoring throughput (images/s) at each batch size;
  train   measures the seconds of one training epoch (Adam, mean squared reconstruction error,
          the trainer's batch size and loss) on the same images, from the bundle's weights.

Run by scripts/vs-pytorch.sh, which puts these numbers next to `bench` and `train`.
"""
import argparse
import gzip
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


# --- a minimal reader of the ONNX protobuf: the fields a scoring graph uses ----------------------

def _varint(buf, pos):
    result, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf):
    """Yields (field number, wire type, value) of one message; value is an int or a memoryview."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported protobuf wire type %d" % wire)
        yield number, wire, value


def _ints(wire, value):
    """A repeated int64 field's values: one varint, or a packed run of them."""
    if wire == 0:
        return [value if value < 1 << 63 else value - (1 << 64)]
    out, pos = [], 0
    while pos < len(value):
        v, pos = _varint(value, pos)
        out.append(v if v < 1 << 63 else v - (1 << 64))
    return out


_DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 6: np.int32, 7: np.int64, 10: np.float16}


def _tensor(buf):
    dims, dtype, name, raw, floats, int64s = [], 1, "", None, [], []
    for number, wire, value in _fields(buf):
        if number == 1:
            dims += _ints(wire, value)
        elif number == 2:
            dtype = value
        elif number == 4:
            floats += list(struct.unpack("<%df" % (len(value) // 4), value)) if wire == 2 else \
                [struct.unpack("<f", value)[0]]
        elif number == 7:
            int64s += _ints(wire, value)
        elif number == 8:
            name = bytes(value).decode()
        elif number == 9:
            raw = bytes(value)
    if raw is not None:
        array = np.frombuffer(raw, dtype=_DTYPES[dtype]).copy()
    else:
        array = np.array(floats if dtype == 1 else int64s, dtype=_DTYPES[dtype])
    return name, array.reshape(dims)


def _attribute(buf):
    name, value = "", None
    ints, floats = [], []
    for number, wire, v in _fields(buf):
        if number == 1:
            name = bytes(v).decode()
        elif number == 2:
            value = struct.unpack("<f", v)[0]
        elif number == 3:
            value = v if v < 1 << 63 else v - (1 << 64)
        elif number == 4:
            value = bytes(v).decode()
        elif number == 7:
            floats.append(struct.unpack("<f", v)[0])
        elif number == 8:
            ints += _ints(wire, v)
    if ints:
        value = ints
    if floats:
        value = floats
    return name, value


def _node(buf):
    node = {"inputs": [], "outputs": [], "op": "", "attrs": {}}
    for number, _, v in _fields(buf):
        if number == 1:
            node["inputs"].append(bytes(v).decode())
        elif number == 2:
            node["outputs"].append(bytes(v).decode())
        elif number == 4:
            node["op"] = bytes(v).decode()
        elif number == 5:
            key, value = _attribute(v)
            node["attrs"][key] = value
    return node


def read_graph(path):
    model = memoryview(open(path, "rb").read())
    graph = next(v for number, _, v in _fields(model) if number == 7)
    nodes, constants, inputs, outputs = [], {}, [], []
    for number, _, v in _fields(graph):
        if number == 1:
            nodes.append(_node(v))
        elif number == 5:
            name, array = _tensor(v)
            constants[name] = array
        elif number in (11, 12):
            name = next(bytes(x).decode() for n, _, x in _fields(v) if n == 1)
            (inputs if number == 11 else outputs).append(name)
    return nodes, constants, [i for i in inputs if i not in constants], outputs


# --- the network as a user writes it -------------------------------------------------------------

def _phase_taps(phase, factor, kernel):
    """For one output phase of a size-keeping kernel after upsampling: the input offset of each tap."""
    pad = (kernel - 1) // 2
    return [(phase + d - pad) // factor for d in range(kernel)]


def _fold_matrix(factor, kernel):
    """Maps a kernel (k*k, row-major) to its f*f phase kernels, stacked: the exporter's folding."""
    rows = []
    for a in range(factor):
        ra = _phase_taps(a, factor, kernel)
        for b in range(factor):
            rb = _phase_taps(b, factor, kernel)
            for r in range(ra[0], ra[-1] + 1):
                for c in range(rb[0], rb[-1] + 1):
                    rows.append([float(ra[dy] == r and rb[dx] == c) for dy in range(kernel) for dx in range(kernel)])
    return np.array(rows)


def unfold_sub_pixel(nodes, constants):
    """The exporter writes `nearest upsampling, then convolution` as one convolution per output phase
    joined by DepthToSpace (SubPixelConv.java: same function, fewer multiply-adds). A user writes the
    upsampling and the convolution, so that is what the peer runs (and trains): each such group is
    turned back into Resize + Conv, the original kernel recovered from the phase kernels."""
    producer = {n["outputs"][0]: n for n in nodes}
    for d2s in [n for n in nodes if n["op"] == "DepthToSpace"]:
        concat = producer[d2s["inputs"][0]]
        convs = [producer[i] for i in concat["inputs"]]
        factor = d2s["attrs"]["blocksize"]
        phases = [constants[c["inputs"][1]] for c in convs]
        filters, channels = phases[0].shape[:2]
        sizes = [p.shape[2] * p.shape[3] for p in phases]
        kernel = next(k for k in range(1, 2 * factor * max(p.shape[2] for p in phases) + 2, 2)
                      if _fold_matrix(factor, k).shape[0] == sum(sizes))
        stacked = np.concatenate([p.reshape(filters * channels, -1) for p in phases], axis=1)
        fold = _fold_matrix(factor, kernel)
        weight = stacked @ np.linalg.pinv(fold).T
        if np.abs(weight @ fold.T - stacked).max() > 1e-4:
            raise ValueError("a DepthToSpace group is not an upsampled convolution")
        weight_name, scales_name = d2s["outputs"][0] + "_weight", d2s["outputs"][0] + "_scales"
        constants[weight_name] = weight.reshape(filters, channels, kernel, kernel).astype(np.float32)
        constants[scales_name] = np.array([1, 1, factor, factor], dtype=np.float32)
        upsampled = d2s["outputs"][0] + "_upsampled"
        pad = (kernel - 1) // 2
        group = [d2s, concat] + convs
        at = min(nodes.index(n) for n in group)
        nodes[:] = [n for n in nodes if all(n is not g for g in group)]
        nodes[at:at] = [
            {"op": "Resize", "inputs": [convs[0]["inputs"][0], "", scales_name], "outputs": [upsampled],
             "attrs": {"mode": "nearest", "coordinate_transformation_mode": "asymmetric"}},
            {"op": "Conv", "inputs": [upsampled, weight_name, convs[0]["inputs"][2]], "outputs": d2s["outputs"],
             "attrs": {"pads": [pad, pad, pad, pad]}}]


# --- the network, as PyTorch eager calls -----------------------------------------------------------

class Network(torch.nn.Module):
    """The graph's nodes run one after another as torch.nn.functional calls on its weights."""

    def __init__(self, path):
        super().__init__()
        self.nodes, constants, inputs, self.outputs = read_graph(path)
        unfold_sub_pixel(self.nodes, constants)
        self.input = inputs[0]
        self.weights = torch.nn.ParameterDict()
        self.constants = {}
        trainable = set()
        for node in self.nodes:
            if node["op"] in ("Gemm", "Conv"):
                trainable.update(node["inputs"][1:])
        for name, array in constants.items():
            tensor = torch.from_numpy(array)
            if name in trainable:
                self.weights[self._key(name)] = torch.nn.Parameter(tensor)
            else:
                self.constants[name] = tensor

    @staticmethod
    def _key(name):
        return name.replace(".", "_")

    def _value(self, values, name):
        if name in values:
            return values[name]
        key = self._key(name)
        return self.weights[key] if key in self.weights else self.constants[name]

    def forward(self, x, wanted=("score",)):
        values = {self.input: x}
        for node in self.nodes:
            ins = [self._value(values, n) if n else None for n in node["inputs"]]
            values[node["outputs"][0]] = _run(node, ins)
        return [values[w] for w in wanted]


def _run(node, ins):
    op, a = node["op"], node["attrs"]
    if op == "Gemm":
        weight = ins[1] if a.get("transB", 0) else ins[1].t()
        return F.linear(ins[0], weight, ins[2] if len(ins) > 2 else None)
    if op == "Conv":
        pads = a.get("pads", [0, 0, 0, 0])
        return F.conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None, stride=a.get("strides", [1, 1]),
                        padding=(pads[0], pads[1]), dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
    if op == "Relu":
        return F.relu(ins[0])
    if op == "LeakyRelu":
        return F.leaky_relu(ins[0], a.get("alpha", 0.01))
    if op == "Sigmoid":
        return torch.sigmoid(ins[0])
    if op == "Resize":
        if a.get("mode") != "nearest" or a.get("coordinate_transformation_mode") != "asymmetric":
            raise ValueError("only nearest, asymmetric Resize is rebuilt")
        scales = [float(s) for s in ins[2]]
        return F.interpolate(ins[0], scale_factor=scales[2:], mode="nearest")
    if op == "Flatten":
        return torch.flatten(ins[0], a.get("axis", 1))
    if op == "Reshape":
        return ins[0].reshape([int(d) for d in ins[1]])
    if op == "Identity":
        return ins[0]
    if op == "Sub":
        return ins[0] - ins[1]
    if op == "Mul":
        return ins[0] * ins[1]
    if op == "Add":
        return ins[0] + ins[1]
    if op == "ReduceMean":
        return ins[0].mean(dim=a["axes"], keepdim=bool(a.get("keepdims", 1)))
    raise ValueError("op %s is not rebuilt by this script (it covers the autoencoder kinds)" % op)


# --- data ------------------------------------------------------------------------------------------

def load_images(path, start, end, manifest):
    """An IDX image file, preprocessed as the bundle's input spec says (scale, normalize)."""
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    count, height, width = struct.unpack(">III", data[4:16])
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, height, width)[start:end]
    spec = manifest["input"]
    if (spec["channels"], spec["height"], spec["width"]) != (1, height, width):
        raise ValueError("this script feeds %dx%d grey IDX images as they are; the bundle takes %s"
                         % (height, width, spec))
    low, high = spec["valueRange"]
    values = low + pixels.astype(np.float32) * np.float32((high - low) / 255.0)
    values = (values - np.float32(spec["mean"][0])) / np.float32(spec["std"][0])
    return torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))


# --- commands --------------------------------------------------------------------------------------

def parity(net, images, manifest, csv):
    java = np.array([float(line.split(",")[1]) for line in open(csv).read().splitlines()[1:]], dtype=np.float64)
    with torch.inference_mode():
        ours = net(images, (manifest["scoreOutput"],))[0].double().numpy()
    diff = np.abs(ours - java)
    print("parity %d images: max |pytorch - onnxruntime| = %.3g, max relative %.3g"
          % (len(java), diff.max(), (diff / np.maximum(np.abs(java), 1e-12)).max()))


def infer(net, images, manifest, batch_sizes, seconds):
    wanted = (manifest["scoreOutput"],)
    for batch in batch_sizes:
        batches = [images[i:i + batch] for i in range(0, len(images) - batch + 1, batch)]
        with torch.inference_mode():
            for phase, duration in (("warm-up", 1.0), ("measured", seconds)):
                calls, start = 0, time.perf_counter()
                while time.perf_counter() - start < duration:
                    net(batches[calls % len(batches)], wanted)
                    calls += 1
                elapsed = time.perf_counter() - start
        print("infer batch %d: %.0f images/s" % (batch, calls * batch / elapsed))


def train(net, images, manifest, batch_size, epochs, lr):
    """The trainer's epoch: shuffled mini-batches, mean squared reconstruction error, Adam."""
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(42)
    wanted = (manifest["scoreOutput"],)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(images), generator=generator)
        total = 0.0
        for first in range(0, len(images), batch_size):
            batch = images[order[first:first + batch_size]]
            optimizer.zero_grad(set_to_none=True)
            loss = net(batch, wanted)[0].mean()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print("train epoch %d: %.3f s, loss %.5f" % (epoch, time.perf_counter() - start, total / len(images)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["parity", "infer", "train"])
    p.add_argument("--bundle", required=True)
    p.add_argument("--input", required=True, help="IDX image file (gzipped or not)")
    p.add_argument("--range", default="0:10000", help="FROM:TO of the images")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch-sizes", default="1,64,256")
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--scores", help="parity: the CSV `image-anomaly score` wrote for the same images")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.001)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    manifest = json.load(open(args.bundle + "/manifest.json"))
    net = Network(args.bundle + "/model.onnx")
    start, end = (int(x) for x in args.range.split(":"))
    images = load_images(args.input, start, end, manifest)
    print("pytorch %s, %d threads, %s (%s), %d images" % (torch.__version__, torch.get_num_threads(),
                                                         manifest["name"], manifest["kind"], len(images)))
    if args.command == "parity":
        parity(net, images, manifest, args.scores)
    elif args.command == "infer":
        infer(net, images, manifest, [int(b) for b in args.batch_sizes.split(",")], args.seconds)
    else:
        train(net, images, manifest, args.batch_size, args.epochs, args.lr)


if __name__ == "__main__":
    sys.exit(main())
