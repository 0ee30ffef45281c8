#!/usr/bin/env python3
"""Initial loss of GPT-2-style models at init, measured in PyTorch: the reference for
estimateCausalLMInitialLoss in the regime tiedformer's own models cannot build on this branch
(LayerNorm, learned absolute positions, tanh-GELU, biases, tied head).

Run with Debian's Python, which has python3-torch (install libopenblas0-pthread too, or torch
falls back to the slow reference BLAS):

    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 scripts/gpt2_initial_loss.py > tests/fixtures/gpt2-initial-loss.json

The model is written here from GPT-2's definition (Radford et al. 2019; the released init:
every matrix and both embeddings N(0, 0.02²), biases 0, LayerNorm weight 1 and bias 0, the two
residual output projections N(0, (0.02/√(2L))²)); nothing is taken from tiedformer. Each case
names its configuration in createCausalLM's option names, and holds the mean next-token
cross-entropy on seeded uniform random tokens over `seeds` independently initialised models,
with its standard error over those models. `residualInit` 'normal' and 'zero' replace the
output projections' std by 0.02 or 0.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def make_model(c, generator):
    """Weights of a GPT-2-style model as a dict of tensors, drawn from `generator`."""
    n, d, L, f = c["vocabSize"], c["hiddenSize"], c["numLayers"], c["intermediateSize"]
    s = c["initStd"]
    out_std = {"normal": s, "scaled": s / math.sqrt(2 * L), "zero": 0.0}[c["residualInit"]]

    def normal(*shape, std):
        return torch.randn(*shape, generator=generator) * std

    w = {
        "wte": normal(n, d, std=c["embeddingStd"]),
        "wpe": normal(c["maxPositions"], d, std=c["positionStd"]),
        "blocks": [],
    }
    for _ in range(L):
        w["blocks"].append(
            {
                "qkv": normal(d, 3 * d, std=s),
                "qkv_b": torch.zeros(3 * d),
                "proj": normal(d, d, std=out_std),
                "proj_b": torch.zeros(d),
                "fc": normal(d, f, std=s),
                "fc_b": torch.zeros(f),
                "fc_proj": normal(f, d, std=out_std),
                "fc_proj_b": torch.zeros(d),
            }
        )
    return w


def layer_norm(x, eps):
    return F.layer_norm(x, x.shape[-1:], eps=eps)  # weight 1, bias 0 at init


def forward(w, c, ids):
    """Logits [batch, seq, n] of token ids [batch, seq]."""
    d, H, eps = c["hiddenSize"], c["numHeads"], c["normEpsilon"]
    B, S = ids.shape
    hd = d // H
    x = w["wte"][ids] + w["wpe"][:S]
    mask = torch.ones(S, S, dtype=torch.bool).tril()
    for b in w["blocks"]:
        h = layer_norm(x, eps) @ b["qkv"] + b["qkv_b"]
        q, k, v = (t.reshape(B, S, H, hd).transpose(1, 2) for t in h.split(d, dim=-1))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        probs = scores.masked_fill(~mask, float("-inf")).softmax(-1)
        context = (probs @ v).transpose(1, 2).reshape(B, S, d)
        x = x + context @ b["proj"] + b["proj_b"]
        h = gelu_tanh(layer_norm(x, eps) @ b["fc"] + b["fc_b"])
        x = x + h @ b["fc_proj"] + b["fc_proj_b"]
    return layer_norm(x, eps) @ w["wte"].T  # tied head


def measure(c, sequence_length, rows, seeds, chunk=4):
    losses = []
    for seed in range(seeds):
        generator = torch.Generator().manual_seed(1000 + seed)
        w = make_model(c, generator)
        tokens = torch.randint(0, c["vocabSize"], (rows, sequence_length + 1), generator=generator)
        total = 0.0
        for start in range(0, rows, chunk):
            batch = tokens[start : start + chunk]
            logits = forward(w, c, batch[:, :-1])
            total += F.cross_entropy(
                logits.reshape(-1, c["vocabSize"]), batch[:, 1:].reshape(-1), reduction="sum"
            ).item()
        losses.append(total / (rows * sequence_length))
    mean = sum(losses) / len(losses)
    spread = sum((x - mean) ** 2 for x in losses) / max(len(losses) - 1, 1)
    return mean, math.sqrt(spread / len(losses)), losses


def gpt2(n, d, L, **extra):
    c = {
        "vocabSize": n,
        "hiddenSize": d,
        "numLayers": L,
        "numHeads": max(d // 64, 1),
        "intermediateSize": 4 * d,
        "head": "tied",
        "activation": "gelu_tanh",
        "norm": "layernorm",
        "normEpsilon": 1e-5,
        "positionEmbedding": "learned",
        "maxPositions": 1024,
        "positionStd": 0.02,
        "embeddingStd": 0.02,
        "initStd": 0.02,
        "residualInit": "scaled",
        "useBias": True,
    }
    c.update(extra)
    return c


# (label, config, sequenceLength, rows, seeds)
CASES = [
    ("GPT-2 small as released", gpt2(50257, 768, 12), 128, 16, 2),
    ("GPT-2 small, output projections 0", gpt2(50257, 768, 12, residualInit="zero"), 128, 16, 2),
    ("GPT-2 small, output projections 0.02", gpt2(50257, 768, 12, residualInit="normal"), 128, 16, 2),
    ("d 256, 1 block, σ 0.1", gpt2(8192, 256, 1, embeddingStd=0.1), 64, 32, 3),
    ("d 256, 4 blocks, σ 0.1", gpt2(8192, 256, 4, embeddingStd=0.1), 64, 32, 3),
    ("d 256, 4 blocks, σ 0.1, normal", gpt2(8192, 256, 4, embeddingStd=0.1, residualInit="normal"), 64, 32, 3),
    ("d 256, 4 blocks, σ 0.1, zero", gpt2(8192, 256, 4, embeddingStd=0.1, residualInit="zero"), 64, 32, 3),
    ("d 256, 4 blocks, σ 0.1, positions 0.1", gpt2(8192, 256, 4, embeddingStd=0.1, positionStd=0.1), 64, 32, 3),
    ("d 128, 12 blocks, σ 0.15, normal", gpt2(2048, 128, 12, embeddingStd=0.15, residualInit="normal"), 64, 48, 3),
]


def main():
    torch.set_num_threads(2)
    results = []
    for label, config, sequence_length, rows, seeds in CASES:
        mean, se, losses = measure(config, sequence_length, rows, seeds)
        print(f"{label}: {mean:.4f} ± {se:.4f}", file=sys.stderr)
        results.append(
            {
                "label": label,
                "options": config,
                "sequenceLength": sequence_length,
                "rows": rows,
                "seeds": seeds,
                "measured": round(mean, 5),
                "standardError": round(se, 5),
                "perSeed": [round(x, 5) for x in losses],
            }
        )
    json.dump(
        {
            "generator": "scripts/gpt2_initial_loss.py",
            "torch": torch.__version__,
            "tokens": "uniform random ids, seeded per model; loss over every next-token position",
            "cases": results,
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
