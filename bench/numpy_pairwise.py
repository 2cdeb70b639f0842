#!/usr/bin/python3
"""Reference timing: the four pairwise estimators of docs/science.md written as plain,
vectorised NumPy (fp64, RoPE, interleaved pairs, plain Monte Carlo with iid
samples: every sample draws its own q, keys and distances).

Prints one line per metric: name value se n seconds (processor time). bench/compare.sh compares
its samples per second at equal standard error with ropesweep's.
"""
import argparse
import math
import time

import numpy as np


def rotated(x, position, theta):
    """R_position x for x of shape (n, d) (interleaved pairs), position of shape (n,)."""
    angle = position[:, None] * theta[None, :]
    c, s = np.cos(angle), np.sin(angle)
    re, im = x[:, 0::2], x[:, 1::2]
    out = np.empty_like(x)
    out[:, 0::2] = re * c - im * s
    out[:, 1::2] = re * s + im * c
    return out


def score(q, k, r, length, theta):
    m = np.full(q.shape[0], length - 1, dtype=np.float64)
    return np.einsum("ij,ij->i", rotated(q, m, theta), rotated(k, m - r, theta))


def failure(a, b):
    return (a < b) + 0.5 * (a == b)


def sign_flip(x, y):
    out = (np.sign(x) != np.sign(y)).astype(np.float64)
    out[(x == 0) | (y == 0)] = 0.5
    return out


def chunk_terms(metric, rng, n, d, length, rho, gap, theta):
    q = rng.standard_normal((n, d))
    rel = rho * q + math.sqrt(max(0.0, 1 - rho * rho)) * rng.standard_normal((n, d))
    if metric == "position_inversion":
        # (r1, r2) uniform on r2 - r1 >= gap: the two-to-one map of pairwise.cpp.
        m = length - gap
        a = rng.integers(0, m + 1, n)
        b = rng.integers(0, m, n)
        near = np.where(a <= b, a, b)
        far = np.where(a <= b, b, a - 1) + gap
        return failure(score(q, rel, near, length, theta), score(q, rel, far, length, theta))
    if metric == "position_aliasing":
        first = rng.integers(0, length, n)
        second = rng.integers(0, length - 1, n)
        second = second + (second >= first)
        return (score(q, rel, first, length, theta) == score(q, rel, second, length, theta)) * 1.0
    irr = rng.standard_normal((n, d))
    r = rng.integers(0, length, n)
    if metric == "token_inversion":
        zero = np.zeros(n, dtype=np.int64)
        at_r = score(q, rel, r, length, theta) - score(q, irr, r, length, theta)
        at_0 = score(q, rel, zero, length, theta) - score(q, irr, zero, length, theta)
        return sign_flip(at_r, at_0)
    return (score(q, rel, r, length, theta) == score(q, irr, r, length, theta)) * 1.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=float, default=10000.0)
    parser.add_argument("--head-dim", type=int, default=128)
    parser.add_argument("--length", type=int, default=4096)
    parser.add_argument("--rho", type=float, default=1.0)
    parser.add_argument("--separation", type=float, default=0.25)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--chunk", type=int, default=4096)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    d = args.head_dim
    theta = args.base ** (-2.0 * np.arange(d // 2) / d)
    gap = max(1, math.ceil(args.separation * args.length - 1e-9))
    rng = np.random.default_rng(args.seed)
    for metric in ("position_inversion", "position_aliasing", "token_inversion", "token_aliasing"):
        start = time.process_time()
        terms = []
        left = args.samples
        while left > 0:
            n = min(left, args.chunk)
            terms.append(chunk_terms(metric, rng, n, d, args.length, args.rho, gap, theta))
            left -= n
        terms = np.concatenate(terms)
        seconds = time.process_time() - start
        value = terms.mean()
        se = terms.std(ddof=1) / math.sqrt(terms.size)
        print(f"{metric} {value:.6g} {se:.6g} {terms.size} {seconds:.6g}")


if __name__ == "__main__":
    main()
