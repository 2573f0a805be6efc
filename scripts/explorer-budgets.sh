#!/usr/bin/env bash
# hcsim Explorer's budgets (issue 24), measured in headless Chromium and printed: the bundle for all architectures
# (<= 300 KB gzip), page ready (<= 1 s), one call (<= 5 ms), a bundled scenario (<= 50 ms). docs/performance.md keeps
# the figures of the last run. Needs chromium and chromedriver (Debian: chromium, chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl web -am test -Dtest=ExplorerBudgets -Dhcsim.budgets=true -Dsurefire.failIfNoSpecifiedTests=false "$@"
cat web/target/explorer-budgets.txt
