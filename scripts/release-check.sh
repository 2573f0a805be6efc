#!/usr/bin/env bash
# The release as a user receives it (issue 19): `mvn -Prelease deploy` into a local directory repository, then checks
#  - every library artifact has jar + sources + javadoc + pom, each signed (a throwaway gpg key made here; when gpg is
#    missing the signatures are skipped and said so), and the BOM and parent POMs are there; the tools
#    (abi-cli, abi-bench) are not published;
#  - every jar's manifest has Implementation-Version, and every jar carries LICENSE and NOTICE;
#  - no published module descriptor requires a module whose name is derived from a jar's file name;
#  - examples/consumer resolves hcsim from that directory alone (a private local repository without dev.hcsim)
#    and its tests pass.
# Usage: scripts/release-check.sh [extra mvn args]   (from anywhere; leaves nothing behind but target/ folders)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hcsim-release.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
REPO="$WORK/repo"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"
fail() { echo "release-check: FAIL: $*" >&2; exit 1; }

SIGN=()
if command -v gpg >/dev/null 2>&1; then
  export GNUPGHOME="$WORK/gnupg"; mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key 'hcsim release check (throwaway) <release-check@hcsim.invalid>' ed25519 sign never 2>/dev/null
  SIGN=(-Dgpg.keyname=release-check@hcsim.invalid)
else
  echo "release-check: WARNING: gpg is not installed; the artifacts are deployed unsigned and signatures are not checked" >&2
fi

# -Dhcsim.central=false: the same release profile, with maven-deploy-plugin writing to the directory instead of the
# Central publishing plugin uploading.
mvn -B -Prelease -Dhcsim.central=false -DskipTests "${SIGN[@]}" -DaltDeploymentRepository="local::file://$REPO" "$@" clean deploy \
  > "$WORK/deploy.log" 2>&1 || { tail -50 "$WORK/deploy.log"; fail "the release deploy failed"; }
if grep -q "filename-based automodules" "$WORK/deploy.log"; then
  grep "filename-based automodules" "$WORK/deploy.log"; fail "a module requires a filename-based automatic module"
fi

D="$REPO/dev/hcsim"
newest() { ls "$D/$1/$VERSION/"$1-*"$2" 2>/dev/null | grep -v -- "-sources\|-javadoc" | sort | tail -1 || true; }
[ -n "$(ls "$D/hcsim-parent/$VERSION/"*.pom 2>/dev/null)" ] || fail "hcsim-parent's POM was not deployed"
[ -n "$(ls "$D/hcsim-bom/$VERSION/"*.pom 2>/dev/null)" ] || fail "hcsim-bom was not deployed"
for tool in abi-cli abi-bench web; do [ ! -e "$D/$tool" ] || fail "$tool is a tool and must not be published"; done
LIBS=$(sed -n 's:.*<artifactId>\(abi-[a-z]*\|arch-[a-z0-9]*\)</artifactId><version>.*:\1:p' hcsim-bom/pom.xml)
[ -n "$LIBS" ] || fail "no library modules found in hcsim-bom/pom.xml"
for a in $LIBS; do
  dir="$D/$a/$VERSION"
  for kind in .jar -sources.jar -javadoc.jar .pom; do
    f=$(ls "$dir/$a-"*"$kind" 2>/dev/null | { [ "$kind" = .jar ] && grep -v -- "-sources\|-javadoc" || cat; } | sort | tail -1 || true)
    [ -n "$f" ] || fail "$a: no $kind deployed"
    if [ ${#SIGN[@]} -gt 0 ]; then
      [ -f "$f.asc" ] || fail "$a: $kind is not signed"
      gpg --batch --quiet --verify "$f.asc" "$f" 2>/dev/null || fail "$a: the signature of $kind does not verify"
    fi
  done
  jar=$(newest "$a" .jar)
  unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | grep -q "^Implementation-Version: $VERSION$" || fail "$a: no Implementation-Version: $VERSION in the manifest"
  for f in META-INF/LICENSE META-INF/NOTICE; do unzip -l "$jar" "$f" >/dev/null || fail "$a: $f missing from the jar"; done
done
echo "release-check: $(echo $LIBS | wc -w) library artifacts deployed with jar, sources, javadoc and pom$([ ${#SIGN[@]} -gt 0 ] && echo ', all signed')"

# examples/consumer by coordinates, from the directory only: a private local repository with everything but dev.hcsim.
LOCAL="$WORK/m2"
cp -r "${HOME}/.m2/repository" "$LOCAL" 2>/dev/null || mkdir -p "$LOCAL"
rm -rf "$LOCAL/dev/hcsim"
cat > "$WORK/settings.xml" <<XML
<settings>
  <profiles><profile><id>hcsim-dir</id>
    <repositories><repository><id>hcsim-dir</id><url>file://$REPO</url>
      <releases><enabled>true</enabled></releases><snapshots><enabled>true</enabled></snapshots></repository></repositories>
  </profile></profiles>
  <activeProfiles><activeProfile>hcsim-dir</activeProfile></activeProfiles>
</settings>
XML
mvn -B -s "$WORK/settings.xml" -Dmaven.repo.local="$LOCAL" -Dhcsim.version="$VERSION" -f examples/consumer/pom.xml verify \
  > "$WORK/consumer.log" 2>&1 || { tail -60 "$WORK/consumer.log"; fail "the consumer project did not build from the deployed directory"; }
grep -q "Downloaded from hcsim-dir: file://$REPO/dev/hcsim/abi-core" "$WORK/consumer.log" || fail "abi-core was not resolved from the deployed directory"
grep -E "Tests run: [0-9]+, Failures: 0, Errors: 0" "$WORK/consumer.log" | tail -1
echo "release-check: the consumer project resolved hcsim $VERSION from the deployed directory and its tests passed"
