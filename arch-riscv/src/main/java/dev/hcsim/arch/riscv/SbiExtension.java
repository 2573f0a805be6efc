package dev.hcsim.arch.riscv;

/**
 * KVM's table of SBI extensions, in the order kvm_vcpu_sbi_find_ext searches it (arch/riscv/kvm/vcpu_sbi.c
 * {@code sbi_ext[]}): the extension ID range, the {@code KVM_RISCV_SBI_EXT_*} index the VMM switches it
 * with through {@code KVM_REG_RISCV_SBI_EXT} (arch/riscv/include/uapi/asm/kvm.h enum KVM_RISCV_SBI_EXT_ID;
 * -1 for BASE, which cannot be disabled), whether it starts disabled ({@code default_disabled}), and the
 * VM feature name hcsim gives the switch.
 */
public enum SbiExtension {
    /** The legacy v0.1 calls, one EID each (vcpu_sbi_v01.c, CONFIG_RISCV_SBI_V01). */
    V01(0x0, 0x8, 0, false, "sbi-v01", "legacy v0.1 (EIDs 0x0..0x8)"),
    /** BASE (vcpu_sbi_base.c): always on. */
    BASE(0x10, 0x10, -1, false, null, "BASE"),
    /** TIME "TIME" (vcpu_sbi_replace.c). */
    TIME(0x54494D45L, 0x54494D45L, 1, false, "sbi-time", "TIME"),
    /** IPI "sPI" (vcpu_sbi_replace.c). */
    IPI(0x735049, 0x735049, 2, false, "sbi-ipi", "IPI"),
    /** RFENCE "RFNC" (vcpu_sbi_replace.c). */
    RFENCE(0x52464E43L, 0x52464E43L, 3, false, "sbi-rfence", "RFENCE"),
    /** SRST "SRST" (vcpu_sbi_replace.c). */
    SRST(0x53525354L, 0x53525354L, 4, false, "sbi-srst", "SRST"),
    /** HSM "HSM" (vcpu_sbi_hsm.c). */
    HSM(0x48534D, 0x48534D, 5, false, "sbi-hsm", "HSM"),
    /** PMU "PMU" (vcpu_sbi_pmu.c): unavailable without Sscofpmf on the host (probe = init_done). */
    PMU(0x504D55, 0x504D55, 6, false, "sbi-pmu", "PMU"),
    /** DBCN "DBCN" (vcpu_sbi_forward.c): forwarded to the VMM, default disabled. */
    DBCN(0x4442434EL, 0x4442434EL, 9, true, "sbi-dbcn", "DBCN"),
    /** SUSP "SUSP" (vcpu_sbi_system.c): default disabled. */
    SUSP(0x53555350L, 0x53555350L, 11, true, "sbi-susp", "SUSP"),
    /** STA "STA" (vcpu_sbi_sta.c): probe = sched_info_on(). */
    STA(0x535441, 0x535441, 10, false, "sbi-sta", "STA"),
    /** FWFT "FWFT" (vcpu_sbi_fwft.c). */
    FWFT(0x46574654L, 0x46574654L, 12, false, "sbi-fwft", "FWFT"),
    /** MPXY "MPXY" (vcpu_sbi_forward.c): forwarded to the VMM, default disabled. */
    MPXY(0x4D505859L, 0x4D505859L, 13, true, "sbi-mpxy", "MPXY"),
    /** The experimental range (vcpu_sbi_forward.c): forwarded to the VMM. */
    EXPERIMENTAL(0x0800_0000L, 0x08FF_FFFFL, 7, false, "sbi-experimental", "experimental (0x08000000..0x08ffffff)"),
    /** The vendor range (vcpu_sbi_forward.c): forwarded to the VMM. */
    VENDOR(0x0900_0000L, 0x09FF_FFFFL, 8, false, "sbi-vendor", "vendor (0x09000000..0x09ffffff)");

    /** KVM_RISCV_SBI_EXT_MAX: one past the highest switch index. */
    public static final int KVM_RISCV_SBI_EXT_MAX = 14;

    private static final SbiExtension[] ALL = values();
    private static final SbiExtension[] BY_INDEX = new SbiExtension[KVM_RISCV_SBI_EXT_MAX];

    static {
        for (SbiExtension e : ALL) {
            if (e.index >= 0) {
                BY_INDEX[e.index] = e;
            }
        }
    }

    private final long first;
    private final long last;
    private final int index;
    private final boolean defaultDisabled;
    private final String feature;
    private final String title;

    SbiExtension(long first, long last, int index, boolean defaultDisabled, String feature, String title) {
        this.first = first;
        this.last = last;
        this.index = index;
        this.defaultDisabled = defaultDisabled;
        this.feature = feature;
        this.title = title;
    }

    /**
     * The first extension ID of the range.
     * @return extid_start
     */
    public long first() {
        return first;
    }

    /**
     * The last extension ID of the range.
     * @return extid_end
     */
    public long last() {
        return last;
    }

    /**
     * The KVM_RISCV_SBI_EXT_* switch index, or -1 for BASE.
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * Whether the extension starts disabled ({@code default_disabled}).
     * @return true for DBCN, SUSP and MPXY
     */
    public boolean defaultDisabled() {
        return defaultDisabled;
    }

    /**
     * The VM feature that holds the switch's initial state, or null for BASE.
     * @return the feature name
     */
    public String feature() {
        return feature;
    }

    /**
     * The extension's name for traces and docs.
     * @return the title
     */
    public String title() {
        return title;
    }

    /** True when every call of the extension is forwarded to the VMM (KVM_EXIT_RISCV_SBI). */
    boolean forwarded() {
        return this == DBCN || this == MPXY || this == EXPERIMENTAL || this == VENDOR;
    }

    /**
     * The entry whose range holds {@code eid}, searched as kvm_vcpu_sbi_find_ext does (whole register,
     * unsigned), or null. Allocation-free.
     * @param eid the value of a7
     * @return the extension, or null
     */
    public static SbiExtension ofEid(long eid) {
        for (SbiExtension e : ALL) {
            if (Long.compareUnsigned(e.first, eid) <= 0 && Long.compareUnsigned(eid, e.last) <= 0) {
                return e;
            }
        }
        return null;
    }

    /**
     * The extension with switch index {@code index}, or null (riscv_vcpu_get_sbi_ext).
     * @param index a KVM_RISCV_SBI_EXT_* value
     * @return the extension, or null
     */
    public static SbiExtension ofIndex(long index) {
        return index >= 0 && index < KVM_RISCV_SBI_EXT_MAX ? BY_INDEX[(int) index] : null;
    }
}
