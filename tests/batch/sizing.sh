# shellcheck shell=bash disable=SC2154  # exe and mpiexec come from the sourcing test
# Sourced by the batch tests: pairwise sweeps sized to take a given time on 2
# ranks of this machine, so that a stop can land mid-run however fast the
# machine (or the estimators) are. Needs $exe, $mpiexec and fail().

# pairwise_spec SAMPLES FILE: a pairwise sweep of 150 points of about equal
# cost, growing linearly with SAMPLES. Many small points keep every stop quick:
# a stopping run finishes the points it is computing.
pairwise_spec() {
  cat >"$2" <<SPEC
name: batch-sized
seed: 11
experiments:
  pairwise:
    samples: $1
    fixed: {head_dim: 64, rho: 1.0, separation: 0.25, encoding: rope}
    axes:
      base: {logspace: [2, 6, 15]}
      length: {geomspace: [64, 1024, 5]}
      precision: [fp64, bf16]
SPEC
}

_probe_ms() {  # milliseconds of a 2-rank run with $1 samples
  pairwise_spec "$1" "probe_$1.yaml"
  local start
  start=$(date +%s%3N)
  "$mpiexec" 2 "$exe" run "probe_$1.yaml" -o "probe_$1.h5" -q --no-calibrate ||
    fail "probe run with $1 samples failed"
  echo $(($(date +%s%3N) - start))
  rm -f "probe_$1.yaml" "probe_$1.h5"
}

# measure_sampling_cost: sets ms_per_ksample, the 2-rank wall time per 1000
# samples of pairwise_spec, from two probes (the difference removes start-up).
measure_sampling_cost() {
  local small large
  small=$(_probe_ms 3000)
  large=$(_probe_ms 9000)
  ms_per_ksample=$(((large - small) / 6))
  ((ms_per_ksample < 1)) && ms_per_ksample=1
  echo "sizing: pairwise_spec on 2 ranks: 3000 samples ${small} ms, 9000 samples ${large} ms"
}

# sized_spec SECONDS FILE: pairwise_spec taking about SECONDS on 2 ranks.
sized_spec() {
  local samples=$(($1 * 1000 * 1000 / ms_per_ksample))
  pairwise_spec "$samples" "$2"
  echo "sizing: $2: $samples samples for about $1 s on 2 ranks"
}
