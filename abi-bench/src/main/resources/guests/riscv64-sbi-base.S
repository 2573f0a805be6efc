# The riscv64 side-by-side guest (scripts/bench-vs-qemu.sh): LOOPS calls of SBI BASE GET_SPEC_VERSION over
# ecall from S-mode (QEMU virt with OpenSBI in M-mode answers it, as KVM does from VS-mode:
# arch/riscv/kvm/vcpu_sbi_base.c), then SBI SRST shutdown. The script writes the loop count over LOOPS;
# GNU as (-march=rv64im_zicsr) and hcsim assemble this text.
_start:
    li s1, LOOPS
loop:
    li a7, 0x10                   # SBI_EXT_BASE
    li a6, 0                      # GET_SPEC_VERSION
    ecall
    addi s1, s1, -1
    bnez s1, loop
    li a7, 0x53525354             # SBI_EXT_SRST
    li a6, 0                      # SYSTEM_RESET
    li a0, 0                      # shutdown
    li a1, 0
    ecall
halt:
    j halt
