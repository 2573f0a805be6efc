/**
 * hcsim's RISC-V architecture: the Supervisor Binary Interface over {@code ecall} from VS-mode, as
 * arch/riscv/kvm/vcpu_sbi*.c answers it (legacy v0.1, BASE, TIME, IPI, RFENCE, SRST, HSM, SUSP, PMU,
 * STA, DBCN, FWFT, the experimental and vendor ranges).
 */
module dev.hcsim.arch.riscv {
    requires dev.hcsim.core;
    requires com.google.common;

    exports dev.hcsim.arch.riscv;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.riscv.RiscvArchitecture;
}
