#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a large SAGE TinyVAE as safetensors for the load benchmarks (inspect time and peak
RSS, eval memory): C = 3, latent L (default 20,000: 245.8 M parameters, 983 MB), weights
drawn as PyTorch's default initialisation would (uniform +-1/sqrt(fan_in)), seeded.

    /usr/bin/python3 bench/make_big_safetensors.py OUT.safetensors [--latent 20000]

Streams tensor by tensor, so it needs little memory. Delete the file afterwards."""
import argparse
import json
import struct

import numpy as np


def shapes(c, latent):
    s = []
    cin = c
    for i, cout in enumerate([16, 32, 64]):
        p = f"encoder.{i}."
        s += [(p + "depthwise.weight", [cin, 1, 3, 3]), (p + "depthwise.bias", [cin]),
              (p + "pointwise.weight", [cout, cin, 1, 1]), (p + "pointwise.bias", [cout]),
              (p + "norm.weight", [cout]), (p + "norm.bias", [cout])]
        cin = cout
    s += [("fc_mu.weight", [latent, 4096]), ("fc_mu.bias", [latent]),
          ("fc_logvar.weight", [latent, 4096]), ("fc_logvar.bias", [latent]),
          ("decoder_input.weight", [4096, latent]), ("decoder_input.bias", [4096])]
    for k, (i, o) in zip([2, 4, 6], [(64, 32), (32, 16), (16, c)]):
        s += [(f"decoder.{k}.weight", [i, o, 3, 3]), (f"decoder.{k}.bias", [o])]
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--latent", type=int, default=20000)
    ap.add_argument("--channels", type=int, default=3)
    a = ap.parse_args()
    rng = np.random.default_rng(7)
    entries = shapes(a.channels, a.latent)
    header, offset = {}, 0
    for name, shape in entries:
        n = int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + 4 * n]}
        offset += 4 * n
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(a.out, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape in entries:
            n = int(np.prod(shape))
            if ".norm." in name:
                arr = np.full(n, 1.0 if name.endswith("weight") else 0.0, np.float32)
                f.write(arr.tobytes())
                continue
            wshape = dict(entries)[name.rsplit(".", 1)[0] + ".weight"]
            fan_in = int(np.prod(wshape[1:])) if len(wshape) > 1 else 1
            bound = 1.0 / np.sqrt(fan_in)
            for start in range(0, n, 1 << 24):
                m = min(1 << 24, n - start)
                f.write(rng.uniform(-bound, bound, m).astype(np.float32).tobytes())
    params = sum(int(np.prod(s)) for _, s in entries)
    print(f"wrote {a.out}: {params} parameters, {8 + len(text) + offset} bytes")


if __name__ == "__main__":
    main()
