#!/usr/bin/env python3
"""Reference outputs and gradients for tiedformer's layers, computed with PyTorch in float64.

Run with Debian's Python, which has python3-torch:

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/make_layer_fixtures.py > tests/fixtures/layers.json

Each case holds the input, the weights (kernels in tiedformer's [in, out] layout, i.e. the
transpose of torch.nn.Linear.weight), a fixed random cotangent R, the output y, and the
gradients of sum(y * R) with respect to the input and every weight. The layers are written
here directly from their definitions with torch ops; nothing is taken from tiedformer.
"""
import json
import math

import torch

torch.manual_seed(1234)
DT = torch.float64


def rand(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=DT) * scale).requires_grad_(True)


def tolist(t):
    return t.detach().tolist()


def finish(name, inputs, weights, y, extra=None):
    """Backpropagates sum(y * R) and packs everything for JSON."""
    r = torch.randn(*y.shape, dtype=DT)
    (y * r).sum().backward()
    case = {
        "name": name,
        "inputs": {k: tolist(v) for k, v in inputs.items()},
        "weights": {k: tolist(v) for k, v in weights.items()},
        "cotangent": tolist(r),
        "output": tolist(y),
        "inputGrads": {k: tolist(v.grad) for k, v in inputs.items() if v.requires_grad},
        "weightGrads": {k: tolist(v.grad) for k, v in weights.items()},
    }
    if extra:
        case.update(extra)
    return case


def rms_norm(x, gamma, beta, eps):
    y = x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y


def gelu(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def ffn(x, w, activation):
    def proj(h, name):
        y = h @ w[name + "_kernel"]
        return y + w[name + "_bias"] if name + "_bias" in w else y

    up = proj(x, "up")
    if activation == "relu":
        inner = torch.relu(up)
    elif activation == "gelu":
        inner = gelu(up)
    else:
        gate = proj(x, "gate")
        inner = (torch.nn.functional.silu(gate) if activation == "swiglu" else gelu(gate)) * up
    return proj(inner, "down")


def rotary(x, base):
    """Rotate-half RoPE on [B, H, S, hd] (Llama / GPT-NeoX form)."""
    seq, hd = x.shape[2], x.shape[3]
    inv = base ** (-torch.arange(0, hd, 2, dtype=DT) / hd)  # [hd/2]
    angles = torch.arange(seq, dtype=DT)[:, None] * inv[None, :]  # [S, hd/2]
    angles = torch.cat([angles, angles], -1)  # [S, hd]
    x1, x2 = x[..., : hd // 2], x[..., hd // 2 :]
    rotated = torch.cat([-x2, x1], -1)
    return x * torch.cos(angles) + rotated * torch.sin(angles)


def attention(x, w, num_heads, num_kv_heads, causal, mask=None, use_rotary=False, base=10000.0):
    b, s, d = x.shape
    hd = w["query_kernel"].shape[1] // num_heads

    def proj(h, name):
        y = h @ w[name + "_kernel"]
        return y + w[name + "_bias"] if name + "_bias" in w else y

    q = proj(x, "query").view(b, s, num_heads, hd).transpose(1, 2)
    k = proj(x, "key").view(b, s, num_kv_heads, hd).transpose(1, 2)
    v = proj(x, "value").view(b, s, num_kv_heads, hd).transpose(1, 2)
    if use_rotary:
        q, k = rotary(q, base), rotary(k, base)
    group = num_heads // num_kv_heads
    k = k.repeat_interleave(group, dim=1)
    v = v.repeat_interleave(group, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(hd)  # [B, H, S, S]
    allowed = torch.ones(b, 1, s, s, dtype=torch.bool)
    if causal:
        allowed = allowed & torch.tril(torch.ones(s, s, dtype=torch.bool))
    if mask is not None:
        allowed = allowed & (mask != 0)[:, None, None, :]
    scores = scores.masked_fill(~allowed, float("-inf"))
    any_allowed = allowed.any(-1, keepdim=True)
    # A query with no allowed key outputs zeros (tiedformer's documented rule), not NaN.
    probs = torch.where(any_allowed, torch.softmax(scores.masked_fill(~any_allowed, 0.0), -1), torch.zeros_like(scores))
    ctx = (probs @ v).transpose(1, 2).reshape(b, s, num_heads * hd)
    return proj(ctx, "output")


cases = []

# RMSNorm
for center in (False, True):
    x = rand(2, 3, 8)
    weights = {"gamma": rand(8, scale=0.5)}
    if center:
        weights["beta"] = rand(8, scale=0.5)
    y = rms_norm(x, weights["gamma"], weights.get("beta"), 1e-6)
    cases.append(finish(f"rmsnorm center={center}", {"x": x}, weights, y, {"layer": "RMSNorm", "args": {"epsilon": 1e-6, "center": center}}))

# FFN, every activation; biases on two of them
for activation, use_bias in (("gelu", True), ("relu", False), ("swiglu", True), ("geglu", False)):
    d, f = 8, 12
    x = rand(2, 3, d)
    weights = {"up_kernel": rand(d, f, scale=0.4), "down_kernel": rand(f, d, scale=0.4)}
    if activation in ("swiglu", "geglu"):
        weights["gate_kernel"] = rand(d, f, scale=0.4)
    if use_bias:
        for name, size in (("up", f), ("down", d)) + ((("gate", f),) if "gate_kernel" in weights else ()):
            weights[name + "_bias"] = rand(size, scale=0.2)
    y = ffn(x, weights, activation)
    cases.append(finish(f"ffn {activation} bias={use_bias}", {"x": x}, weights, y,
                        {"layer": "FFN", "args": {"intermediateSize": f, "activation": activation, "useBias": use_bias}}))

# MultiHeadAttention
attention_cases = [
    ("mha causal", dict(num_heads=4, num_kv_heads=4, causal=True, bias=False, mask=None, rotary=False)),
    ("mha gqa causal bias", dict(num_heads=4, num_kv_heads=2, causal=True, bias=True, mask=None, rotary=False)),
    ("mha padding mask", dict(num_heads=2, num_kv_heads=2, causal=False, bias=False, mask=[[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], rotary=False)),
    ("mha causal left padding (fully masked rows)", dict(num_heads=2, num_kv_heads=1, causal=True, bias=False, mask=[[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]], rotary=False)),
    ("mha gqa rotary causal", dict(num_heads=4, num_kv_heads=2, causal=True, bias=False, mask=None, rotary=True)),
]
for name, c in attention_cases:
    d, hd = 16, 4
    x = rand(2, 5, d)
    qw, kvw = c["num_heads"] * hd, c["num_kv_heads"] * hd
    weights = {
        "query_kernel": rand(d, qw, scale=0.4),
        "key_kernel": rand(d, kvw, scale=0.4),
        "value_kernel": rand(d, kvw, scale=0.4),
        "output_kernel": rand(qw, d, scale=0.4),
    }
    if c["bias"]:
        for n, size in (("query", qw), ("key", kvw), ("value", kvw), ("output", d)):
            weights[n + "_bias"] = rand(size, scale=0.2)
    mask = None if c["mask"] is None else torch.tensor(c["mask"], dtype=DT)
    y = attention(x, weights, c["num_heads"], c["num_kv_heads"], c["causal"], mask, c["rotary"])
    args = {"numHeads": c["num_heads"], "numKeyValueHeads": c["num_kv_heads"], "headDim": hd,
            "causal": c["causal"], "useBias": c["bias"], "rotary": c["rotary"]}
    extra = {"layer": "MultiHeadAttention", "args": args}
    if c["mask"] is not None:
        extra["paddingMask"] = c["mask"]
    cases.append(finish(name, {"x": x}, weights, y, extra))

# TransformerBlock: pre-norm, RMSNorm, GQA causal attention, SwiGLU FFN
d, hd, heads, kv, f = 16, 4, 4, 2, 24
x = rand(2, 5, d)
weights = {
    "attention_norm/gamma": rand(d, scale=0.5),
    "attention/query_kernel": rand(d, heads * hd, scale=0.4),
    "attention/key_kernel": rand(d, kv * hd, scale=0.4),
    "attention/value_kernel": rand(d, kv * hd, scale=0.4),
    "attention/output_kernel": rand(heads * hd, d, scale=0.4),
    "mlp_norm/gamma": rand(d, scale=0.5),
    "mlp/gate_kernel": rand(d, f, scale=0.4),
    "mlp/up_kernel": rand(d, f, scale=0.4),
    "mlp/down_kernel": rand(f, d, scale=0.4),
}
sub = lambda prefix: {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
h = x + attention(rms_norm(x, weights["attention_norm/gamma"], None, 1e-6), sub("attention/"), heads, kv, True)
y = h + ffn(rms_norm(h, weights["mlp_norm/gamma"], None, 1e-6), sub("mlp/"), "swiglu")
cases.append(finish("block swiglu gqa causal", {"x": x}, weights, y, {
    "layer": "TransformerBlock",
    "args": {"numHeads": heads, "numKeyValueHeads": kv, "intermediateSize": f, "activation": "swiglu", "causal": True, "rotary": False},
}))

print(json.dumps({"generator": "scripts/make_layer_fixtures.py", "torch": torch.__version__, "cases": cases}))
