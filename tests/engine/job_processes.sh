# Sourced by the kill tests: the processes of an MPI job started in the background.
# The ranks are children of Open MPI's mpirun, grandchildren of MPICH's mpiexec
# (under its hydra_pmi_proxy): every process below the launcher counts as the job.
# Needs $launcher (the launcher's pid) and $exe.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done
}
find_job() {  # sets job (every process below the launcher) and ranks (`EXE run` among them)
  job=$(descendants "$launcher")
  ranks=$(for pid in $job; do
    if [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == "$exe run "* ]]; then echo "$pid"; fi
  done)
}
# The launcher can be gone before the ranks it did not start itself (MPICH's are
# children of the proxy): resuming while one still runs would race with it.
running() {
  local pid state
  for pid in $job; do
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    if [[ -n $state && $state != Z ]]; then echo "$pid"; fi
  done
}
wait_until_gone() {
  for _ in $(seq 200); do [[ -z $(running) ]] && return 0; sleep 0.05; done
  echo "FAIL: still running 10 s after the launcher ended: $(running)"
  exit 1
}
