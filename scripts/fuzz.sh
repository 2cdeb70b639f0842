#!/usr/bin/env bash
# Builds the libFuzzer target of the spec parser and validator with clang
# (ASan + UBSan) in build-fuzz/ and fuzzes it on one core.
#   scripts/fuzz.sh [SECONDS]      (default 600)
# New interesting inputs go to build-fuzz/corpus/ (tests/fuzz/corpus/ is only
# read); crashes are written as build-fuzz/crash-*. To keep a few new inputs as
# regression cases: build-fuzz/tests/fuzz_spec -merge=1 tests/fuzz/corpus build-fuzz/corpus
set -euo pipefail
seconds=${1:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz

# libFuzzer's runtime comes with Debian's clang runtime package.
need=()
for p in clang-14 libclang-rt-14-dev; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == "install ok installed" ]] || need+=("$p")
done
if [[ ${#need[@]} -gt 0 ]]; then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DROPESWEEP_FUZZ=ON -DROPESWEEP_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j1 --target fuzz_spec
mkdir -p "$build/corpus"
cd "$build"
# One worker, one job: the fuzzer gets one core. The dictionary knows the spec's words.
exec ./tests/fuzz_spec -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
  -dict="$root/tests/fuzz/spec.dict" -print_final_stats=1 corpus "$root/tests/fuzz/corpus"
