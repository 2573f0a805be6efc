#!/usr/bin/env bash
# Seeds per second of a seed sweep (hcsim run FILE --seeds A..B --jobs N) at 1 and 2 jobs, alternating the two
# (1,2,1,2,...) so that load from other processes on a shared machine hits both alike; prints each run and the
# median of each, and the ratio of the medians. Needs the CLI built: mvn -q -o package -DskipTests.
#   scripts/bench-seed-sweep.sh [SCENARIO] [SEEDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-examples/x86-pv-spinlock-lost-wakeup.json}
seeds=${2:-1..4000}
rounds=${3:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rate() { # jobs -> seeds/s, from the timing line the sweep prints on stderr
  ./hcsim run "$scenario" --seeds "$seeds" --jobs "$1" --trace "$dir/t.jsonl" 2>&1 >/dev/null | sed -n 's/.* \([0-9][0-9]*\) seeds\/s.*/\1/p'
}
ones=(); twos=()
for r in $(seq "$rounds"); do
  a=$(rate 1); b=$(rate 2)
  echo "round $r: 1 job $a seeds/s, 2 jobs $b seeds/s"
  ones+=("$a"); twos+=("$b")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
m1=$(median "${ones[@]}"); m2=$(median "${twos[@]}")
echo "median: 1 job $m1 seeds/s, 2 jobs $m2 seeds/s, ratio $(awk -v a="$m1" -v b="$m2" 'BEGIN {printf "%.2f", b/a}')x ($(nproc) cores seen)"
