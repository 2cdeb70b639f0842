#!/usr/bin/env bash
# Installs every Debian package ropesweep and its test suite need, once.
# Idempotent: prints nothing and touches nothing when all are already present.
# Usage: scripts/install-deps.sh [--slurm] [--mpich] [--bench]
#   --slurm  adds slurm-wlm + munge (the live Slurm test)
#   --mpich  adds MPICH and its parallel HDF5 (scripts/test-mpich.sh). They install
#            beside Open MPI, which keeps the higher alternatives priority: the
#            default mpicc/mpirun stay Open MPI.
#   --bench  adds PyTorch and OpenBLAS for bench/compare.sh's reference figures, and
#            selects OpenBLAS as libblas.so.3 / liblapack.so.3 (update-alternatives),
#            which NumPy and PyTorch load: the reference BLAS is ~10x slower; and
#            Google Highway and xsimd for bench/simd_libraries.cpp (docs/simd-library.md);
#            and strace for bench/write_calls.sh.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libeigen3-dev libyaml-cpp-dev libboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  librandom123-dev libcli11-dev libsleef-dev
  python3 python3-h5py python3-numpy python3-matplotlib python3-xarray
  python3-h5netcdf python3-pytest python3-setuptools python3-venv
  procps valgrind
)
for option in "$@"; do
  case $option in
    --slurm) packages+=(slurm-wlm munge) ;;
    --mpich) packages+=(mpich libmpich-dev libhdf5-mpich-dev) ;;
    --bench) packages+=(python3-torch libopenblas0-pthread libhwy-dev libxsimd-dev strace); bench=1 ;;
    *) echo "usage: $0 [--slurm] [--mpich] [--bench]" >&2; exit 2 ;;
  esac
done

# OpenBLAS (pthread build) as the BLAS and LAPACK every program loads through
# libblas.so.3 / liblapack.so.3; nothing is touched when it already is.
select_openblas() {
  local arch name target
  arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
  for name in libblas.so.3 liblapack.so.3; do
    target=/usr/lib/$arch/openblas-pthread/$name
    [[ $(update-alternatives --query "$name-$arch" | awk '/^Value:/ {print $2}') == "$target" ]] &&
      continue
    $sudo update-alternatives --set "$name-$arch" "$target"
  done
}

bench=${bench:-0}
sudo=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  [[ $bench == 1 ]] && select_openblas
  exit 0
fi

if [[ $(id -u) -ne 0 && -z $sudo ]]; then
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[[ $bench == 1 ]] && select_openblas
exit 0
