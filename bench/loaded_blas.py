"""Which BLAS this Python process actually runs: the BLAS/LAPACK shared objects in
/proc/self/maps (call it after a matrix product has loaded them), and OpenBLAS's own
name for the kernel set it chose for this processor, when the BLAS is OpenBLAS.
Used by bench/numpy_sgemm.py and bench/torch_probe.py."""
import ctypes
import os


def loaded_blas():
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            base = os.path.basename(fields[-1]) if len(fields) >= 6 else ""
            if any(word in base for word in ("blas", "lapack", "mkl")):
                paths.add(fields[-1])
    core = ""
    for path in sorted(paths):
        try:
            corename = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        core = f" (OpenBLAS core {corename().decode()})"
        break
    shown = ",".join(os.path.basename(p) if "openblas" in p else p for p in sorted(paths))
    return (shown or "none") + core
