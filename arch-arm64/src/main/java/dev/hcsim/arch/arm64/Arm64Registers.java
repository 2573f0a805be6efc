package dev.hcsim.arch.arm64;

import dev.hcsim.core.RegisterLayout;

/**
 * The arm64 register layout: {@code x0..x30} at their architectural numbers, {@code sp} at 31 and the
 * zero register {@code xzr} at 32 (in A64 encodings field value 31 means SP or XZR depending on the
 * instruction; the codec maps it), then the PSTATE and system-register state the hypercall ABI reads.
 *
 * <p>Control registers: {@code el} (PSTATE.EL: HVC and SMC are UNDEFINED at EL0), {@code nzcv}
 * (the condition flags in bits 31:28, as in the NZCV system register), {@code mpidr_el1} (the vCPU's
 * MPIDR, RES1 bit 31 included; {@code sys_regs.c reset_mpidr}), {@code nrw} (PSTATE.nRW: 1 when the
 * vCPU runs in AArch32 state), {@code thumb} (PSTATE.T in AArch32) and {@code be} (data big-endian: CPSR.E in
 * AArch32, SCTLR_EL1.EE at EL1; {@code kvm_vcpu_is_be}, which PSCI CPU_ON copies to the target).
 */
public final class Arm64Registers {
    /** Index of {@code sp}. */
    public static final int SP = 31;
    /** Index of the zero register {@code xzr}. */
    public static final int XZR = 32;
    /** PSTATE.EL, the current exception level (0 or 1 for a guest). */
    public static final int EL = 33;
    /** NZCV condition flags in bits 31:28. */
    public static final int NZCV = 34;
    /** MPIDR_EL1 of the vCPU. */
    public static final int MPIDR = 35;
    /** PSTATE.nRW: 1 = AArch32 execution state. */
    public static final int NRW = 36;
    /** PSTATE.T: 1 = T32 (Thumb) instruction set in AArch32. */
    public static final int THUMB = 37;
    /** Data endianness: 1 = big-endian (CPSR.E in AArch32, SCTLR_EL1.EE in AArch64; kvm_emulate.h kvm_vcpu_is_be). */
    public static final int BE = 38;

    /** The layout. */
    public static final RegisterLayout LAYOUT = build();

    private Arm64Registers() {
    }

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        for (int i = 0; i <= 30; i++) {
            switch (i) {
                case 16 -> b.general("x16", "ip0");
                case 17 -> b.general("x17", "ip1");
                case 29 -> b.general("x29", "fp");
                case 30 -> b.general("x30", "lr");
                default -> b.general("x" + i);
            }
        }
        b.general("sp");
        b.general("xzr").zero();
        b.control("el", 2, "pstate.el");
        b.control("nzcv", 32, "pstate.nzcv");
        b.control("mpidr_el1", 64, "mpidr");
        b.control("nrw", 1, "pstate.nrw", "aarch32");
        b.control("thumb", 1, "pstate.t");
        b.control("be", 1, "sctlr_el1.ee", "cpsr.e");
        return b.build();
    }
}
