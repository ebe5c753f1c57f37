"""Cuts the embedded held-out subset from the Debian package dataset-fashion-mnist:
the first 1000 images of the official test file (held out: the demo model never saw
them) and the first 2000 of the training file (whose first 90 % give the mean-image
baseline). Same gzip'd IDX format, so `fashion-mnist:resources/demo/fashion-mnist-subset`
works even where the package is missing.
usage: python3 resources/demo/make-demo-data.py"""
import gzip
import os
import struct

SRC = "/usr/share/datasets/fashion-mnist"
DST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion-mnist-subset")


def cut(name, count):
    with gzip.open(os.path.join(SRC, name), "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803 and n >= count
        pixels = f.read(count * rows * cols)
    os.makedirs(DST, exist_ok=True)
    # mtime=0 keeps the file byte-identical across runs.
    with open(os.path.join(DST, name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(struct.pack(">IIII", magic, count, rows, cols) + pixels)


cut("t10k-images-idx3-ubyte.gz", 1000)
cut("train-images-idx3-ubyte.gz", 2000)
