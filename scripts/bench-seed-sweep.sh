#!/usr/bin/env bash
# Seeds per second of a seed sweep (hcsim run FILE --seeds A..B --jobs N) at 1 and 2 jobs, alternating the two
# (1,2,1,2,...) so that load from other processes on a shared machine hits both alike. For each run it prints the
# wall-clock rate (from the timing line the sweep writes on stderr) and the process's CPU time (user + system, from
# /usr/bin/time, JVM start-up included): when other processes hold the cores, the wall-clock ratio says how much of
# the machine was free, and equal CPU time at 1 and 2 jobs says the sweep itself adds no contention.
# Needs the CLI built: mvn -q -o package -DskipTests.
#   scripts/bench-seed-sweep.sh [SCENARIO] [SEEDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-examples/x86-pv-spinlock-lost-wakeup.json}
seeds=${2:-1..6000}
rounds=${3:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() { # jobs -> "seeds/s cpu-seconds"; exit 1 (failing seeds found) is expected
  /usr/bin/time -f "%U %S" -o "$dir/cpu" ./hcsim run "$scenario" --seeds "$seeds" --jobs "$1" --trace "$dir/t.jsonl" \
    >/dev/null 2>"$dir/err" || true
  rate=$(sed -n 's/.* \([0-9][0-9]*\) seeds\/s.*/\1/p' "$dir/err")
  cpu=$(tail -1 "$dir/cpu" | awk '{printf "%.2f", $1 + $2}')
  echo "$rate $cpu"
}
ones=(); twos=(); cpu1=(); cpu2=()
for r in $(seq "$rounds"); do
  read -r a ca < <(run 1); read -r b cb < <(run 2)
  echo "round $r: 1 job $a seeds/s ($ca s CPU), 2 jobs $b seeds/s ($cb s CPU)  load: $(cut -d' ' -f1 /proc/loadavg)"
  ones+=("$a"); twos+=("$b"); cpu1+=("$ca"); cpu2+=("$cb")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
m1=$(median "${ones[@]}"); m2=$(median "${twos[@]}"); c1=$(median "${cpu1[@]}"); c2=$(median "${cpu2[@]}")
echo "median: 1 job $m1 seeds/s, 2 jobs $m2 seeds/s: $(awk -v a="$m1" -v b="$m2" 'BEGIN {printf "%.2f", b/a}')x wall clock;" \
  "CPU time $c1 s and $c2 s: $(awk -v a="$c1" -v b="$c2" 'BEGIN {printf "%.2f", b/a}')x ($(nproc) cores seen)"
