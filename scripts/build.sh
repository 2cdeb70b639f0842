#!/usr/bin/env bash
# Configures and builds ropesweep (Release) into ${ROPESWEEP_BUILD_DIR:-build};
# arguments are passed to cmake (scripts/build.sh -DROPESWEEP_BUILD_BENCH=OFF).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${ROPESWEEP_BUILD_DIR:-$here/build}
# Debian's python3 has the modules the tests import (install-deps.sh); a python3
# earlier on PATH (pyenv, a venv) may not. Arguments given here override it.
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 \
  "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- |Consolidate compiler' || true
test -x "$build_dir/ropesweep"
