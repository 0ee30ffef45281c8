#!/usr/bin/env python3
"""Reference outputs and gradients for the layers Hugging Face checkpoints need (issue #10):
LayerNorm, Gemma's (1 + w) RMSNorm, the learned position embedding, tanh-GELU FFNs, and
attention with q/k/v-only biases and a non-default RoPE base. PyTorch in float64; torch's own
nn.functional.layer_norm and gelu(approximate='tanh') serve as the reference implementations.

    /usr/bin/python3 scripts/make_checkpoint_layer_fixtures.py > tests/fixtures/checkpoint-layers.json

Same case format as scripts/make_layer_fixtures.py (kernels in tiedformer's [in, out] layout).
"""
import json
import math

import torch
import torch.nn.functional as F

torch.manual_seed(2026)
DT = torch.float64


def rand(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=DT) * scale).requires_grad_(True)


def finish(name, layer, args, inputs, weights, y):
    r = torch.randn(*y.shape, dtype=DT)
    (y * r).sum().backward()
    t = lambda v: v.detach().tolist()
    return {
        "name": name, "layer": layer, "args": args,
        "inputs": {k: t(v) for k, v in inputs.items()},
        "weights": {k: t(v) for k, v in weights.items()},
        "cotangent": t(r), "output": t(y),
        "inputGrads": {k: t(v.grad) for k, v in inputs.items()},
        "weightGrads": {k: t(v.grad) for k, v in weights.items()},
    }


cases = []

# LayerNorm (torch's own), with and without the bias.
for center in (True, False):
    x = rand(2, 3, 8, scale=2.0)
    w = {"gamma": rand(8, scale=0.5)}
    if center:
        w["beta"] = rand(8, scale=0.5)
    y = F.layer_norm(x, (8,), w["gamma"], w.get("beta"), 1e-5)
    cases.append(finish(f"layernorm center={center}", "LayerNorm", {"epsilon": 1e-5, "center": center}, {"x": x}, w, y))

# Gemma's RMSNorm: x / sqrt(mean(x^2) + eps) * (1 + w).
x = rand(2, 3, 8)
w = {"gamma": rand(8, scale=0.5)}
y = x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-6) * (1 + w["gamma"])
cases.append(finish("rmsnorm unitOffset", "RMSNorm", {"epsilon": 1e-6, "unitOffset": True}, {"x": x}, w, y))

# Learned positions: x + P[:seq] (table longer than the sequence).
x = rand(2, 3, 4)
w = {"embeddings": rand(5, 4)}
y = x + w["embeddings"][:3]
cases.append(finish("position embedding", "PositionEmbedding", {"maxPositions": 5}, {"x": x}, w, y))

# FFN with tanh GELU, plain and gated, with biases.
for activation in ("gelu_tanh", "geglu_tanh"):
    d, f = 4, 6
    x = rand(2, 3, d, scale=2.0)
    w = {"up_kernel": rand(d, f), "up_bias": rand(f), "down_kernel": rand(f, d), "down_bias": rand(d)}
    if activation == "geglu_tanh":
        w["gate_kernel"] = rand(d, f)
        w["gate_bias"] = rand(f)
    up = x @ w["up_kernel"] + w["up_bias"]
    inner = F.gelu(up, approximate="tanh") if activation == "gelu_tanh" else F.gelu(x @ w["gate_kernel"] + w["gate_bias"], approximate="tanh") * up
    y = inner @ w["down_kernel"] + w["down_bias"]
    cases.append(finish(f"ffn {activation}", "FFN", {"intermediateSize": f, "activation": activation, "useBias": True}, {"x": x}, w, y))

# Attention: q/k/v biases but none on the output (Qwen2), GQA, RoPE base 1e6, causal.
b, s, d, heads, kv = 2, 5, 8, 4, 2
hd = d // heads
x = rand(b, s, d)
w = {
    "query_kernel": rand(d, heads * hd, scale=0.5), "query_bias": rand(heads * hd, scale=0.5),
    "key_kernel": rand(d, kv * hd, scale=0.5), "key_bias": rand(kv * hd, scale=0.5),
    "value_kernel": rand(d, kv * hd, scale=0.5), "value_bias": rand(kv * hd, scale=0.5),
    "output_kernel": rand(heads * hd, d, scale=0.5),
}
base = 1e6


def rope(t):
    inv = base ** (-torch.arange(0, hd, 2, dtype=DT) / hd)
    ang = torch.arange(s, dtype=DT)[:, None] * inv[None, :]
    ang = torch.cat([ang, ang], -1)
    rotated = torch.cat([-t[..., hd // 2:], t[..., : hd // 2]], -1)
    return t * torch.cos(ang) + rotated * torch.sin(ang)


q = rope((x @ w["query_kernel"] + w["query_bias"]).view(b, s, heads, hd).transpose(1, 2))
k = rope((x @ w["key_kernel"] + w["key_bias"]).view(b, s, kv, hd).transpose(1, 2)).repeat_interleave(heads // kv, 1)
v = (x @ w["value_kernel"] + w["value_bias"]).view(b, s, kv, hd).transpose(1, 2).repeat_interleave(heads // kv, 1)
scores = (q @ k.transpose(-1, -2) / math.sqrt(hd)).masked_fill(~torch.tril(torch.ones(s, s, dtype=torch.bool)), float("-inf"))
ctx = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, s, d)
y = ctx @ w["output_kernel"]
cases.append(finish("attention qkvBias rotaryBase=1e6", "MultiHeadAttention",
                    {"numHeads": heads, "numKeyValueHeads": kv, "causal": True, "qkvBias": True, "outputBias": False, "rotary": True, "rotaryBase": base},
                    {"x": x}, w, y))

print(json.dumps({"generator": "scripts/make_checkpoint_layer_fixtures.py", "torch": torch.__version__, "cases": cases}))
