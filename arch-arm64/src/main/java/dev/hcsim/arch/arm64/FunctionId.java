package dev.hcsim.arch.arm64;

import java.util.Locale;

/**
 * An SMCCC function ID decoded into its fields (DEN0028 section 2.5, {@code include/linux/arm-smccc.h}):
 * bit 31 fast (1) or yielding (0), bit 30 SMC64/HVC64 (1) or SMC32/HVC32 (0), bits 29:24 the owning
 * service, bit 16 the SMCCC v1.3 SVE hint, bits 15:0 the function number.
 *
 * @param id      the 32-bit function ID
 * @param fast    true for a fast call
 * @param smc64   true for the 64-bit calling convention
 * @param owner   the owning entity number (0..63)
 * @param sveHint the v1.3 "SVE live state not needed" hint bit
 * @param number  the function number
 */
public record FunctionId(long id, boolean fast, boolean smc64, int owner, boolean sveHint, int number) {
    private static final String[] OWNERS = new String[64];
    private static final String[] DESCRIPTIONS = new String[256];
    private static final String[] UNKNOWN = new String[256];

    static {
        for (int i = 0; i < 64; i++) {
            OWNERS[i] = switch (i) {
                case 0 -> "Arm Architecture";
                case 1 -> "CPU Service";
                case 2 -> "SiP Service";
                case 3 -> "OEM Service";
                case 4 -> "Standard Secure Service";
                case 5 -> "Standard Hypervisor Service";
                case 6 -> "Vendor Specific Hypervisor Service";
                case 7 -> "Vendor Specific EL3 Monitor Service";
                default -> i >= 48 && i <= 49 ? "Trusted Application" : i >= 50 ? "Trusted OS" : "reserved";
            };
        }
        for (int i = 0; i < 256; i++) {
            DESCRIPTIONS[i] = ((i & 128) != 0 ? "fast " : "yielding ") + ((i & 64) != 0 ? "SMC64" : "SMC32") + ", owner " + (i & 63) + " ("
                    + OWNERS[i & 63] + ")";
            UNKNOWN[i] = "unknown SMCCC function: " + DESCRIPTIONS[i];
        }
    }

    /**
     * Decodes the low 32 bits of {@code raw}.
     * @param raw the function ID as the guest put it in x0 (or w0)
     * @return its fields: fast call, SMC64, owner, SVE hint, function number
     */
    public static FunctionId decode(long raw) {
        long id = raw & 0xFFFF_FFFFL;
        return new FunctionId(id, (id & 0x8000_0000L) != 0, (id & 0x4000_0000L) != 0, (int) (id >>> 24) & 0x3F, (id & 0x1_0000L) != 0,
                (int) id & 0xFFFF);
    }

    /**
     * The owner's name in DEN0028 words.
     * @param owner the owning entity number, 0 to 63 (higher bits are ignored)
     * @return the name, such as "Standard Secure Service"
     */
    public static String ownerName(int owner) {
        return OWNERS[owner & 63];
    }

    /**
     * "fast SMC64, owner 4 (Standard Secure Service)" for the low 32 bits of {@code raw}, without allocating.
     * @param raw the function ID (only bits 31..24 are read)
     * @return the call type, calling convention and owner in words
     */
    public static String describe(long raw) {
        return DESCRIPTIONS[(int) (raw >>> 24) & 0xFF];
    }

    /**
     * The trace name of an ID no service knows, with its decoded fields, without allocating.
     * @param raw the function ID (only bits 31..24 are read)
     * @return the name traces and results show for the call
     */
    public static String unknownName(long raw) {
        return UNKNOWN[(int) (raw >>> 24) & 0xFF];
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s, fn 0x%x%s", DESCRIPTIONS[(int) (id >>> 24) & 0xFF], number, sveHint ? ", SVE hint" : "");
    }
}
