#!/usr/bin/env bash
# Installs every Debian package ropesweep and its test suite need, once.
# Idempotent: prints nothing and touches nothing when all are already present.
# Usage: scripts/install-deps.sh [--slurm] [--mpich]
#   --slurm  adds slurm-wlm + munge (the live Slurm test)
#   --mpich  adds MPICH and its parallel HDF5 (scripts/test-mpich.sh). They install
#            beside Open MPI, which keeps the higher alternatives priority: the
#            default mpicc/mpirun stay Open MPI.
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
    *) echo "usage: $0 [--slurm] [--mpich]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
