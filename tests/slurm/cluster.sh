#!/usr/bin/env bash
# A throw-away single-node Slurm cluster on localhost, for the live batch tests.
#
#   source tests/slurm/cluster.sh
#   cluster_start DIR      # munged + slurmctld + slurmd, all state under DIR
#   ... sbatch / squeue / sacct with SLURM_CONF exported ...
#   cluster_stop           # stops exactly the daemons started here, by PID
#
# Everything (keys, sockets, spool, state, logs) lives under DIR; nothing in
# /etc is touched. Ports are chosen from the PID to avoid clashing with another
# run on the same machine.
#
# MPI under this cluster (Debian 12: Slurm 22.05, Open MPI 4.1 built against
# PMIx 4): direct launch needs `srun --mpi=pmix` (Slurm's pmix_v4 plugin).
# `--mpi=pmi2` and `--mpi=none` fail inside MPI_Init, because Debian's Open MPI
# has no PMI-1/PMI-2 client. `mpirun` inside an allocation (salloc/sbatch) also
# works: Open MPI reads the allocation from the SLURM_* environment.

cluster_can_run() {
  # Prints why the daemons cannot run here and returns 1, or returns 0.
  local missing=()
  for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol sacct; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "missing programs: ${missing[*]} (install slurm-wlm and munge)"
    return 1
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "slurmd must run as root to launch jobs as the submitting user, and this is uid $(id -u)"
    return 1
  fi
  return 0
}

cluster_start() {
  CLUSTER_DIR=$(cd "$1" && pwd)
  mkdir -p "$CLUSTER_DIR"/{state,spool,log,munge,tmp,pmix}
  _cluster_guard
  chmod 700 "$CLUSTER_DIR/munge"
  local port_base=$((20000 + ($$ % 2000) * 4))
  local host
  host=$(hostname -s)
  local cpus
  cpus=$(nproc)

  mungekey --create --keyfile="$CLUSTER_DIR/munge/munge.key" --force >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$CLUSTER_DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$CLUSTER_DIR/munge/munge.key"
  munged --key-file="$CLUSTER_DIR/munge/munge.key" \
    --socket="$CLUSTER_DIR/munge/munge.sock" \
    --pid-file="$CLUSTER_DIR/munge/munged.pid" \
    --log-file="$CLUSTER_DIR/log/munged.log" \
    --seed-file="$CLUSTER_DIR/munge/munged.seed" \
    --force || return 1

  cat >"$CLUSTER_DIR/slurm.conf" <<CONF
ClusterName=ropesweep-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port_base
SlurmdPort=$((port_base + 1))
SrunPortRange=$((port_base + 100))-$((port_base + 300))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# cred_expire also sets how long a requeued job waits before it may start
# again (default 120 s); a short value keeps the requeue tests quick.
AuthInfo=socket=$CLUSTER_DIR/munge/munge.sock,cred_expire=10
CredType=cred/munge
StateSaveLocation=$CLUSTER_DIR/state
SlurmdSpoolDir=$CLUSTER_DIR/spool
SlurmctldPidFile=$CLUSTER_DIR/slurmctld.pid
SlurmdPidFile=$CLUSTER_DIR/slurmd.pid
SlurmctldLogFile=$CLUSTER_DIR/log/slurmctld.log
SlurmdLogFile=$CLUSTER_DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
# Frequent scheduling passes: a requeued job starts as soon as it is eligible.
SchedulerParameters=bf_interval=2,sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobRequeue=1
TmpFS=$CLUSTER_DIR/tmp
KillWait=10
MinJobAge=600
InactiveLimit=0
JobCompType=jobcomp/none
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  # PMIx keeps per-step directories; keep them inside DIR so a fresh cluster
  # never trips over a previous one's leftovers.
  echo "PMIxCliTmpDirBase=$CLUSTER_DIR/pmix" >"$CLUSTER_DIR/mpi.conf"
  export SLURM_CONF="$CLUSTER_DIR/slurm.conf"
  slurmctld -f "$SLURM_CONF" -i || return 1
  slurmd -f "$SLURM_CONF" || return 1
  local tries=0
  until sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; do
    tries=$((tries + 1))
    if [[ $tries -gt 60 ]]; then
      echo "cluster: node did not become idle in 30 s; slurmd log:" >&2
      tail -n 20 "$CLUSTER_DIR/log/slurmd.log" >&2
      return 1
    fi
    sleep 0.5
  done
}

cluster_stop() {
  [[ -n "${CLUSTER_DIR:-}" ]] || return 0
  # Cancel jobs first: their slurmstepd processes outlive slurmd otherwise.
  if [[ -s "$CLUSTER_DIR/slurmctld.pid" ]] && kill -0 "$(cat "$CLUSTER_DIR/slurmctld.pid")" 2>/dev/null; then
    scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 60); do
      [[ -z "$(squeue -h -o %i 2>/dev/null)" ]] && break
      sleep 0.5
    done
  fi
  _cluster_kill "$CLUSTER_DIR/slurmd.pid" slurmd
  _cluster_kill "$CLUSTER_DIR/slurmctld.pid" slurmctld
  _cluster_kill "$CLUSTER_DIR/munge/munged.pid" munged
}

# Stops the daemon whose PID is in PIDFILE, if that PID still is NAME (a PID
# left in a stale file may belong to another process by now), and removes the file.
_cluster_kill() {
  local pidfile=$1 name=$2 pid
  [[ -s $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if [[ $pid =~ ^[0-9]+$ && "$(ps -o comm= -p "$pid" 2>/dev/null)" == "$name" ]]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# A watcher in its own session: if the shell that started the cluster dies
# without running cluster_stop (killed by a test timeout), it stops the daemons.
_cluster_guard() {
  setsid bash -c '
    source "$0"
    CLUSTER_DIR=$1
    export SLURM_CONF=$1/slurm.conf
    while kill -0 "$2" 2>/dev/null && [[ -d $1 ]]; do sleep 2; done
    [[ -d $1 ]] && cluster_stop' "${BASH_SOURCE[0]}" "$CLUSTER_DIR" "$$" \
    </dev/null >/dev/null 2>&1 &
}
