#!/usr/bin/env bash
# Regenerates the generated parts of the docs from the code: docs/abi-table.md and the
# "generated: hcsim table --arch NAME" block of each docs/arch/NAME.md. DocsFreshnessTest fails when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
${HCSIM:-./hcsim} table > docs/abi-table.md.tmp && mv docs/abi-table.md.tmp docs/abi-table.md
for f in docs/arch/*.md; do
  arch=$(grep -o '<!-- generated: hcsim table --arch [a-z0-9]* -->' "$f" | head -1 | awk '{print $6}') || true
  [ -n "${arch:-}" ] || continue
  ${HCSIM:-./hcsim} table --arch "$arch" > /tmp/hcsim-table-$$.md
  python3 - "$f" "/tmp/hcsim-table-$$.md" "$arch" <<'PY'
import re, sys
path, gen, arch = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
doc = open(path).read()
start = "<!-- generated: hcsim table --arch %s -->\n" % arch
i = doc.index(start) + len(start)
j = doc.index("<!-- end generated -->", i)
open(path, "w").write(doc[:i] + gen + doc[j:])
PY
  rm -f /tmp/hcsim-table-$$.md
done
java -cp abi-cli/target/hcsim.jar dev.hcsim.cli.CliReference > docs/cli.md.tmp && mv docs/cli.md.tmp docs/cli.md
