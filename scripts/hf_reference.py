#!/usr/bin/env python3
"""PyTorch reference forward passes of Hugging Face causal LMs, with torch only (issue #10).

Debian 12 has python3-torch but neither `transformers` nor `safetensors`, so this script
re-implements, from the modeling code of `transformers` (modeling_llama.py, modeling_qwen2.py,
modeling_gemma.py, modeling_gpt2.py), the forward pass of LlamaForCausalLM, Qwen2ForCausalLM,
GemmaForCausalLM and GPT2LMHeadModel, and reads/writes safetensors with `struct` + `json`.
It computes in float64 from the file's weights (bf16/f16 files are upcast exactly), so the
reference carries no float32 rounding of its own. Nothing here comes from tiedformer.

Negative controls (`--variant`) reproduce the classic conversion bugs; a comparison that
cannot tell them from the right answer proves nothing:
  interleaved-rope  GPT-J's rotate-every-two RoPE instead of Llama's rotate-half
  repeat-kv         k/v heads tiled with .repeat instead of repeat_kv's repeat_interleave
  wrong-eps         the norm epsilon × 10 (e.g. 1e-5 for a 1e-6 model)
  exact-gelu        (GPT-2, Gemma) exact erf GELU instead of the tanh approximation (not a
                    fixture control: on these tiny models it moves logits by only ~5e-5)
  no-unit-offset    (Gemma) RMSNorm × w instead of × (1 + w)

Usage:
  /usr/bin/python3 scripts/hf_reference.py logits DIR IDS_JSON [--variants NAME,NAME]
      prints {"logits": [...], "controls": {NAME: [...]}}: the logits [seq, vocab] of each id
      sequence of IDS_JSON ([[1, 2, 3], [4, 5]]), right and under each named control
  /usr/bin/python3 scripts/hf_reference.py fixtures OUT_DIR
      writes torch-initialised checkpoints (F32 and BF16) of each architecture with their
      reference logits and control logits (tests/fixtures/hf/, read by tests/interop/)
"""
import json
import math
import os
import struct
import sys

import torch

DT = torch.float64
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


# ----------------------------------------------------------------------------- safetensors

def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = bytearray(data[8 + n + start : 8 + n + end])
        t = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]) if raw else torch.zeros(0, dtype=DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"])
    return tensors


def write_safetensors(path, tensors, dtype):
    """Keys sorted, data in the same order, header padded with spaces to 8 (as safetensors does)."""
    names = sorted(tensors)
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in names:
        t = tensors[name].detach().to(DTYPES[dtype]).contiguous()
        blob = t.view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# ----------------------------------------------------------------------------- building blocks

def rms_norm(x, w, eps, unit_offset=False):
    # LlamaRMSNorm / GemmaRMSNorm: x * rsqrt(mean(x²) + eps) * w   (Gemma: * (1 + w))
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return y * (1.0 + w) if unit_offset else y * w


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope(q, k, base, variant):
    """LlamaRotaryEmbedding + apply_rotary_pos_emb on [B, H, S, hd], positions 0..S-1."""
    hd, s = q.shape[-1], q.shape[-2]
    inv_freq = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.int64).to(DT) / hd))
    freqs = torch.arange(s, dtype=DT)[:, None] * inv_freq[None, :]  # [S, hd/2]
    if variant == "interleaved-rope":
        # GPT-J / Meta's original complex form: pairs (0,1), (2,3), ... rotate together.
        cos = freqs.cos().repeat_interleave(2, -1)
        sin = freqs.sin().repeat_interleave(2, -1)

        def rot(x):
            x1, x2 = x[..., 0::2], x[..., 1::2]
            return torch.stack((-x2, x1), dim=-1).flatten(-2)

        return q * cos + rot(q) * sin, k * cos + rot(k) * sin
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


def repeat_kv(x, group, variant):
    """repeat_kv: [B, K, S, hd] → [B, K·group, S, hd], each kv head serving `group` query heads in a row."""
    if group == 1:
        return x
    if variant == "repeat-kv":
        return x.repeat(1, group, 1, 1)  # the bug: heads tiled k0 k1 k0 k1 instead of k0 k0 k1 k1
    b, kv, s, hd = x.shape
    return x[:, :, None, :, :].expand(b, kv, group, s, hd).reshape(b, kv * group, s, hd)


def causal_attention(q, k, v):
    s = q.shape[-2]
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    mask = torch.full((s, s), float("-inf"), dtype=DT).triu(1)
    return torch.softmax(scores + mask, dim=-1) @ v


def gelu_tanh(x):
    # NewGELUActivation / gelu_pytorch_tanh
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def act_fn(name, variant):
    if name in ("silu", "swish"):
        return torch.nn.functional.silu
    if name in ("gelu_pytorch_tanh", "gelu_new"):
        return torch.nn.functional.gelu if variant == "exact-gelu" else gelu_tanh
    if name == "gelu":
        return torch.nn.functional.gelu
    if name == "relu":
        return torch.relu
    raise ValueError(f"unknown activation {name}")


# ----------------------------------------------------------------------------- models

def llama_like(config, W, ids, variant):
    """LlamaForCausalLM, Qwen2ForCausalLM and GemmaForCausalLM (they differ in config only)."""
    gemma = config["model_type"] == "gemma"
    d = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv = config.get("num_key_value_heads", heads)
    hd = config.get("head_dim", d // heads)
    eps = config.get("rms_norm_eps", 1e-6) * (10 if variant == "wrong-eps" else 1)
    base = config.get("rope_theta", 10000.0)
    if gemma:
        act = act_fn(config.get("hidden_activation") or "gelu_pytorch_tanh", variant)
    else:
        act = act_fn(config.get("hidden_act", "silu"), variant)
    offset = gemma and variant != "no-unit-offset"

    def linear(x, name):
        y = x @ W[name + ".weight"].T
        return y + W[name + ".bias"] if name + ".bias" in W else y

    x = W["model.embed_tokens.weight"][ids]  # [B, S, d]
    if gemma:
        # GemmaModel: hidden * tensor(hidden_size ** 0.5, dtype=hidden.dtype); float32 here (the
        # dtype tiedformer computes in); in bfloat16 this constant would round to bfloat16.
        x = x * torch.tensor(d ** 0.5, dtype=torch.float32).to(DT)
    b, s = ids.shape
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}"
        h = rms_norm(x, W[p + ".input_layernorm.weight"], eps, offset)
        q = linear(h, p + ".self_attn.q_proj").view(b, s, heads, hd).transpose(1, 2)
        k = linear(h, p + ".self_attn.k_proj").view(b, s, kv, hd).transpose(1, 2)
        v = linear(h, p + ".self_attn.v_proj").view(b, s, kv, hd).transpose(1, 2)
        q, k = rope(q, k, base, variant)
        k, v = repeat_kv(k, heads // kv, variant), repeat_kv(v, heads // kv, variant)
        ctx = causal_attention(q, k, v).transpose(1, 2).reshape(b, s, heads * hd)
        x = x + linear(ctx, p + ".self_attn.o_proj")
        h = rms_norm(x, W[p + ".post_attention_layernorm.weight"], eps, offset)
        x = x + linear(act(linear(h, p + ".mlp.gate_proj")) * linear(h, p + ".mlp.up_proj"), p + ".mlp.down_proj")
    x = rms_norm(x, W["model.norm.weight"], eps, offset)
    head = W.get("lm_head.weight")
    if config.get("tie_word_embeddings", gemma) or head is None:
        head = W["model.embed_tokens.weight"]
    return x @ head.T


def gpt2(config, W, ids, variant):
    """GPT2LMHeadModel: learned positions, pre-LayerNorm blocks, fused c_attn, Conv1D [in, out]."""
    W = {k[len("transformer."):] if k.startswith("transformer.") else k: v for k, v in W.items()}
    d, heads = config["n_embd"], config["n_head"]
    hd = d // heads
    eps = config.get("layer_norm_epsilon", 1e-5) * (10 if variant == "wrong-eps" else 1)
    act = act_fn(config.get("activation_function", "gelu_new"), variant)
    b, s = ids.shape

    def conv1d(x, name):  # Conv1D: x @ W + b with W stored [in, out]
        return x @ W[name + ".weight"] + W[name + ".bias"]

    x = W["wte.weight"][ids] + W["wpe.weight"][torch.arange(s)]
    for i in range(config["n_layer"]):
        p = f"h.{i}"
        h = layer_norm(x, W[p + ".ln_1.weight"], W[p + ".ln_1.bias"], eps)
        q, k, v = conv1d(h, p + ".attn.c_attn").split(d, dim=2)
        split = lambda t: t.view(b, s, heads, hd).transpose(1, 2)
        ctx = causal_attention(split(q), split(k), split(v)).transpose(1, 2).reshape(b, s, d)
        x = x + conv1d(ctx, p + ".attn.c_proj")
        h = layer_norm(x, W[p + ".ln_2.weight"], W[p + ".ln_2.bias"], eps)
        x = x + conv1d(act(conv1d(h, p + ".mlp.c_fc")), p + ".mlp.c_proj")
    x = layer_norm(x, W["ln_f.weight"], W["ln_f.bias"], eps)
    head = W.get("lm_head.weight")
    if config.get("tie_word_embeddings", True) or head is None:
        head = W["wte.weight"]
    return x @ head.T


def forward(config, W, ids, variant=None):
    W = {k: v.to(DT) for k, v in W.items()}
    ids = torch.tensor(ids, dtype=torch.int64)
    if config["model_type"] == "gpt2":
        return gpt2(config, W, ids, variant)
    if config["model_type"] in ("llama", "qwen2", "gemma"):
        return llama_like(config, W, ids, variant)
    raise ValueError(f"unsupported model_type {config['model_type']}")


def load_dir(directory):
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    return config, read_safetensors(os.path.join(directory, "model.safetensors"))


# ----------------------------------------------------------------------------- fixtures

CONTROLS = {
    "llama": ["interleaved-rope", "repeat-kv", "wrong-eps"],
    "qwen2": ["interleaved-rope", "repeat-kv", "wrong-eps"],
    "gemma": ["interleaved-rope", "wrong-eps", "no-unit-offset"],
    "gpt2": ["wrong-eps"],
}
LENGTHS = [1, 7, 16]

CASES = {
    "llama": {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 48, "hidden_size": 16,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
        "hidden_act": "silu", "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "attention_bias": False,
        "mlp_bias": False, "max_position_embeddings": 64, "tie_word_embeddings": True,
    },
    "qwen2": {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 48, "hidden_size": 16,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
        "hidden_act": "silu", "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "use_sliding_window": False,
        "max_position_embeddings": 64, "tie_word_embeddings": False,
    },
    "gemma": {
        "architectures": ["GemmaForCausalLM"], "model_type": "gemma", "vocab_size": 48, "hidden_size": 16,
        "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 6,
        "intermediate_size": 24, "hidden_act": "gelu", "hidden_activation": "gelu_pytorch_tanh",
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "attention_bias": False, "max_position_embeddings": 64,
        "tie_word_embeddings": True,
    },
    "gpt2": {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 48, "n_embd": 16, "n_layer": 2,
        "n_head": 4, "n_inner": None, "n_positions": 16, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True,
    },
}


def init_weights(config, gen):
    """Random weights in each architecture's own names and layouts (nn.Linear [out, in], Conv1D [in, out]).
    Embeddings small (std 0.02, as HF initialises them, so the norm epsilon matters), the other
    matrices large enough that attention depends on position."""
    r = lambda *shape, std=0.3: torch.randn(*shape, generator=gen) * std
    W = {}
    if config["model_type"] == "gpt2":
        d, v, n = config["n_embd"], config["vocab_size"], config["n_positions"]
        f = config["n_inner"] or 4 * d
        W["transformer.wte.weight"] = r(v, d, std=0.02)  # GPT-2 files from the hub: with and without the prefix
        W["transformer.wpe.weight"] = r(n, d, std=0.02)
        for i in range(config["n_layer"]):
            p = f"transformer.h.{i}"
            for ln in ("ln_1", "ln_2"):
                W[f"{p}.{ln}.weight"] = 1 + r(d, std=0.2)
                W[f"{p}.{ln}.bias"] = r(d, std=0.1)
            W[f"{p}.attn.c_attn.weight"] = r(d, 3 * d)
            W[f"{p}.attn.c_attn.bias"] = r(3 * d, std=0.1)
            W[f"{p}.attn.c_proj.weight"] = r(d, d)
            W[f"{p}.attn.c_proj.bias"] = r(d, std=0.1)
            W[f"{p}.mlp.c_fc.weight"] = r(d, f)
            W[f"{p}.mlp.c_fc.bias"] = r(f, std=0.1)
            W[f"{p}.mlp.c_proj.weight"] = r(f, d)
            W[f"{p}.mlp.c_proj.bias"] = r(d, std=0.1)
            # GPT2Attention's causal-mask buffer, stored by old checkpoints: to be ignored.
            W[f"{p}.attn.bias"] = torch.tril(torch.ones(n, n)).view(1, 1, n, n)
        W["transformer.ln_f.weight"] = 1 + r(d, std=0.2)
        W["transformer.ln_f.bias"] = r(d, std=0.1)
        return W
    gemma = config["model_type"] == "gemma"
    d, v = config["hidden_size"], config["vocab_size"]
    heads = config["num_attention_heads"]
    kv = config["num_key_value_heads"]
    hd = config.get("head_dim", d // heads)
    f = config["intermediate_size"]
    qkv_bias = config["model_type"] == "qwen2" or config.get("attention_bias", False)
    norm = lambda: r(d, std=0.2) if gemma else 1 + r(d, std=0.2)  # Gemma stores w of (1 + w)
    W["model.embed_tokens.weight"] = r(v, d, std=0.02 if not gemma else 0.005)
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}"
        W[f"{p}.input_layernorm.weight"] = norm()
        W[f"{p}.post_attention_layernorm.weight"] = norm()
        for name, out in (("q", heads * hd), ("k", kv * hd), ("v", kv * hd)):
            W[f"{p}.self_attn.{name}_proj.weight"] = r(out, d, std=0.5)
            if qkv_bias:
                W[f"{p}.self_attn.{name}_proj.bias"] = r(out, std=0.3)
        W[f"{p}.self_attn.o_proj.weight"] = r(d, heads * hd)
        W[f"{p}.mlp.gate_proj.weight"] = r(f, d)
        W[f"{p}.mlp.up_proj.weight"] = r(f, d)
        W[f"{p}.mlp.down_proj.weight"] = r(d, f)
    W["model.norm.weight"] = norm()
    if not config["tie_word_embeddings"]:
        W["lm_head.weight"] = r(v, d, std=0.3)
    return W


def rounded(t):
    """Ten significant digits: far below the 1e-4 tolerance, and a third of the JSON."""
    return [[float("%.10g" % v) for v in row] for row in t.tolist()]


def make_fixtures(out_dir):
    gen = torch.Generator().manual_seed(10)
    for name, config in CASES.items():
        W = init_weights(config, gen)
        if name == "gpt2":  # as the hub's gpt2 file: no `transformer.` prefix (tiedformer writes one)
            W = {k[len("transformer."):]: t for k, t in W.items()}
        ids = [torch.randint(0, config["vocab_size"], (n,), generator=gen).tolist() for n in LENGTHS]
        for dtype in ("F32", "BF16"):
            directory = os.path.join(out_dir, f"{name}-{dtype.lower()}")
            os.makedirs(directory, exist_ok=True)
            cfg = dict(config, torch_dtype="float32" if dtype == "F32" else "bfloat16")
            with open(os.path.join(directory, "config.json"), "w") as f:
                json.dump(cfg, f, indent=2)
            write_safetensors(os.path.join(directory, "model.safetensors"), W, dtype)
            # The reference reads the file back, so bf16 weights are the rounded ones.
            stored = read_safetensors(os.path.join(directory, "model.safetensors"))
            reference = {
                "generator": "scripts/hf_reference.py fixtures",
                "torch": torch.__version__,
                "ids": ids,
                "logits": [rounded(forward(cfg, stored, [seq])[0]) for seq in ids],
                "controls": {
                    variant: [rounded(forward(cfg, stored, [seq], variant)[0]) for seq in ids]
                    for variant in CONTROLS[name]
                },
            }
            with open(os.path.join(directory, "reference.json"), "w") as f:
                json.dump(reference, f)


def main(argv):
    if len(argv) >= 2 and argv[0] == "fixtures":
        make_fixtures(argv[1])
        return
    if len(argv) >= 3 and argv[0] == "logits":
        variants = argv[argv.index("--variants") + 1].split(",") if "--variants" in argv else []
        config, W = load_dir(argv[1])
        ids = json.loads(argv[2])
        run = lambda variant: [forward(config, W, [seq], variant)[0].tolist() for seq in ids]
        print(json.dumps({"logits": run(None), "controls": {v: run(v) for v in variants}}))
        return
    print(__doc__, file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
