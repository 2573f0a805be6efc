// The aarch64 side-by-side guest (scripts/bench-vs-qemu.sh): LOOPS calls of PSCI_VERSION over
// HVC #0 (QEMU virt at EL1 and KVM both answer it: arch/arm64/kvm/psci.c), then PSCI SYSTEM_OFF.
// The script writes the loop count over LOOPS_LO / LOOPS_HI; GNU as and hcsim assemble this text.
_start:
    movz x19, #LOOPS_LO
    movk x19, #LOOPS_HI, lsl #16
loop:
    movz x0, #0
    movk x0, #0x8400, lsl #16     // PSCI_0_2_FN_PSCI_VERSION 0x84000000
    hvc #0
    sub x19, x19, #1
    cbnz x19, loop
    movz x0, #0x8
    movk x0, #0x8400, lsl #16     // PSCI_0_2_FN_SYSTEM_OFF 0x84000008
    hvc #0
halt:
    b halt
