package dev.hcsim.arch.s390;

import dev.hcsim.core.RegisterLayout;

/**
 * The s390x register layout: the sixteen 64-bit general registers {@code r0..r15} in the ISA's
 * numbering (so that an R1/R3/B2/X2 field is a register index), then the parts of the PSW and the
 * prefix register the DIAGNOSE ABI reads. The PSW address is the engine's PC.
 */
public final class S390Registers {
    /** Index of the PSW mask (the PC is the PSW address). */
    public static final int PSWM = 16;
    /** Index of the prefix register (the vCPU's lowcore, 8 KiB aligned). */
    public static final int PREFIX = 17;
    /**
     * Index of the breaking-event-address register: the address of the last taken branch or LPSWE (the SIE block's
     * gbea, 1 after the initial reset; stored at lowcore 0x110 on a program interruption).
     */
    public static final int BEAR = 18;

    /** PSW bit 15, problem state: DIAGNOSE, SIGP, STSI, STAP and LPSWE are privileged. */
    public static final long PSW_MASK_PSTATE = 0x0001_0000_0000_0000L;
    /** PSW bit 14, wait state. */
    public static final long PSW_MASK_WAIT = 0x0002_0000_0000_0000L;
    /** PSW bit 6, I/O interruptions enabled. */
    public static final long PSW_MASK_IO = 0x0200_0000_0000_0000L;
    /** PSW bit 7, external interruptions enabled. */
    public static final long PSW_MASK_EXT = 0x0100_0000_0000_0000L;
    /** PSW bits 31-32, 64-bit addressing (EA|BA). */
    public static final long PSW_MASK_64 = 0x0000_0001_8000_0000L;
    /** The PSW mask a vCPU starts with: supervisor state, 64-bit addressing, interruptions disabled. */
    public static final long PSW_MASK_RESET = PSW_MASK_64;
    /** The condition code field, PSW bits 18-19. */
    public static final int CC_SHIFT = 44;
    /** The bits of the prefix register that take part in prefixing (arch/s390/kvm/kvm-s390.h, kvm_s390_set_prefix). */
    public static final long PREFIX_MASK = 0x7FFF_E000L;

    private static final RegisterLayout LAYOUT = build();

    private S390Registers() {
    }

    private static RegisterLayout build() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        for (int i = 0; i < 16; i++) {
            b.general("r" + i, "gpr" + i);
        }
        b.control("pswm", 64, "psw_mask", "psw.mask");
        b.control("prefix", 32, "px");
        b.control("bear", 64, "gbea");
        return b.build();
    }

    /**
     * The layout.
     * @return the s390 register layout: r0..r15, then the PSW mask and the prefix register
     */
    public static RegisterLayout layout() {
        return LAYOUT;
    }

    /**
     * The condition code of a PSW mask.
     * @param pswMask the 64-bit PSW mask
     * @return the condition code, 0 to 3 (PSW bits 18-19)
     */
    public static int cc(long pswMask) {
        return (int) (pswMask >>> CC_SHIFT) & 3;
    }

    /**
     * The PSW mask with its condition code replaced by {@code cc}.
     * @param pswMask the 64-bit PSW mask
     * @param cc the new condition code; only its low two bits are used
     * @return the new PSW mask, every other bit unchanged
     */
    public static long withCc(long pswMask, int cc) {
        return (pswMask & ~(3L << CC_SHIFT)) | ((long) (cc & 3) << CC_SHIFT);
    }

    /**
     * Real to absolute address under prefixing (z/Architecture Principles of Operation, "Prefixing";
     * arch/s390/kvm/gaccess.h kvm_s390_real_to_abs): real 0..8K is the prefix area, the prefix area
     * is absolute 0..8K, everything else maps to itself.
     * @param real the real address
     * @param prefixRegister the vCPU's prefix register (bits outside PREFIX_MASK are ignored)
     * @return the absolute address
     */
    public static long realToAbsolute(long real, long prefixRegister) {
        long prefix = prefixRegister & PREFIX_MASK;
        if (real >= 0 && real < 0x2000) {
            return real + prefix;
        }
        if (real >= prefix && real < prefix + 0x2000) {
            return real - prefix;
        }
        return real;
    }
}
