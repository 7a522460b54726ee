#!/usr/bin/env python3
"""Plain torch timings of the methods benchmark's MLP (256 -> 512 -> 512 -> 256, ReLU), 1024 rows:
forward, saliency (one forward and one backward) and IG-32 (32 chunks of 1024 rows, like Captum with
internal_batch_size=1024), as process CPU seconds (time.process_time: all threads) and wall seconds.
Called by bench/mlp-vs-torch.ts; prints one JSON object.

    /usr/bin/python3 torch-mlp.py [--runs 5] [--threads 1]
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def build():
    gen = torch.Generator().manual_seed(1234)
    model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 256)).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            scale = (2.0 / p.shape[1]) ** 0.5 if name.endswith('weight') else 0.1
            p.copy_(torch.randn(p.shape, generator=gen) * scale)
    return model, torch.randn(1024, 256, generator=gen)


def gradient(model, x, target):
    # as Captum's Saliency: torch.autograd.grad with respect to the input only (no weight gradients)
    x = x.detach().requires_grad_(True)
    out = model(x)
    return torch.autograd.grad(out.gather(1, target[:, None]).sum(), x)[0]


def integrated_gradients(model, x, target, steps):
    # Gauss-Legendre nodes and weights on [0, 1], as Captum's default method
    import numpy as np
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    total = torch.zeros_like(x)
    for a, w in zip((nodes + 1) / 2, weights / 2):
        total += float(w) * gradient(model, float(a) * x, target)
    return total * x


def timed(fn, runs):
    fn()
    cpu, wall = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return {'cpu_ms': [c * 1e3 for c in cpu], 'wall_ms': [w * 1e3 for w in wall]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--rows', default='forward,saliency,ig32')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, x = build()
    with torch.no_grad():
        target = model(x).argmax(1)
    rows = {
        'forward': lambda: torch.no_grad()(model)(x),
        'saliency': lambda: gradient(model, x, target),
        'ig32': lambda: integrated_gradients(model, x, target, 32),
    }
    out = {'torch': torch.__version__, 'threads': args.threads}
    for name in args.rows.split(','):
        out[name] = timed(rows[name], args.runs if name != 'ig32' else max(2, args.runs // 2))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
