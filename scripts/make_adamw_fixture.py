"""Reference for tests/training/adamw.test.ts: PyTorch's AdamW (and clip_grad_norm_) on a
matrix W and a vector b, fed a fixed sequence of random gradients; W decays, b does not (the
default of tiedformer's AdamW: decayVectors false).

    /usr/bin/python3 scripts/make_adamw_fixture.py > tests/fixtures/adamw.json
    npx biome format --write tests/fixtures/adamw.json
"""
import json

import torch

torch.manual_seed(0)
steps = 6
W0 = torch.randn(3, 4)
b0 = torch.randn(4)
grads = [(torch.randn(3, 4) * 2, torch.randn(4) * 2) for _ in range(steps)]


def run(clip):
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = torch.optim.AdamW(
        [{"params": [W], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}],
        lr=0.05, betas=(0.9, 0.99), eps=1e-8,
    )
    after = []
    for gW, gb in grads:
        W.grad = gW.clone()
        b.grad = gb.clone()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_([W, b], clip)
        opt.step()
        after.append({"W": W.detach().tolist(), "b": b.detach().tolist()})
    return after


print(json.dumps({
    "torch": torch.__version__,
    "lr": 0.05, "beta1": 0.9, "beta2": 0.99, "epsilon": 1e-8, "weightDecay": 0.1, "clipNorm": 1.0,
    "W0": W0.tolist(), "b0": b0.tolist(),
    "grads": [{"W": gW.tolist(), "b": gb.tolist()} for gW, gb in grads],
    "plain": run(None),
    "clipped": run(1.0),
}))
