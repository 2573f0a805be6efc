package dev.hcsim.arch.ppc;

import dev.hcsim.core.RegisterLayout;

/**
 * The PowerPC register layout: GPRs {@code r0..r31} at their ISA numbers (so a decoder uses the
 * RT/RA/RB fields directly), then the control state the hypercall ABI and the guest subset touch.
 * {@code r0} is not hard-wired to zero; only the RA field of D-form instructions reads "0" for it.
 */
public final class PpcRegisters {
    /** Machine State Register. */
    public static final int MSR = 32;
    /** Condition Register (eight 4-bit fields, cr0 in the most significant nibble). */
    public static final int CR = 33;
    /** Link Register. */
    public static final int LR = 34;
    /** Count Register. */
    public static final int CTR = 35;
    /** Save/Restore Register 0: the return address of the last interrupt the simulator delivered. */
    public static final int SRR0 = 36;
    /** Save/Restore Register 1: the MSR at the last interrupt the simulator delivered. */
    public static final int SRR1 = 37;
    /** BookE Exception Syndrome Register ({@code ESR_PPR} after a privileged-instruction program interrupt). */
    public static final int ESR = 38;

    /** MSR[SF], 64-bit mode on Book3S ({@code arch/powerpc/include/asm/reg.h}). */
    public static final long MSR_SF = 0x8000_0000_0000_0000L;
    /** MSR[CM], 64-bit mode on BookE ({@code reg_booke.h MSR_CM}). */
    public static final long MSR_CM = 0x8000_0000L;
    /** MSR[EE], external interrupts enabled. */
    public static final long MSR_EE = 0x8000L;
    /** MSR[PR], problem (user) state. */
    public static final long MSR_PR = 0x4000L;
    /** MSR[RI], recoverable interrupt. */
    public static final long MSR_RI = 0x2L;
    /** MSR[LE], little-endian mode. */
    public static final long MSR_LE = 0x1L;

    /** The layout. */
    public static final RegisterLayout LAYOUT = build();

    private PpcRegisters() {
    }

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        for (int i = 0; i < 32; i++) {
            // GNU as writes bare numbers (lis 0,...), objdump prints rN; %rN is accepted by the layout itself.
            if (i == 1) {
                b.general("r1", "sp");
            } else if (i == 2) {
                b.general("r2", "toc");
            } else {
                b.general("r" + i);
            }
        }
        b.control("msr", 64);
        b.control("cr", 32);
        b.control("lr", 64);
        b.control("ctr", 64);
        b.control("srr0", 64);
        b.control("srr1", 64);
        b.control("esr", 32);
        return b.build();
    }
}
