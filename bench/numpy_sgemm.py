#!/usr/bin/python3
"""Reference rate: fp32 GEMM (sgemm) through NumPy's BLAS, C = A B with A, B n x n.

Run it with OPENBLAS_NUM_THREADS=1 (and pinned) for a one-core figure. Prints one line:
"sgemm n=... gflops <median over repeats> ... blas <shared objects mapped>", the BLAS
read from /proc/self/maps: NumPy loads whatever libblas.so.3 the alternatives select.
"""
import argparse
import statistics
import time

import numpy as np

from loaded_blas import loaded_blas


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = args.size
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up
    rates = []
    for _ in range(args.repeats):
        start = time.process_time()
        np.matmul(a, b, out=c)
        rates.append(2.0 * n**3 / (time.process_time() - start) / 1e9)
    print(f"sgemm n={n} gflops {statistics.median(rates):.2f} "
          f"runs {' '.join(f'{r:.1f}' for r in rates)} blas {loaded_blas()}")


if __name__ == "__main__":
    main()
