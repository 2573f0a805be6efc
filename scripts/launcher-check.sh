#!/usr/bin/env bash
# ./hcsim's launcher (issue 19): it runs the JDK that JAVA_HOME names, keeps one class-data (AppCDS) archive per JDK,
# each accepted by its JDK (-Xshare:on fails instead of silently running without the archive), and --version prints
# the version from the jar's manifest.
# Usage: scripts/launcher-check.sh JDK_HOME...   (JDKs that are absent are skipped, and said so)
set -euo pipefail
cd "$(dirname "$0")/.."
checked=0
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"
for jdk in "$@"; do
  if [ ! -x "$jdk/bin/java" ]; then echo "launcher-check: $jdk is not installed here; skipped" >&2; continue; fi
  out=$(JAVA_HOME="$jdk" ./hcsim --version 2>&1) || { echo "$out" >&2; echo "launcher-check: FAIL: ./hcsim under $jdk" >&2; exit 1; }
  [ "$(echo "$out" | head -1)" = "hcsim $VERSION" ] || { echo "launcher-check: FAIL: --version printed '$out', not the manifest's hcsim $VERSION" >&2; exit 1; }
  id="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.vm\.version = //p' | tr -c 'A-Za-z0-9.\n' '_')"
  jsa="abi-cli/target/hcsim-$id.jsa"
  [ -f "$jsa" ] || { echo "launcher-check: FAIL: no class-data archive $jsa for $jdk" >&2; exit 1; }
  "$jdk/bin/java" -XX:SharedArchiveFile="$jsa" -Xshare:on -jar abi-cli/target/hcsim.jar call --arch x86 rax=1 >/dev/null \
    || { echo "launcher-check: FAIL: $jdk rejects its archive $jsa" >&2; exit 1; }
  checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "launcher-check: FAIL: no JDK to check" >&2; exit 1; }
echo "launcher-check: ./hcsim ran on $checked JDK(s), each with its own accepted class-data archive"
