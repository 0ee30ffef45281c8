#!/usr/bin/env python3
"""safetensors files written from PyTorch tensors, and torch's own decodings of them.

Debian has no `safetensors` Python package, so this script writes the format by hand from
its specification (u64 little-endian header length, JSON header padded with spaces to a
multiple of 8, tensors sorted by name and laid out contiguously). The element bytes come
from torch: `t.to(torch.bfloat16)` and `t.half()` do the rounding. Run with Debian's Python:

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/make_safetensors_fixtures.py tests/fixtures/safetensors
    npx biome format --write tests/fixtures/safetensors   # the JSON, as the repository keeps it

It writes torch-f32.safetensors, torch-bf16.safetensors, torch-f16.safetensors (the same
tensors in three dtypes) and torch-decoded.json: for each dtype and tensor, the float32 bit
patterns of torch's `t.to(dtype).to(torch.float32)`, i.e. what a reader must decode. NaNs
are written as torch writes them (its vectorised bf16 cast gives 0xffff).
"""
import json
import os
import random
import struct
import sys

import torch

# Python's own generator and plain arithmetic, not torch.randn: the values are then the same on
# every machine (torch's vectorised normal sampler may differ in the last bit across CPUs), so
# CI can regenerate the files and compare them byte for byte. torch does the casts under test.
rng = random.Random(20261201)


def randn(*shape, scale=1.0):
    """Roughly normal values (a sum of four uniforms, centred), exactly reproducible."""
    n = 1
    for d in shape:
        n *= d
    values = [(sum(rng.random() for _ in range(4)) - 2.0) * 1.7320508 * scale for _ in range(n)]
    return torch.tensor(values, dtype=torch.float32).reshape(*shape)


def from_bits(bits):
    return torch.tensor(bits, dtype=torch.int64).to(torch.int32).view(torch.float32)


def rounding_cases():
    """float32 values that probe bf16 rounding: exact ties, near ties, carries, extremes."""
    bits = []
    for _ in range(64):
        high = rng.randrange(0, 0x7F7F) << 16  # a finite positive float32 top half
        for low in (0x8000, 0x7FFF, 0x8001, 0x0000, 0xFFFF, 0x4000, 0xC000):
            bits.append(high | low)
    bits += [0x3F808000, 0x3F818000, 0x3F80FFFF, 0x7F7FFFFF, 0x7F7F8000, 0x7F7F7FFF, 0x00008000,
             0x00018000, 0x00000001, 0x807FFFFF]
    values = from_bits(bits)
    negated = -values[rng.randrange(0, 64) :: 7][:64]  # some of the same cases, negative
    scales = torch.tensor([10.0 ** rng.randrange(-30, 30) for _ in range(64)])
    return torch.cat([values, negated, randn(64) * scales])


def tensors():
    nan, inf = float("nan"), float("inf")
    return {
        "model.embed_tokens.weight": randn(16, 8, scale=0.02),
        "model.layers.0.input_layernorm.weight": 1 + randn(8, scale=0.1),
        "model.layers.0.self_attn.q_proj.weight": randn(8, 8, scale=0.3),
        "rounding": rounding_cases(),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
        # f32 subnormal, f32 extremes, f16 max, f16 overflow, f16 subnormal, 1/3.
        "special": torch.tensor(
            [nan, inf, -inf, 0.0, -0.0, 1e-40, 3.4e38, -3.4e38, 65504.0, 70000.0, 1e-7, 1 / 3]
        ),
    }


def raw_bytes(t, dtype):
    t = t.to(dtype).contiguous()
    if dtype == torch.float32:
        return t.numpy().tobytes()
    return t.view(torch.int16).numpy().tobytes()  # numpy has no bfloat16: go through int16


def write(path, named, dtype, dtype_name):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(named):
        data = raw_bytes(named[name], dtype)
        header[name] = {
            "dtype": dtype_name,
            "shape": list(named[name].shape),
            "data_offsets": [offset, offset + len(data)],
        }
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/safetensors"
    os.makedirs(out, exist_ok=True)
    named = tensors()
    decoded = {"torch": torch.__version__}
    for dtype, dtype_name, file in (
        (torch.float32, "F32", "torch-f32.safetensors"),
        (torch.bfloat16, "BF16", "torch-bf16.safetensors"),
        (torch.float16, "F16", "torch-f16.safetensors"),
    ):
        write(os.path.join(out, file), named, dtype, dtype_name)
        decoded[dtype_name] = {
            name: t.to(dtype).to(torch.float32).contiguous().view(torch.int32).flatten().tolist()
            for name, t in sorted(named.items())
        }
    with open(os.path.join(out, "torch-decoded.json"), "w") as f:
        json.dump(decoded, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
