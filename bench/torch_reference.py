#!/usr/bin/env python3
"""PyTorch reference for `npm run bench`: the same tied causal LM and training step as
tiedformer's createCausalLM (pre-norm RMSNorm blocks, causal multi-head attention, GELU FFN of
4d, no biases, final RMSNorm, tied output head, Adam 1e-3), timed the same way: median
tokens/s over measured steps after warm-up. Prints one JSON object.

Usage: /usr/bin/python3 bench/torch_reference.py --config B --steps 10 --warmup 3 [--threads N]

Without --threads, PyTorch runs with its own defaults, as a user would run it. On the bench
machine those were the fastest: 1 ATen thread while OpenBLAS (libopenblas0-pthread) uses both
cores inside each product; forcing 2 ATen threads made OpenMP's spinning threads compete with
OpenBLAS's and cost ~40 %. The bench runs both and keeps the faster.
"""
import argparse
import json
import math
import os
import statistics
import time

import torch

CONFIGS = {
    "A": dict(vocab=4096, seq=64, layers=2, heads=4, d=128, batch=8),
    "B": dict(vocab=8192, seq=128, layers=4, heads=4, d=256, batch=8),
}


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.gamma = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.gamma


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = RMSNorm(d)
        self.qkv = torch.nn.Linear(d, 3 * d, bias=False)
        self.out = torch.nn.Linear(d, d, bias=False)
        self.norm2 = RMSNorm(d)
        self.up = torch.nn.Linear(d, 4 * d, bias=False)
        self.down = torch.nn.Linear(4 * d, d, bias=False)

    def forward(self, x, mask):
        b, s, d = x.shape
        hd = d // self.heads
        q, k, v = self.qkv(self.norm1(x)).split(d, dim=-1)
        q, k, v = (t.view(b, s, self.heads, hd).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        ctx = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, s, d)
        x = x + self.out(ctx)
        return x + self.down(torch.nn.functional.gelu(self.up(self.norm2(x))))


class TiedLM(torch.nn.Module):
    def __init__(self, vocab, d, layers, heads):
        super().__init__()
        self.embedding = torch.nn.Parameter(torch.randn(vocab, d) * 0.02)
        self.blocks = torch.nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.norm = RMSNorm(d)

    def forward(self, ids):
        s = ids.shape[1]
        mask = torch.full((s, s), float("-inf")).triu(1)
        x = self.embedding[ids]
        for block in self.blocks:
            x = block(x, mask)
        return self.norm(x) @ self.embedding.t()


def blas_library():
    """The BLAS shared library this process loaded (Debian picks it through alternatives)."""
    with open("/proc/self/maps") as maps:
        names = {os.path.basename(line.split()[-1]) for line in maps if "blas" in line.lower()}
    return ", ".join(sorted(names)) or "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="B", choices=sorted(CONFIGS))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="ATen threads (default: PyTorch's own)")
    args = parser.parse_args()
    c = CONFIGS[args.config]
    torch.manual_seed(0)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    model = TiedLM(c["vocab"], c["d"], c["layers"], c["heads"])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    tokens = torch.randint(0, c["vocab"], (c["batch"], c["seq"] + 1))
    inputs, targets = tokens[:, :-1], tokens[:, 1:]
    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        logits = model(inputs)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, c["vocab"]), targets.reshape(-1))
        loss.backward()
        optimizer.step()
        elapsed = time.perf_counter() - start
        if step >= args.warmup:
            times.append(elapsed)
    median = statistics.median(times)
    print(json.dumps({
        "config": args.config,
        "tokensPerSecond": c["batch"] * c["seq"] / median,
        "medianStepMs": median * 1000,
        "steps": args.steps,
        "threads": torch.get_num_threads(),
        "threadsSetting": "default" if args.threads is None else args.threads,
        "torch": torch.__version__,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
