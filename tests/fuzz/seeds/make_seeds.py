#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Small real seed files for the fuzz targets, made by real PyTorch (torch 1.13).

usage: make_seeds.py OUT_DIR     (writes OUT_DIR/<target>/...)

The tests' own fixtures (tests/fixtures/io_make_*.py) make the broken and hostile files;
these are the small good ones that a fuzzer mutates best (a TinyVAE is ~900 KB, too big
to mutate quickly): tiny state dicts in each layout and dtype, a tiny TorchScript module,
safetensors of each dtype, the data.pkl pickles, IDX and CIFAR-10 records.
"""
import collections
import gzip
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def saved(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def safetensors_bytes(tensors, metadata=None):
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int64: "I64", torch.int32: "I32", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}
    header, data = {}, b""
    for name, t in tensors.items():
        raw = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.bn = nn.BatchNorm2d(2)

    def encode(self, x):
        return self.bn(self.conv(x))

    def forward(self, x):
        return self.encode(x)


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    p = lambda target, name: os.path.join(out, target, name)
    m = Tiny()
    sd = m.state_dict()

    # torch.save: plain, nested with scalars, DataParallel names, dtypes, shared views.
    states = {
        "plain.pt": sd,
        "nested.pt": {"model_state_dict": sd, "epoch": 3, "loss": 0.25, "note": "x"},
        "dataparallel.pt": collections.OrderedDict(("module." + k, v) for k, v in sd.items()),
        "half.pt": {k: v.half() if v.is_floating_point() else v for k, v in sd.items()},
        "bf16.pt": {k: v.bfloat16() if v.is_floating_point() else v for k, v in sd.items()},
        "f64.pt": {k: v.double() if v.is_floating_point() else v for k, v in sd.items()},
    }
    base = torch.arange(12, dtype=torch.float32)
    states["views.pt"] = {"a": base, "b": base[2:8].view(2, 3), "c": base.view(3, 4).t(),
                          "d": base[:1].expand(4, 5), "e": torch.zeros(0)}
    states["legacy_layout.pt"] = {"w": torch.ones(2, 2)}
    for name, obj in states.items():
        data = saved(obj)
        write(p("fuzz_torchsave", name), data)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = [n for n in z.namelist() if n.endswith("data.pkl")][0]
            write(p("fuzz_pickle", name.replace(".pt", ".pkl")), z.read(pkl))

    # Plain pickles of every protocol (what a data.pkl may also hold).
    values = {"i": 1, "big": 2 ** 70, "neg": -5, "f": 1.5, "s": "t\u00e9xt", "b": b"\x00\x01", "l": [1, [2]],
              "t": (1, 2, 3), "n": None, "tr": True, "set": {1, 2}, "fs": frozenset([3])}
    import pickle
    for proto in (2, 3, 4, 5):
        write(p("fuzz_pickle", "values_p%d.pkl" % proto), pickle.dumps(values, protocol=proto))

    # TorchScript: a tiny scripted module (inspected as data only; never run by the targets).
    script = torch.jit.script(m)
    buf = io.BytesIO()
    torch.jit.save(script, buf)
    write(p("fuzz_torchscript", "tiny_script.pt"), buf.getvalue())
    write(p("fuzz_torchsave", "tiny_script.pt"), buf.getvalue())

    # safetensors: each dtype, metadata, an empty tensor, a scalar.
    st = {"w": torch.randn(2, 3), "h": torch.randn(3).half(), "bf": torch.randn(2).bfloat16(),
          "d": torch.randn(2).double(), "i": torch.arange(3), "u": torch.arange(4, dtype=torch.uint8),
          "i8": torch.tensor([-1, 2], dtype=torch.int8), "z": torch.zeros(0, 3), "s": torch.tensor(1.0),
          "flag": torch.tensor([True, False])}
    write(p("fuzz_safetensors", "dtypes.safetensors"), safetensors_bytes(st, {"format": "pt", "k": "v"}))
    write(p("fuzz_safetensors", "statedict.safetensors"), safetensors_bytes(dict(sd)))
    write(p("fuzz_safetensors", "empty.safetensors"), safetensors_bytes({}))

    # IDX: the first images of the committed Fashion-MNIST subset, raw and gzip'd.
    demo = os.path.join(os.path.dirname(__file__), "..", "..", "..", "resources", "demo", "fashion-mnist-subset",
                        "t10k-images-idx3-ubyte.gz")
    with gzip.open(demo, "rb") as f:
        raw = f.read(16 + 3 * 28 * 28)
    idx = struct.pack(">IIII", 0x803, 3, 28, 28) + raw[16:]
    write(p("fuzz_idx", "fmnist3.idx"), idx)
    write(p("fuzz_idx", "fmnist3.idx.gz"), gzip.compress(idx, 9))
    small = struct.pack(">IIII", 0x803, 2, 2, 3) + bytes(range(12))
    write(p("fuzz_idx", "tiny.idx"), small)
    write(p("fuzz_idx", "tiny_multimember.gz"), gzip.compress(small[:10]) + gzip.compress(small[10:]))

    # CIFAR-10: two records (label + 3 planes of 32x32).
    rng = np.random.default_rng(0)
    recs = b"".join(bytes([k]) + rng.integers(0, 256, 3072, dtype=np.uint8).tobytes() for k in (3, 7))
    write(p("fuzz_cifar", "two_records.bin"), recs)
    write(p("fuzz_cifar", "one_record.bin"), recs[:3073])


if __name__ == "__main__":
    main()
