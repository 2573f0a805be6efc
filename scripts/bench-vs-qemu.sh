#!/usr/bin/env bash
# Side by side with QEMU (issue 9, docs/performance.md): what a user would run today to execute guest
# code that makes hypercalls, against hcsim's standalone interpreter running the same instructions.
#
# For each bare-metal guest (abi-bench/src/main/resources/guests/*.S) and two loop counts N1 < N2, $ROUNDS rounds,
# each round one QEMU measurement then one hcsim measurement (A B A B ..., so that the shared machine's drift hits
# both sides alike):
#   - QEMU TCG runs the guest built by GNU as + ld, once with N1 and once with N2 loops;
#   - hcsim assembles the same text itself and runs it (dev.hcsim.bench.GuestLoopRate, engine $ENGINE);
# the rate of each is (N2 - N1) / (t2 - t1), so that start-up cancels out; the round's ratio is hcsim's rate over
# QEMU's, and the script prints every round and the median ratio.
#
#   1. aarch64: qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none (PSCI conduit HVC at EL1):
#      N x { movz/movk x0 = 0x84000000 (PSCI_VERSION); hvc #0 }, then PSCI SYSTEM_OFF.
#   2. s390x: qemu-system-s390x -M s390-ccw-virtio -nodefaults:
#      N x { lghi %r1,3; lghi %r2,0; diag %r2,%r4,0x500 } (virtio-ccw notify of subchannel 0,
#      answered -22), then a disabled wait at the quiesce address.
#   3. riscv64: qemu-system-riscv64 -M virt -bios default (OpenSBI in M-mode, the guest in S-mode):
#      N x { li a7,0x10; li a6,0; ecall } (SBI BASE GET_SPEC_VERSION), then SBI SRST shutdown. OpenSBI is
#      firmware, not KVM: the comparison is of speed, not of answers.
#
# Usage: scripts/bench-vs-qemu.sh            (N1/N2 per guest below; ROUNDS=5; ENGINE=translate)
#        N_ARM="2000000 8000000" N_S390="10000000 40000000" N_RISCV="1000000 4000000" ROUNDS=3 ENGINE=interpret GUEST=aarch64 scripts/bench-vs-qemu.sh
# Installs the Debian packages it needs (apt-get, as root or through sudo) when they are missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N_ARM=${N_ARM:-"4000000 16000000"}
N_S390=${N_S390:-"20000000 80000000"}
N_RISCV=${N_RISCV:-"1000000 4000000"}
ROUNDS=${ROUNDS:-5}
ENGINE=${ENGINE:-translate}
GUEST=${GUEST:-all}
[[ "$ENGINE" =~ ^(interpret|translate)$ ]] || { echo "bench-vs-qemu: ENGINE is interpret or translate, not '$ENGINE'" >&2; exit 2; }
[[ "$GUEST" =~ ^(all|aarch64|s390x|riscv64)$ ]] || { echo "bench-vs-qemu: GUEST is all, aarch64, s390x or riscv64, not '$GUEST'" >&2; exit 2; }
GUESTS="$HERE/abi-bench/src/main/resources/guests"
JAR="$HERE/abi-bench/target/benchmarks.jar"

die() { echo "bench-vs-qemu: $*" >&2; exit 2; }

for n in $N_ARM $N_S390 $N_RISCV $ROUNDS; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive whole number (N_ARM, N_S390, N_RISCV, ROUNDS)"
done

need=()
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v qemu-system-s390x >/dev/null || need+=(qemu-system-misc)
command -v aarch64-linux-gnu-as >/dev/null || need+=(binutils-aarch64-linux-gnu)
command -v s390x-linux-gnu-as >/dev/null || need+=(binutils-s390x-linux-gnu)
command -v qemu-system-riscv64 >/dev/null || need+=(qemu-system-misc)
[ -e /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin ] || need+=(opensbi)
command -v riscv64-linux-gnu-as >/dev/null || need+=(binutils-riscv64-linux-gnu)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "bench-vs-qemu: installing ${need[*]}" >&2
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 \
    || die "could not install ${need[*]}"
fi
if [ ! -f "$JAR" ]; then
  echo "bench-vs-qemu: building abi-bench (mvn -q -B -DskipTests package -pl abi-bench -am)" >&2
  (cd "$HERE" && mvn -q -B -DskipTests package -pl abi-bench -am) >&2 || die "the abi-bench build failed"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The guest text with the loop count written in, exactly as GuestLoopRate writes it for hcsim.
with_loops() { # template n
  sed -e "s/LOOPS_LO/0x$(printf %x $(($2 & 0xffff)))/" -e "s/LOOPS_HI/0x$(printf %x $(($2 >> 16)))/" -e "s/LOOPS/$2/" "$1"
}

build() { # prefix template n text-address -> elf path
  local src="$WORK/$1-$3.S" elf="$WORK/$1-$3.elf"
  { echo ".globl _start"; with_loops "$2" "$3"; } > "$src"
  # riscv64: no compressed instructions (hcsim's subset), and -N so that the ELF's only segment starts at the text:
  # QEMU virt hands OpenSBI the lowest loaded address as the next stage's entry.
  local asx=() ldx=()
  [ "$1" = riscv64 ] && { asx=(-march=rv64im_zicsr); ldx=(-N --no-warn-rwx-segments); }
  "$1-linux-gnu-as" "${asx[@]}" "$src" -o "$WORK/$1-$3.o" || die "$1-linux-gnu-as rejected $src"
  "$1-linux-gnu-ld" "${ldx[@]}" -Ttext="$4" -e _start "$WORK/$1-$3.o" -o "$elf" || die "$1-linux-gnu-ld failed"
  echo "$elf"
}

seconds() { # command...: wall time of one run, which must end by itself
  local s e
  s=$(date +%s.%N)
  timeout 300 "$@" </dev/null >/dev/null 2>&1 || die "'$*' did not end cleanly (exit $?)"
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}

median() { # numbers on stdin, one a line
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

side_by_side() { # title prefix template text-address hcsim-arch "N1 N2" qemu-command...
  local title=$1 prefix=$2 template=$3 addr=$4 arch=$5 counts=$6; shift 6
  [ "$GUEST" = all ] || [ "$GUEST" = "$prefix" ] || return 0
  read -r n1 n2 <<< "$counts"
  local e1 e2 t1 t2 qrate hline hrate ratios=""
  e1=$(build "$prefix" "$template" "$n1" "$addr")
  e2=$(build "$prefix" "$template" "$n2" "$addr")
  printf '%s\n' "$title"
  printf '  QEMU %s; hcsim engine %s; %d rounds of QEMU then hcsim, %d and %d calls each\n' \
    "$("$1" --version | head -1 | sed 's/.*version //')" "$ENGINE" "$ROUNDS" "$n1" "$n2"
  for r in $(seq "$ROUNDS"); do
    t1=$(seconds "$@" -kernel "$e1")
    t2=$(seconds "$@" -kernel "$e2")
    qrate=$(echo "($n2 - $n1) / ($t2 - $t1)" | bc -l)
    hline=$(java -Dhcsim.engine="$ENGINE" -cp "$JAR" dev.hcsim.bench.GuestLoopRate "$arch" "$template" "$n1" "$n2") \
      || die "hcsim could not run the $arch guest"
    hrate=$(echo "$hline" | sed -n 's/^rate=//p')
    ratios="$ratios$(echo "$hrate / $qrate" | bc -l)"$'\n'
    printf '  round %d: QEMU %.1f million calls/s (%.3f s, %.3f s); %s; hcsim / QEMU = %.2f\n' "$r" \
      "$(echo "$qrate / 1000000" | bc -l)" "$t1" "$t2" "$(echo "$hline" | head -1 | sed 's/^hcsim [a-z0-9]*: //')" "$(echo "$hrate / $qrate" | bc -l)"
  done
  printf '  median hcsim / QEMU over %d rounds = %.2f\n' "$ROUNDS" "$(printf '%s' "$ratios" | median)"
}

command -v bc >/dev/null || die "bc is needed for the arithmetic (apt-get install bc)"

side_by_side "aarch64: PSCI_VERSION over hvc #0, QEMU virt cortex-a57 at EL1 (goal: hcsim at least 3x QEMU)" \
  aarch64 "$GUESTS/aarch64-psci-version.S" 0x40080000 arm64 "$N_ARM" \
  qemu-system-aarch64 -M virt -cpu cortex-a57 -nic none -display none -serial none -monitor none -no-reboot
side_by_side "s390x: DIAG 0x500 virtio-ccw notify, QEMU s390-ccw-virtio (goal: hcsim ahead of QEMU)" \
  s390x "$GUESTS/s390x-diag500.S" 0x10000 s390 "$N_S390" \
  qemu-system-s390x -M s390-ccw-virtio -nodefaults -display none -no-reboot
side_by_side "riscv64: SBI BASE GET_SPEC_VERSION over ecall, QEMU virt with OpenSBI (firmware, not KVM: speed only)" \
  riscv64 "$GUESTS/riscv64-sbi-base.S" 0x80200000 riscv "$N_RISCV" \
  qemu-system-riscv64 -M virt -bios default -nic none -display none -serial none -monitor none -no-reboot
