#!/usr/bin/env python3
"""PyTorch reference for `npm run bench:generate`: greedy decoding with a key/value cache on
the same model and the same weights as the tiedformer column (bench/generate.ts writes them:
createCausalLM, pre-norm RMSNorm blocks, causal attention with rotate-half RoPE, GELU FFN,
final RMSNorm, tied head). The prompt runs once (prefill), then each step feeds one token and
appends its keys and values to the cache (torch.cat), as Hugging Face's DynamicCache does.
Reports ms per generated token (steps after the first, prefill excluded) for each context
length, the tokens it generated (the bench compares them with tiedformer's), and the BLAS
this process loaded. Prints one JSON object.

Usage: /usr/bin/python3 bench/torch_generate.py --weights W.json --contexts 16,128 --tokens 32 [--threads N]
"""
import argparse
import json
import math
import os
import time

import torch


def blas_library():
    """The BLAS shared library this process loaded (Debian picks it through alternatives)."""
    with open("/proc/self/maps") as maps:
        names = {os.path.basename(line.split()[-1]) for line in maps if "blas" in line.lower()}
    return ", ".join(sorted(names)) or "unknown"


def load(path):
    with open(path) as f:
        manifest = json.load(f)
    raw = open(os.path.join(os.path.dirname(path), manifest["data"]), "rb").read()
    weights = {}
    for w in manifest["weights"]:
        t = torch.frombuffer(bytearray(raw[w["offset"]:w["offset"] + 4 * w["size"]]), dtype=torch.float32)
        weights[w["name"]] = t.reshape(w["shape"])
    return manifest["config"], weights


def rms(x, gamma, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * gamma


class Model:
    def __init__(self, config, w):
        self.c = config
        self.w = w
        hd = config["hiddenSize"] // config["numHeads"]
        self.hd = hd
        half = hd // 2
        self.inv = torch.tensor([config["rotaryBase"] ** (-(2 * i) / hd) for i in range(half)], dtype=torch.float64)

    def rope(self, x, start):
        # x [B, H, S, hd]; rotate-half at positions start .. start + S - 1.
        s = x.shape[2]
        pos = torch.arange(start, start + s, dtype=torch.float64)[:, None] * self.inv[None, :]
        theta = torch.cat([pos, pos], -1).float()
        first, second = x.chunk(2, -1)
        return x * theta.cos() + torch.cat([-second, first], -1) * theta.sin()

    def forward(self, ids, cache, start):
        c, w = self.c, self.w
        b, s = ids.shape
        h, hd = c["numHeads"], self.hd
        x = w["token_embedding/embeddings"][ids]
        for i in range(c["numLayers"]):
            p = f"block_{i}/"
            n = rms(x, w[p + "attention_norm/gamma"], c["epsilon"])
            q = (n @ w[p + "attention/query_kernel"]).view(b, s, h, hd).transpose(1, 2)
            k = (n @ w[p + "attention/key_kernel"]).view(b, s, h, hd).transpose(1, 2)
            v = (n @ w[p + "attention/value_kernel"]).view(b, s, h, hd).transpose(1, 2)
            q, k = self.rope(q, start), self.rope(k, start)
            if i in cache:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
            if s > 1:
                t = k.shape[2]
                scores = scores + torch.full((s, t), float("-inf")).triu(t - s + 1)
            ctx = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, s, h * hd)
            x = x + ctx @ w[p + "attention/output_kernel"]
            n = rms(x, w[p + "mlp_norm/gamma"], c["epsilon"])
            x = x + torch.nn.functional.gelu(n @ w[p + "mlp/up_kernel"]) @ w[p + "mlp/down_kernel"]
        last = rms(x[:, -1], w["final_norm/gamma"], c["epsilon"])
        return last @ w["token_embedding/embeddings"].t()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", required=True)
    parser.add_argument("--contexts", default="16,128,512,1024")
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    config, weights = load(args.weights)
    model = Model(config, weights)
    results = []
    with torch.no_grad():
        for context in [int(c) for c in args.contexts.split(",")]:
            prompt = torch.tensor([[(i * 37 + 11) % config["vocabSize"] for i in range(context)]])
            for attempt in range(2):  # the first run warms up
                cache = {}
                logits = model.forward(prompt, cache, 0)
                tokens = [int(logits.argmax(-1))]
                times = [time.perf_counter()]
                for step in range(args.tokens - 1):
                    logits = model.forward(torch.tensor([[tokens[-1]]]), cache, context + step)
                    tokens.append(int(logits.argmax(-1)))
                    times.append(time.perf_counter())
            ms = (times[-1] - times[0]) * 1000 / (len(times) - 1)
            results.append({"context": context, "msPerToken": ms, "tokens": tokens})
    print(json.dumps({
        "results": results,
        "threads": torch.get_num_threads(),
        "threadsSetting": "default" if args.threads is None else args.threads,
        "torch": torch.__version__,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
