package dev.hcsim.arch.mips;

import dev.hcsim.core.RegisterLayout;

/**
 * The MIPS register layout: the 32 general registers in ISA order with the o32 names GNU objdump
 * prints for a raw MIPS64 binary ({@code v0}, {@code a0}, {@code t0} = $8, {@code s8} = $30), the
 * raw names {@code $n} / {@code rn} as aliases, then the CP0 state a hypercall trap depends on.
 */
public final class MipsRegisters {
    /** The o32 ABI names, index = register number (what objdump prints for {@code -b binary -m mips:isa64r2}). */
    static final String[] NAMES = {"zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
        "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra"};

    /** Register $zero (r0): reads 0, writes are discarded. */
    public static final int ZERO = 0;
    /** Register $v0 (r2): the hypercall number in, the result out. */
    public static final int V0 = 2;
    /** Register $a0 (r4): the first hypercall argument. */
    public static final int A0 = 4;
    /** Register $a1 (r5): the second hypercall argument. */
    public static final int A1 = 5;
    /** Register $a2 (r6): the third hypercall argument. */
    public static final int A2 = 6;
    /** Register $a3 (r7): the fourth hypercall argument. */
    public static final int A3 = 7;
    /** Register $ra (r31): the return address of jal / jalr. */
    public static final int RA = 31;
    /**
     * Cause.BD of the root exception: 1 when the HYPCALL sat in a branch delay slot, so that the PC
     * (EPC) points at the branch (arch/mips/kvm/vz.c kvm_trap_vz_handle_hc, emulate.c update_pc).
     */
    public static final int BD = 32;
    /**
     * The guest's CP0 EBase (register 15, select 1): KVM resets it to {@code (s32)0x80000000 | vcpu_id}
     * (arch/mips/kvm/vz.c kvm_vz_vcpu_setup), so bits 9..0 (CPUNum) are the vCPU id.
     */
    public static final int EBASE = 33;

    static final RegisterLayout LAYOUT = build();

    private MipsRegisters() {
    }

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        for (int i = 0; i < 32; i++) {
            String[] aliases = i == 30 ? new String[] {String.valueOf(i), "r" + i, "fp"} : new String[] {String.valueOf(i), "r" + i};
            b.general(NAMES[i], aliases);
            if (i == 0) {
                b.zero();
            }
        }
        b.control("bd", 1, "cause.bd");
        b.control("ebase", 64, "c0_ebase");
        return b.build();
    }

    /**
     * The layout.
     * @return the MIPS register layout: the 32 general registers, then Cause.BD and CP0 EBase
     */
    public static RegisterLayout layout() {
        return LAYOUT;
    }

    /**
     * The objdump name of general register {@code r} (0..31).
     * @param r the register number, 0 to 31
     * @return its ABI name as objdump prints it, such as {@code v0}
     */
    public static String name(int r) {
        return NAMES[r];
    }

    /**
     * The number of a general register written as {@code $2}, {@code $v0}, {@code v0}, {@code r2}; -1 when not one.
     * @param text the register as written in assembly or on the command line
     * @return the register number 0 to 31, or -1 when {@code text} names no general register
     */
    public static int general(String text) {
        int i = LAYOUT.indexOf(text.trim());
        return i >= 0 && i < 32 ? i : -1;
    }
}
