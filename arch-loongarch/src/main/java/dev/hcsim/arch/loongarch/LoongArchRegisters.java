package dev.hcsim.arch.loongarch;

import dev.hcsim.core.RegisterLayout;

/**
 * The LoongArch64 register layout: the 32 general registers in the ISA's numbering (so that an
 * instruction's 5-bit register field is the index), with their LP64 ABI names and the raw
 * {@code rN} names as aliases, followed by the guest's privilege level (CSR.CRMD.PLV) as a
 * control register. r0 is hard-wired to zero.
 */
public final class LoongArchRegisters {
    private LoongArchRegisters() {
    }

    /** r0, the hard-wired zero register. */
    public static final int ZERO = 0;
    /** r4 = a0: hypercall function number in, return code out. */
    public static final int A0 = 4;
    /** r5 = a1, first argument. */
    public static final int A1 = 5;
    /** r6 = a2. */
    public static final int A2 = 6;
    /** r7 = a3. */
    public static final int A3 = 7;
    /** r8 = a4. */
    public static final int A4 = 8;
    /** r9 = a5, the last register the HVCL ABI reads (USER_SERVICE forwards a0..a5). */
    public static final int A5 = 9;
    /** Index of the control register holding CSR.CRMD.PLV (0 = kernel, 3 = user). */
    public static final int PLV = 32;

    /**
     * Register names as GNU objdump 2.40 prints them (opcodes/loongarch-opc.c loongarch_r_lp64_name;
     * r21 is {@code $x} there).
     */
    static final String[] DISASSEMBLY_NAMES = {
        "$zero", "$ra", "$tp", "$sp", "$a0", "$a1", "$a2", "$a3",
        "$a4", "$a5", "$a6", "$a7", "$t0", "$t1", "$t2", "$t3",
        "$t4", "$t5", "$t6", "$t7", "$t8", "$x", "$fp", "$s0",
        "$s1", "$s2", "$s3", "$s4", "$s5", "$s6", "$s7", "$s8",
    };

    /** The layout: r0..r31 by ABI name (aliases rN, v0/v1, fp = s9, r21 = x = u0), then plv. */
    public static final RegisterLayout LAYOUT = build();

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        b.general("zero", "r0").zero();
        b.general("ra", "r1");
        b.general("tp", "r2");
        b.general("sp", "r3");
        b.general("a0", "r4", "v0");
        b.general("a1", "r5", "v1");
        for (int i = 2; i < 8; i++) {
            b.general("a" + i, "r" + (4 + i));
        }
        for (int i = 0; i < 9; i++) {
            b.general("t" + i, "r" + (12 + i));
        }
        b.general("r21", "x", "u0");
        b.general("fp", "r22", "s9");
        for (int i = 0; i < 9; i++) {
            b.general("s" + i, "r" + (23 + i));
        }
        b.control("plv", 2, "crmd.plv");
        return b.build();
    }

    /** The GNU disassembly name of general register {@code r} (0..31). */
    static String disassemblyName(int r) {
        return DISASSEMBLY_NAMES[r];
    }

    /**
     * The general register named {@code text} as GNU {@code as} accepts it ({@code $a0}, {@code $r4},
     * also without the dollar sign), or -1.
     */
    static int general(String text) {
        int i = LAYOUT.indexOf(text.trim());
        return i >= 0 && i < 32 ? i : -1;
    }
}
