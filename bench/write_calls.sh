#!/usr/bin/env bash
# What rank 0 writes to the results file per flush, at 1, 2 and 4 ranks: one run of
# bench/write_calls.yaml (6400 pairwise points, 19 datasets of two storage blocks)
# per rank count, every rank under strace (write-family calls, openat, close,
# statfs), with a fixed --flush-points and a --flush-seconds too long to trigger,
# so every flush is one of FLUSH_POINTS points (and each rank's last, shorter one).
#
# What is counted, from the traces:
#   flushes      batches rank 0 wrote into the file: ResultWriter::write calls
#                statvfs(2) on the file once per batch (require_room), so they are
#                rank 0's statfs calls on it while the file is open for the results.
#                Checked against the journal appends of all ranks (each rank appends
#                every batch to its journal before writing or sending it): the two
#                counts must agree, else the row says so.
#   write calls  write/pwrite64/writev/pwritev calls on rank 0's results-file
#   bytes        descriptor from the open of the results writer (ResultWriter) to
#                its close, both included (one 96-byte superblock write each).
#                Creating the file, stamping end_time and the finishing steps
#                (frontier) open it separately and are not counted.
#   per flush    write calls / flushes (mean); the median and the most in one
#                flush (the writes from one statfs to the next, the close's with
#                the last); bytes / flushes.
#   journal      write calls on each rank's journal part file, rank 0 first.
# The load average is printed before each run.
#
# Usage: bench/write_calls.sh [BUILD_DIR]
#   env: FLUSH_POINTS (default 250), RANKS (default "1 2 4"), TIMEOUT (default 120 s
#        per run), MPIRUN (default "mpirun --allow-run-as-root --oversubscribe"; it is
#        given -np N), STRACE (default /usr/bin/strace; scripts/install-deps.sh --bench)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
exe=$build/ropesweep
spec=$here/write_calls.yaml
[[ -x $exe ]] || { echo "no $exe: build the ropesweep target first" >&2; exit 2; }
strace=${STRACE:-/usr/bin/strace}
[[ -x $strace ]] || { echo "no $strace: scripts/install-deps.sh --bench installs it" >&2; exit 2; }
read -r -a mpirun <<<"${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}"
limit=${TIMEOUT:-120}
flush_points=${FLUSH_POINTS:-250}
flush_seconds=3600
ranks_list=${RANKS:-1 2 4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
ratio() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { if (b) printf "%.*f", d, a / b; else printf "-" }'; }

# Each rank runs the program under strace, one trace file per thread
# (trace.RANK.TID), so no call is split across lines by another thread's.
wrapper=$work/traced.sh
cat >"$wrapper" <<EOF
#!/usr/bin/env bash
rank=\${OMPI_COMM_WORLD_RANK:-\${PMI_RANK:-0}}
exec "$strace" -f -ff -qq -y -e trace=openat,close,write,pwrite64,writev,pwritev,pwritev2,statfs \\
  -o "$work/trace.\$rank" "\$@"
EOF
chmod +x "$wrapper"

# rank0 OUT TRACE_FILES...: "FLUSHES CALLS BYTES", then the write calls of each flush
rank0() {
  local out=$1
  shift
  awk -v out="$out" '
    function ends_batch() { if (batches > 0) per[batches] = since; since = 0 }
    FNR == 1 { fd = ""; open_ = 0 }
    # The results writer: the first read-write open of the file itself (creation
    # writes a temporary file; end_time and the finishing steps come after its close).
    !seen && !open_ && index($0, "openat(") == 1 && index($0, "\"" out "\", O_RDWR") &&
        match($0, /= [0-9]+</) {
      fd = substr($0, RSTART + 2, RLENGTH - 3); open_ = 1; seen = 1; next
    }
    open_ && index($0, "statfs(\"" out "\"") == 1 { ends_batch(); ++batches; next }
    open_ && $0 ~ /^(write|pwrite64|writev|pwritev|pwritev2)\(/ &&
        index($0, "(" fd "<" out ">,") && match($0, /= [0-9]+$/) {
      ++calls; ++since; bytes += substr($0, RSTART + 2); next
    }
    open_ && index($0, "close(" fd "<" out ">)") == 1 { ends_batch(); open_ = 0 }
    END {
      printf "%d %d %.0f", batches, calls, bytes
      for (i = 1; i <= batches; ++i) printf " %d", per[i]
      printf "\n"
    }
  ' "$@"
}

# journal_writes OUT TRACE_FILES...: write calls on the rank's journal part file.
journal_writes() {
  local out=$1
  shift
  awk -v dir="$out.journal/" '
    index($0, "write(") == 1 && index($0, "<" dir) && $0 ~ /\.bin>,/ { ++n }
    END { print n + 0 }
  ' "$@"
}

echo "-- load (1, 5, 15 min): $(load)"
echo "-- $("$exe" --version 2>/dev/null | head -n 1); $(nproc) cores; $("$strace" -V | head -n 1)"
echo "-- $spec: --flush-points $flush_points --flush-seconds $flush_seconds; ${mpirun[*]} -np N"
rows=()
for np in $ranks_list; do
  out=$work/write_calls.h5
  rm -rf "$out" "$out.journal" "$work"/trace.*
  row_load=$(load)
  start=$EPOCHREALTIME
  if ! timeout "$limit" "${mpirun[@]}" -np "$np" "$wrapper" "$exe" run "$spec" -o "$out" \
    --flush-points "$flush_points" --flush-seconds "$flush_seconds" -q >"$work/run.log" 2>&1; then
    sed 's/^/    /' "$work/run.log" >&2
    rows+=("| $np | $row_load | failed (or over ${limit} s) | | | | | | | |")
    continue
  fi
  seconds=$(awk -v a="$EPOCHREALTIME" -v b="$start" 'BEGIN { printf "%.1f", a - b }')
  read -r -a counts < <(rank0 "$out" "$work"/trace.0.*)
  flushes=${counts[0]} calls=${counts[1]} bytes=${counts[2]}
  read -r median most < <(printf '%s\n' "${counts[@]:3}" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)], v[NR]; else print "- -" }')
  journal=() appends=0
  for ((r = 0; r < np; ++r)); do
    n=$(journal_writes "$out" "$work"/trace."$r".*)
    journal+=("$n")
    appends=$((appends + n))
  done
  check=""
  ((appends == flushes)) || check=" (journal appends: $appends)"
  echo "   np $np: ${seconds} s traced, load before $row_load; $flushes flushes$check," \
    "$calls write calls, $bytes bytes on rank 0's results file"
  rows+=("| $np | $row_load | $flushes$check | $calls | $bytes | $(ratio "$calls" "$flushes" 1) | $median | $most | $(ratio "$bytes" "$flushes" 0) | $(IFS=/ && echo "${journal[*]}") |")
done
echo
echo "| ranks | load before | flushes (batches rank 0 wrote) | write calls | bytes | calls per flush | median calls in one flush | most calls in one flush | bytes per flush | journal writes per rank |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
