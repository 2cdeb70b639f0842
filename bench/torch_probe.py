#!/usr/bin/python3
"""Reference timing: the transformer probe's forward pass (bench/probe_forward --mode pass)
written as plain PyTorch, fp32, one thread.

The same architecture as include/ropesweep/physics/probe.hpp and src/physics/probe.cpp:
  h_0 = E[token] (V x d_model, N(0, 1)), d_model = heads * head_dim;
  every layer but the last: x = RMSNorm(h) (no gain, eps 1e-6); k = RoPE(x W_k),
    v = x W_v, q = RoPE(x W_q) / sqrt(head_dim); causal softmax attention per head;
    h <- h + attended W_o [+ with --mlp 1: h <- h + GELU_tanh(RMSNorm(h) W_1) W_2];
  the last layer: keys RoPE(RMSNorm(h) W_k) for every position, the query of row L-1
    alone, its logits against all L keys and their softmax per head (the read-out).
RoPE: interleaved pairs (2t, 2t+1), frequency base^(-2t/d) rounded to fp32, angle =
fp32 position * fp32 frequency, as Encoding::rotation_factors(double, float*).
Weights N(0, 1/d_model) (W_2: N(0, 1/(4 d_model))); values do not change the time.

Causal attention runs over query blocks of --block rows against the keys up to the
block's end, the diagonal block masked: the full L x L logits of 16 heads would take
heads * L^2 * 4 bytes (17 GB at L = 16384), and torch 1.13 has no fused attention.
It computes L (L + block) / 2 query-key pairs, the useful count being L (L + 1) / 2.

Prints one line: "torch L=... seconds <median process time> ... blas <libraries>".
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn.functional as F

from loaded_blas import loaded_blas


def rms_norm(x):
    return x * torch.rsqrt(x.square().mean(dim=-1, keepdim=True) + 1e-6)


def rope_tables(length, head_dim, base):
    pairs = head_dim // 2
    frequency = torch.tensor([base ** (-2.0 * t / head_dim) for t in range(pairs)],
                             dtype=torch.float64).float()
    angle = torch.arange(length, dtype=torch.float32)[:, None] * frequency[None, :]
    return torch.cos(angle)[:, None, :], torch.sin(angle)[:, None, :]  # L x 1 x pairs


def rope(x, cos, sin, heads, head_dim):
    """x: rows x d_model, rows at positions given by cos/sin (rows x 1 x pairs)."""
    pairs = x.view(x.shape[0], heads, head_dim // 2, 2)
    re, im = pairs[..., 0], pairs[..., 1]
    return torch.stack((re * cos - im * sin, re * sin + im * cos), dim=-1).view_as(x)


def causal_attention(q, k, v, block):
    """q, k, v: heads x L x head_dim; q already scaled. Returns heads x L x head_dim."""
    heads, length, head_dim = q.shape
    out = torch.empty_like(q)
    mask = torch.ones(block, block, dtype=torch.bool).triu_(1)
    for start in range(0, length, block):
        end = min(start + block, length)
        rows = end - start
        logits = torch.matmul(q[:, start:end], k[:, :end].transpose(1, 2))
        logits[:, :, start:end].masked_fill_(mask[:rows, :rows], float("-inf"))
        out[:, start:end] = torch.matmul(torch.softmax(logits, dim=-1), v[:, :end])
    return out


def draw_model(args, generator):
    width = args.heads * args.head_dim
    hidden = 4 * width

    def normal(rows, cols, sd):
        return torch.randn(rows, cols, generator=generator) * sd

    layers = []
    for _ in range(args.layers):
        layer = {name: normal(width, width, 1 / math.sqrt(width)) for name in "qkvo"}
        if args.mlp:
            layer["mlp_in"] = normal(width, hidden, 1 / math.sqrt(width))
            layer["mlp_out"] = normal(hidden, width, 1 / math.sqrt(hidden))
        layers.append(layer)
    return normal(args.vocab, width, 1.0), layers


def forward(tokens, vocabulary, layers, tables, args):
    heads, head_dim = args.heads, args.head_dim
    length = tokens.shape[0]
    cos, sin = tables
    scale = 1.0 / math.sqrt(head_dim)
    split = lambda x: x.view(length, heads, head_dim).transpose(0, 1)  # noqa: E731
    h = vocabulary[tokens]
    for index, layer in enumerate(layers):
        x = rms_norm(h)
        k = rope(x @ layer["k"], cos, sin, heads, head_dim)
        if index + 1 == len(layers):
            q = rope(x[-1:] @ layer["q"], cos[-1:], sin[-1:], heads, head_dim) * scale
            logits = torch.einsum("hd,lhd->hl", q.view(heads, head_dim),
                                  k.view(length, heads, head_dim))
            return torch.softmax(logits, dim=-1)
        v = x @ layer["v"]
        q = rope(x @ layer["q"], cos, sin, heads, head_dim) * scale
        attended = causal_attention(split(q), split(k), split(v), args.block)
        h = h + attended.transpose(0, 1).reshape(length, heads * head_dim) @ layer["o"]
        if args.mlp:
            h = h + F.gelu(rms_norm(h) @ layer["mlp_in"], approximate="tanh") @ layer["mlp_out"]
    raise ValueError("layers must be >= 1")


def check_attention(block):
    """The blocked attention against the full masked softmax at a small size."""
    generator = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(3, 300, 16, generator=generator, dtype=torch.float64)
               for _ in range(3))
    logits = q @ k.transpose(1, 2)
    logits.masked_fill_(torch.ones(300, 300, dtype=torch.bool).triu_(1), float("-inf"))
    full = torch.softmax(logits, dim=-1) @ v
    error = (causal_attention(q, k, v, block) - full).abs().max().item()
    if error > 1e-12:
        raise SystemExit(f"torch_probe: blocked attention differs from the full one by {error}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--length", type=int, default=4096)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--mlp", type=int, default=0)
    parser.add_argument("--vocab", type=int, default=4096)
    parser.add_argument("--base", type=float, default=10000.0)
    parser.add_argument("--block", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup-length", type=int, default=4096,
                        help="length of the untimed warm-up pass (at most --length)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    check_attention(args.block)

    generator = torch.Generator().manual_seed(1)
    vocabulary, layers = draw_model(args, generator)
    tokens = torch.randint(0, args.vocab, (args.length,), generator=generator)
    tables = rope_tables(args.length, args.head_dim, args.base)
    with torch.inference_mode():
        warm = min(args.length, args.warmup_length)
        forward(tokens[:warm], vocabulary, layers, (tables[0][:warm], tables[1][:warm]), args)
        times = []
        for _ in range(args.repeats):
            start = time.process_time()
            weights = forward(tokens, vocabulary, layers, tables, args)
            times.append(time.process_time() - start)
    print(f"torch L={args.length} heads={args.heads} head_dim={args.head_dim} "
          f"layers={args.layers} mlp={args.mlp} seconds {statistics.median(times):.4f} "
          f"runs {' '.join(f'{t:.3f}' for t in times)} threads {torch.get_num_threads()} "
          f"weight {weights[0, 0].item():.3g} blas {loaded_blas()}")


if __name__ == "__main__":
    main()
