#!/usr/bin/env bash
# binutils-crosscheck.sh -- cross-check every guest-subset instruction form of the seven architectures against
# GNU binutils: installs Debian's cross binutils when missing (and builds LoongArch's, which Debian 12 lacks,
# with shared/tools/build-loongarch-binutils.sh), then runs the JUnit tests tagged 'binutils' through the
# Maven profile -Pbinutils (abi-conformance BinutilsCrossCheckTest: GNU as bytes and objdump text against
# hcsim's assembler and decoder, fixed cases plus a few thousand generated operands per form).
#
# Usage: scripts/binutils-crosscheck.sh [--no-install] [--operands N]
#   --no-install   do not apt-get anything; targets whose tools are missing are skipped by the test
#   --operands N   random operand sets per form (default 2000)
# Exit status: Maven's (0 when every available target agrees).
set -euo pipefail
cd "$(dirname "$0")/.."

install=1; operands=2000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-install) install=0; shift ;;
    --operands) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || { echo "--operands needs a number" >&2; exit 2; }; operands="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# triplet prefix -> Debian package
declare -A packages=(
  [x86_64-linux-gnu]=binutils-x86-64-linux-gnu
  [s390x-linux-gnu]=binutils-s390x-linux-gnu
  [powerpc64-linux-gnu]=binutils-powerpc64-linux-gnu
  [powerpc64le-linux-gnu]=binutils-powerpc64le-linux-gnu
  [mips64-linux-gnuabi64]=binutils-mips64-linux-gnuabi64
  [mips64el-linux-gnuabi64]=binutils-mips64el-linux-gnuabi64
  [aarch64-linux-gnu]=binutils-aarch64-linux-gnu
  [riscv64-linux-gnu]=binutils-riscv64-linux-gnu
)
loongarch="${LOONGARCH_BINUTILS:-$HOME/.cache/loongarch-binutils}"

if (( install )); then
  missing=()
  for t in "${!packages[@]}"; do
    command -v "$t-as" >/dev/null 2>&1 || missing+=("${packages[$t]}")
  done
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  if (( ${#missing[@]} )); then
    echo "binutils-crosscheck: installing ${missing[*]}" >&2
    # A machine without Debian's registry cannot install them: those targets are then skipped (and said so), not failed.
    if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
      echo "binutils-crosscheck: WARNING: could not install ${missing[*]}; their targets are skipped" >&2
    fi
  fi
  if [[ ! -x "$loongarch/bin/loongarch64-linux-gnu-as" ]]; then
    builder=""
    for d in ../shared/tools /work/shared/tools; do
      [[ -x "$d/build-loongarch-binutils.sh" ]] && { builder="$d/build-loongarch-binutils.sh"; break; }
    done
    if [[ -n "$builder" ]]; then
      echo "binutils-crosscheck: building LoongArch binutils 2.40 (about 6 minutes)" >&2
      if ! { $sudo apt-get install -y -qq binutils-source flex bison m4 gcc make >/dev/null \
             && LOONGARCH_BINUTILS="$loongarch" bash "$builder" >&2; }; then
        echo "binutils-crosscheck: WARNING: LoongArch binutils could not be built; LoongArch is skipped" >&2
      fi
    else
      echo "binutils-crosscheck: no build-loongarch-binutils.sh found; LoongArch will be skipped" >&2
    fi
  fi
fi

export LOONGARCH_BINUTILS="$loongarch"
# -am builds the modules abi-conformance tests against from this tree; -Dtest keeps their own tests out of this run.
exec mvn -B -q -pl abi-conformance -am -Pbinutils test -Dtest=BinutilsCrossCheckTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dhcsim.binutils.operands="$operands"
