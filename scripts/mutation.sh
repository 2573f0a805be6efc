#!/usr/bin/env bash
# Mutation testing (PIT, STRONGER mutators): how many planted faults the tests notice, per module.
#
#   scripts/mutation.sh                  every row of scripts/mutation-floors.txt, one after another
#   scripts/mutation.sh arch-x86 ...     only the rows whose name is given
#   scripts/mutation.sh --check [...]    the same, then fail (exit 1) when a score is below its row's floor
#   --survivors                          also list each surviving mutant (file:line method: what PIT changed)
#   --report-only                        do not run PIT, summarise the last report of each row's module
#   THREADS=2 scripts/mutation.sh ...    PIT worker threads (default 1: the machine is shared)
#
# Each row names a module, the classes to mutate (PIT globs; the classes that decide hypercall results) and a
# floor. A row named "abi-core@MODULE" mutates abi-core's classes with MODULE's tests (PIT's crossModule), which is
# how the core is tested: through the architectures above it. The HTML report of the last run of a module is in
# MODULE/target/pit-reports/index.html; docs/testing.md explains how to read it and keeps the table of scores.
# Not a per-commit gate: a row takes minutes, all rows about half an hour on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
FLOORS=scripts/mutation-floors.txt
check=false
survivors=false
run=true
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=true ;;
    --survivors) survivors=true ;;
    --report-only) run=false ;;
    *) break ;;
  esac
  shift
done
wanted=" $* "
failed=0
printf '%-22s %8s %8s %8s %9s %9s %6s\n' row mutants killed survived no-cover score strength
rows=$(cat "$FLOORS") # read once: editing the file during a run must not shift the loop (and mvn must not eat the rows)
while read -r name classes floor <&3; do
  case "$name" in ''|'#'*) continue ;; esac
  if [ "$wanted" != "  " ] && [[ "$wanted" != *" $name "* ]]; then continue; fi
  module=${name#*@}
  cross=()
  if [ "$module" != "$name" ]; then cross=(-DcrossModule=true); fi
  # Only the row's module's own tests: the modules -am builds first (the ones it depends on) then have no test to run, and PIT passes
  # through them at once instead of mutating the target with their tests too.
  case "$module" in
    arch-*) tests="dev.hcsim.arch.${module#arch-}.*" ;;
    abi-core) tests="dev.hcsim.core.*" ;;
    abi-conformance) tests="dev.hcsim.conformance.*" ;;
    # its tests share abi-core's package: name them, so that PIT passes through abi-core (built first by -am)
    abi-scenario) tests="dev.hcsim.core.Core*,dev.hcsim.core.SchedulerTest,dev.hcsim.core.Scenario*,dev.hcsim.core.scenario.*" ;;
    abi-cli) tests="dev.hcsim.cli.*" ;;
    *) tests="dev.hcsim.*" ;;
  esac
  log=$(mktemp)
  if $run && ! mvn -B -q -o -Pmutation -pl "$module" -am test-compile org.pitest:pitest-maven:mutationCoverage \
       -DtargetClasses="$classes" -DtargetTests="$tests" -Dthreads="${THREADS:-1}" -DskipTests=false "${cross[@]}" >"$log" 2>&1; then
    echo "mutation: PIT failed for $name (log: $log)" >&2
    tail -20 "$log" >&2
    failed=1
    continue
  fi
  rm -f "$log"
  xml="$module/target/pit-reports/mutations.xml"
  count() { { grep -o "status='$1'" "$xml" || true; } | wc -l | tr -d ' '; }
  killed=$(count KILLED); survived=$(count SURVIVED); nocov=$(count NO_COVERAGE)
  timedout=$(count TIMED_OUT); memerr=$(count MEMORY_ERROR); runerr=$(count RUN_ERROR)
  detected=$((killed + timedout + memerr + runerr))
  total=$((detected + survived + nocov))
  covered=$((total - nocov))
  score=$(( total > 0 ? 100 * detected / total : 0 ))
  strength=$(( covered > 0 ? 100 * detected / covered : 0 ))
  printf '%-22s %8d %8d %8d %9d %8d%% %8d%%\n' "$name" "$total" "$detected" "$survived" "$nocov" "$score" "$strength"
  if $survivors; then
    # one mutation element per line is how PIT writes the XML report
    grep "status='SURVIVED'" "$xml" | sed -E 's|.*<sourceFile>([^<]*)</sourceFile>.*<mutatedMethod>([^<]*)</mutatedMethod>.*<lineNumber>([^<]*)</lineNumber>.*<description>([^<]*)</description>.*|    \1:\3 \2: \4|' \
      | sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g' | sort -t: -k1,1 -k2,2n
  fi
  if $check && [ "$score" -lt "$floor" ]; then
    echo "mutation: $name scores $score%, below its floor of $floor% ($FLOORS)" >&2
    failed=1
  fi
done 3<<<"$rows"
exit $failed
