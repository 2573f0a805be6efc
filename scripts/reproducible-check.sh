#!/usr/bin/env bash
# Reproducible builds (issue 19): two clean builds of the library modules must give byte-identical jars
# (project.build.outputTimestamp in the parent POM fixes the archive entries' times).
# Usage: scripts/reproducible-check.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hcsim-repro.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
LIBS=$(sed -n 's:.*<artifactId>\(abi-[a-z]*\|arch-[a-z0-9]*\)</artifactId><version>.*:\1:p' hcsim-bom/pom.xml | paste -sd, -)
for round in 1 2; do
  mvn -B -q clean package -DskipTests -pl "$LIBS" "$@" >"$WORK/build$round.log" 2>&1 \
    || { tail -40 "$WORK/build$round.log"; echo "reproducible-check: build $round failed" >&2; exit 1; }
  mkdir "$WORK/$round"
  for m in ${LIBS//,/ }; do cp "$m"/target/"$m"-*.jar "$WORK/$round/"; done
  [ "$round" = 1 ] && sleep 2   # a different wall-clock second for the second build
done
n=0
for f in "$WORK"/1/*.jar; do
  b="$WORK/2/$(basename "$f")"
  cmp -s "$f" "$b" || { echo "reproducible-check: FAIL: $(basename "$f") differs between two builds" >&2
    diff <(unzip -lv "$f") <(unzip -lv "$b") | head -20 >&2; exit 1; }
  n=$((n + 1))
done
echo "reproducible-check: $n library jars byte-identical across two builds"
