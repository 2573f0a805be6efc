package dev.hcsim.arch.mips;

import dev.hcsim.core.RegisterLayout;
import java.util.Locale;
import java.util.Map;

/**
 * The MIPS register layout: the 32 general registers in ISA order with the n64 ABI names, then the
 * CP0 state a hypercall trap depends on. n64 is the ABI of the MIPS64 Linux kernel KVM runs and the
 * default of the binutils hcsim matches byte for byte (Debian's {@code mips64-linux-gnuabi64} and
 * {@code mips64el-linux-gnuabi64}): $8..$11 are {@code a4..a7} (aliases {@code ta0..ta3}), $12..$15
 * are {@code t0..t3}, and o32's {@code t4..t7} do not exist (arch/mips/include/asm/regdef.h under
 * {@code _MIPS_SIM_ABI64}; gas/config/tc-mips.c N32N64_SYMBOLIC_REGISTER_NAMES;
 * opcodes/mips-dis.c mips_gpr_names_newabi). Also accepted, as GNU as accepts them: {@code $n},
 * {@code fp} for {@code s8}, {@code kt0} / {@code kt1} for {@code k0} / {@code k1}, and hcsim's
 * {@code rn}.
 */
public final class MipsRegisters {
    /** The n64 ABI names, index = register number: what objdump prints for an n64 ELF object. */
    static final String[] NAMES = {"zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3",
        "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra"};

    /** Other names GNU as accepts for a register (tc-mips.c): ta0..ta3 = a4..a7, kt0 / kt1 = k0 / k1, fp = s8. */
    private static final Map<Integer, String> GNU_ALIASES = Map.of(
            8, "ta0", 9, "ta1", 10, "ta2", 11, "ta3", 26, "kt0", 27, "kt1", 30, "fp");

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
            String gnu = GNU_ALIASES.get(i);
            String[] aliases = gnu == null ? new String[] {String.valueOf(i), "r" + i} : new String[] {String.valueOf(i), "r" + i, gnu};
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
     * @return its n64 ABI name as objdump prints it for an n64 object, such as {@code v0} or {@code a4}
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

    /**
     * Whether {@code text} is one of o32's {@code t4..t7}, names n64 does not have (GNU as for n64 rejects them
     * as "invalid operands"): an assembler says so instead of only "not a register".
     * @param text the register as written, with or without {@code $}
     * @return true for {@code t4}, {@code $t5}, ... {@code $T7}
     */
    static boolean isO32Only(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String name = t.startsWith("$") ? t.substring(1) : t;
        return name.length() == 2 && name.charAt(0) == 't' && name.charAt(1) >= '4' && name.charAt(1) <= '7';
    }
}
