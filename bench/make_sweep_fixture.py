#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Makes the sweep benchmark's inputs with real PyTorch: a trained SAGE TinyVAE (RGB 64x64,
L = 16) saved by torch.save as a plain state dict, and a folder of held-out RGB PNGs.

    /usr/bin/python3 bench/make_sweep_fixture.py OUTDIR [--images 600] [--latent 16] [--steps 300]

The images are Fashion-MNIST pictures scaled to 64x64 and tinted with a colour and a
background per image (deterministic), so every channel differs. The model trains on the
first 6,000 training pictures; the PNGs are the first N test pictures, which it never saw.
Writes OUTDIR/tinyvae-rgb-l16.pt and OUTDIR/images/0000.png ..."""
import argparse
import gzip
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures"))
from sage_tinyvae import TinyVAE  # noqa: E402

FMNIST = "/usr/share/datasets/fashion-mnist"


def pictures(split, n):
    with gzip.open(os.path.join(FMNIST, f"{split}-images-idx3-ubyte.gz")) as f:
        d = f.read()
    x = torch.from_numpy(np.frombuffer(d, np.uint8, offset=16).reshape(-1, 1, 28, 28)[:n].copy()).float() / 255
    return F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False).clamp(0, 1)


def tint(gray, seed):
    g = torch.Generator().manual_seed(seed)
    n = gray.shape[0]
    fg = torch.rand(n, 3, 1, 1, generator=g) * 0.8 + 0.2
    bg = torch.rand(n, 3, 1, 1, generator=g) * 0.3
    return gray * fg + (1 - gray) * bg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--images", type=int, default=600)
    ap.add_argument("--latent", type=int, default=16)
    ap.add_argument("--steps", type=int, default=300)
    a = ap.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(2)
    os.makedirs(os.path.join(a.out, "images"), exist_ok=True)

    train = tint(pictures("train", 6000), 1)
    model = TinyVAE(3, a.latent)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for step in range(a.steps):
        xb = train[torch.randint(0, train.shape[0], (64,))]
        mu, logvar = model.encode(xb)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        r = model.decode(z)
        sse = ((r - xb) ** 2).flatten(1).sum(1)
        kl = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)
        loss = (sse + 0.05 * kl).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.2f}", file=sys.stderr, flush=True)
    model.eval()
    ckpt = os.path.join(a.out, f"tinyvae-rgb-l{a.latent}.pt")
    torch.save(model.state_dict(), ckpt)

    from PIL import Image
    test = tint(pictures("t10k", a.images), 2)
    arr = (test * 255).round().clamp(0, 255).byte().permute(0, 2, 3, 1).numpy()
    for i, img in enumerate(arr):
        Image.fromarray(img, "RGB").save(os.path.join(a.out, "images", f"{i:04d}.png"))
    with torch.no_grad():
        x = torch.from_numpy(arr.transpose(0, 3, 1, 2).copy()).float() / 255
        mse = ((model.decode(model.encode(x)[0]) - x) ** 2).mean().item()
        base = ((x.mean(0, keepdim=True) - x) ** 2).mean().item()
    print(f"wrote {ckpt} and {len(arr)} PNGs; held-out MSE {mse:.5f} vs the mean image {base:.5f} ({base / mse:.1f}x)")


if __name__ == "__main__":
    main()
