package dev.hcsim.arch.riscv;

import dev.hcsim.core.RegisterLayout;

/**
 * The RV64 register layout: {@code x0..x31} in the ISA's numbering (an instruction's 5-bit register
 * field is the index) under their psABI names, with {@code xN} and {@code fp} as aliases, then the
 * guest state the SBI path reads: the virtualization mode's privilege ({@code priv}: 1 = VS-mode,
 * 0 = VU-mode), {@code sstatus}, {@code sscratch} and {@code sip} (the VS-level interrupt-pending
 * bits the guest sees as sip: SSIP bit 1, STIP bit 5).
 */
public final class RiscvRegisters {
    private RiscvRegisters() {
    }

    /** x0, hard-wired to zero. */
    public static final int ZERO = 0;
    /** x1 = ra. */
    public static final int RA = 1;
    /** x10 = a0: argument 0 in, SBI error out. */
    public static final int A0 = 10;
    /** x11 = a1: argument 1 in, SBI value out. */
    public static final int A1 = 11;
    /** x12 = a2. */
    public static final int A2 = 12;
    /** x13 = a3. */
    public static final int A3 = 13;
    /** x14 = a4. */
    public static final int A4 = 14;
    /** x15 = a5, the last argument register. */
    public static final int A5 = 15;
    /** x16 = a6: the SBI function ID. */
    public static final int A6 = 16;
    /** x17 = a7: the SBI extension ID. */
    public static final int A7 = 17;
    /** The privilege of the vCPU in virtualization mode: 1 = VS (supervisor), 0 = VU (user). */
    public static final int PRIV = 32;
    /** sstatus as the guest sees it (vsstatus): SPP is bit 8, SIE bit 1. */
    public static final int SSTATUS = 33;
    /** sscratch (vsscratch). */
    public static final int SSCRATCH = 34;
    /** sip (vsip): SSIP bit 1 (IPIs), STIP bit 5 (timer), SEIP bit 9. */
    public static final int SIP = 35;

    /** sstatus.SPP: the privilege before the last trap into S-mode (asm/csr.h SR_SPP). */
    public static final long SR_SPP = 1L << 8;
    /** sstatus.SIE. */
    public static final long SR_SIE = 1L << 1;
    /** sstatus.SPIE. */
    public static final long SR_SPIE = 1L << 5;

    /** The psABI names objdump prints (opcodes/riscv-dis.c riscv_gpr_names_abi). */
    static final String[] NAMES = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
        "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
        "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    };

    /** The layout. */
    public static final RegisterLayout LAYOUT = build();

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        b.general("zero", "x0").zero();
        for (int i = 1; i < 32; i++) {
            if (i == 8) {
                b.general("s0", "x8", "fp");
            } else {
                b.general(NAMES[i], "x" + i);
            }
        }
        b.control("priv", 1, "mode");
        b.control("sstatus", 64, "vsstatus");
        b.control("sscratch", 64, "vsscratch");
        b.control("sip", 64, "vsip");
        return b.build();
    }

    /**
     * The general register named {@code text} as GNU {@code as} accepts it ({@code a0}, {@code x10},
     * {@code fp}), or -1.
     */
    static int general(String text) {
        int i = LAYOUT.indexOf(text.trim());
        return i >= 0 && i < 32 ? i : -1;
    }
}
