#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Small real ONNX files for fuzz_onnx, exported by real PyTorch (torch.onnx.export).

usage: make_onnx_seeds.py OUT_DIR     (writes OUT_DIR/fuzz_onnx/...)

Tiny graphs of the ops the ONNX reader treats specially (Conv, Gemm, MatMul, ConvTranspose,
BatchNorm, Resize; a static and a dynamic batch; opsets 11-17), and the two refusals that
depend on the file alone: an opset newer than 17 and tensors in an external data file, and a
GridSample OpenCV cannot run.
"""
import io
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 1, 3, 1, 1)

    def forward(self, x):
        return torch.sigmoid(self.c(x))


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Linear(16, 16)

    def forward(self, x):
        return self.f(x.flatten(1)).view(-1, 1, 4, 4)


class Deconv(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 2, 2, 2)
        self.b = nn.BatchNorm2d(2)
        self.d = nn.ConvTranspose2d(2, 1, 2, 2)

    def forward(self, x):
        return self.d(F.relu(self.b(self.c(x))))


class MatMulUp(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(1, 1))

    def forward(self, x):
        h = torch.matmul(x.permute(0, 2, 3, 1), self.w).permute(0, 3, 1, 2)
        return F.interpolate(F.avg_pool2d(h, 2), scale_factor=2, mode="nearest")


class Warp(nn.Module):
    """GridSample (opset 16), which OpenCV 4.6 cannot run: the refusal naming node and op."""

    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(1, 1, 3, 1, 1)
        theta = torch.tensor([[[0.9, 0.1, 0.0], [-0.1, 0.9, 0.0]]])
        self.register_buffer("grid", F.affine_grid(theta, [1, 1, 4, 4], align_corners=False))

    def forward(self, x):
        return torch.sigmoid(F.grid_sample(self.c(x), self.grid, align_corners=False))


def exported(module, opset, dynamic):
    module.eval()
    buf = io.BytesIO()
    torch.onnx.export(module, torch.rand(1, 1, 4, 4), buf, opset_version=opset, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}, "y": {0: "N"}} if dynamic else None)
    return buf.getvalue()


def main():
    out = os.path.join(sys.argv[1], "fuzz_onnx")
    os.makedirs(out, exist_ok=True)
    seeds = {
        "conv_opset13.onnx": exported(Conv(), 13, True),
        "conv_static_opset11.onnx": exported(Conv(), 11, False),
        "gemm_opset15.onnx": exported(Linear(), 15, True),
        "conv_bn_deconv_opset17.onnx": exported(Deconv(), 17, True),
        "matmul_resize_opset14.onnx": exported(MatMulUp(), 14, True),
        "gridsample_opset16.onnx": exported(Warp(), 16, True),
    }
    newer = onnx.load_from_string(seeds["conv_opset13.onnx"])
    newer.opset_import[0].version = 18
    seeds["opset18.onnx"] = newer.SerializeToString()
    external = onnx.load_from_string(seeds["conv_opset13.onnx"])
    for t in external.graph.initializer:
        t.data_location = onnx.TensorProto.EXTERNAL
        e = t.external_data.add()
        e.key, e.value = "location", "input.onnx.data"
        t.ClearField("raw_data")
    seeds["external_data.onnx"] = external.SerializeToString()
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
